// swift-tools-version:6.0
import PackageDescription

// The hot kernels (gate math, fast exp/tanh) only vectorise when the compiler may use
// AVX2+FMA; Swift's default x86-64 target is SSE2. `haswell` runs on any x86-64 CPU
// since 2013; other architectures build with their defaults.
#if arch(x86_64)
let engineFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let engineFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "rnnlab",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RNNEngine", targets: ["RNNEngine"]),
        .library(name: "RNNTraining", targets: ["RNNTraining"]),
        .library(name: "RNNScript", targets: ["RNNScript"]),
        .executable(name: "rnnlab-bench", targets: ["rnnlab-bench"]),
    ],
    dependencies: [],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .target(
            name: "RNNEngine",
            dependencies: ["COpenBLAS"],
            swiftSettings: engineFlags
        ),
        .target(
            name: "RNNTraining",
            dependencies: ["RNNEngine"]
        ),
        .target(
            name: "RNNScript"
        ),
        .executableTarget(
            name: "rnnlab-bench",
            dependencies: ["RNNEngine"]
        ),
        .testTarget(
            name: "RNNEngineTests",
            dependencies: ["RNNEngine"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "RNNTrainingTests",
            dependencies: ["RNNTraining"]
        ),
        .testTarget(
            name: "RNNScriptTests",
            dependencies: ["RNNScript"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
