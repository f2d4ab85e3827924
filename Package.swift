// swift-tools-version:6.0
import PackageDescription

// The hot kernels (gate math, fast exp/tanh) only vectorise when the compiler may use
// AVX2+FMA; Swift's default x86-64 target is SSE2. `haswell` runs on any x86-64 CPU
// since 2013; the sixteen-lane kernels (RNNLanes16) are built for AVX-512 and run only where
// the CPU has it. Other architectures build with their defaults. The engine is optimised in
// debug builds too: its kernels are generic over the lane width (RNNLanes) and only fast
// once specialised, which the tests need as much as the product.
#if arch(x86_64)
let engineFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-O"])]
let wideFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512", "-O"])]
#else
let engineFlags: [SwiftSetting] = [.unsafeFlags(["-O"])]
let wideFlags: [SwiftSetting] = [.unsafeFlags(["-O"])]
#endif

let package = Package(
    name: "rnnlab",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RNNEngine", targets: ["RNNEngine"]),
        .library(name: "RNNData", targets: ["RNNData"]),
        .library(name: "RNNTraining", targets: ["RNNTraining"]),
        .library(name: "RNNScript", targets: ["RNNScript"]),
        .library(name: "RNNStore", targets: ["RNNStore"]),
        .library(name: "RNNSession", targets: ["RNNSession"]),
        .executable(name: "rnnlab", targets: ["rnnlab"]),
        .executable(name: "rnnlab-bench", targets: ["rnnlab-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ"),
        // The time loop's kernels written once over the lane width, and their AVX-512 build.
        .target(name: "RNNLanes"),
        .target(name: "RNNLanes16", dependencies: ["RNNLanes"], swiftSettings: wideFlags),
        .target(
            name: "RNNEngine",
            dependencies: ["COpenBLAS", "CMalloc", "RNNLanes", "RNNLanes16"],
            swiftSettings: engineFlags
        ),
        .target(
            name: "RNNData",
            dependencies: ["RNNEngine", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "RNNTraining",
            dependencies: ["RNNEngine", "RNNData"]
        ),
        // The language only: syntax, and commands resolved into typed values.
        .target(
            name: "RNNScript",
            dependencies: ["RNNEngine", "RNNData", "RNNTraining", "RNNReport"]
        ),
        // A session: settings, workspace, run lifecycle, executors, interpreter, its record in the store.
        .target(
            name: "RNNSession",
            dependencies: ["RNNEngine", "RNNData", "RNNTraining", "RNNStore", "RNNReport", "RNNScript"]
        ),
        // The SQLite store keeps plain values only: it depends on GRDB and nothing of ours.
        .target(
            name: "RNNStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // Pure rendering of plain values (plots, SVG, notebooks): Foundation only, nothing of ours.
        .target(name: "RNNReport"),
        .executableTarget(
            name: "rnnlab",
            dependencies: [
                "RNNEngine", "RNNScript", "RNNSession", "RNNTraining", "RNNStore", "RNNReport", "CReadline", "CZMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "rnnlab-bench",
            dependencies: ["RNNEngine", "RNNData", "RNNTraining", "RNNStore"]
        ),
        .testTarget(
            name: "RNNEngineTests",
            dependencies: ["RNNEngine"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "RNNDataTests",
            dependencies: ["RNNData", "RNNEngine"]
        ),
        .testTarget(
            name: "RNNTrainingTests",
            dependencies: ["RNNTraining", "RNNData", "RNNEngine"]
        ),
        .testTarget(
            name: "RNNReportTests",
            dependencies: ["RNNReport"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "RNNScriptTests",
            dependencies: ["RNNScript"]
        ),
        .testTarget(
            name: "RNNSessionTests",
            dependencies: ["RNNSession", "RNNScript", "RNNStore", "RNNReport", "RNNTraining"],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "RNNStoreTests",
            dependencies: ["RNNStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Runs the built `rnnlab` binary (batch, a real pseudo-terminal, several processes on one
        // store); depending on the executable makes `swift build --build-tests` build it.
        .testTarget(
            name: "rnnlabTests",
            dependencies: ["rnnlab", "RNNScript", "RNNSession", "RNNTraining", "RNNStore", "RNNReport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
