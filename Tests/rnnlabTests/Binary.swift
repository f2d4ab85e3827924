import Foundation
import Testing

/// The built `rnnlab` executable, run as a user runs it.
enum Binary {
    /// Beside the test bundle (`.build/<triple>/debug/`), else `.build/debug/` of this package;
    /// `RNNLAB_BINARY` overrides both.
    static let url: URL? = {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["RNNLAB_BINARY"] { return URL(fileURLWithPath: path) }
        var candidates: [URL] = []
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        return candidates.map { $0.appendingPathComponent("rnnlab") }.first { fm.isExecutableFile(atPath: $0.path) }
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs rnnlab with `arguments`, `input` on standard input, in `directory`; stdout and stderr
    /// go to files (no pipe can fill up). Fails the test and kills the process after `timeout`.
    static func run(_ arguments: [String], input: String = "", in directory: URL? = nil,
                    environment: [String: String] = [:], timeout: Duration = .seconds(30),
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let binary = try #require(url, "rnnlab is not built (swift build --build-tests builds it)",
                                  sourceLocation: sourceLocation)
        let scratch = try Scratch()
        let inURL = scratch.file("stdin"), outURL = scratch.file("stdout"), errURL = scratch.file("stderr")
        try Data(input.utf8).write(to: inURL)
        try Data().write(to: outURL)
        try Data().write(to: errURL)

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? scratch.url
        var env = ProcessInfo.processInfo.environment
        env["RNNLAB_STORE"] = nil
        env["NO_COLOR"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("rnnlab \(arguments) did not finish within \(timeout)", sourceLocation: sourceLocation)
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// A temporary folder, removed when the value is released.
final class Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` to `name` in the folder and returns its URL.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = file(name)
        try Data(text.utf8).write(to: file)
        return file
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
