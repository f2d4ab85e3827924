import Foundation
import RNNStore
import Testing
@testable import RNNSession
import RNNScript

/// Every script in `sessions/` resolves cleanly, runs at a tiny size (as `--set length=200
/// --set epochs=1` shrinks it), and writes the figures it names, as SVG.
@Suite struct SessionsTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sessions")

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".rnn") }.sorted()
    }

    @Test func thereAreSessions() {
        #expect(Self.scripts.count >= 5)
    }

    @Test(arguments: scripts)
    func runsAtATinySize(_ name: String) throws {
        let source = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        #expect(source.contains("let length = ") && source.contains("let epochs = "), "\(name) cannot be shrunk with --set")
        // Self-contained: run from a folder of its own, which receives its figures.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let log = try SessionLog(store: Store.open(path: scratch.appendingPathComponent("s.sqlite").path), version: "test",
                                 cwd: scratch.path)
        defer { log.close() }
        let tiny: [String: Value] = ["length": try #require(Parser.parseValue("200").value),
                                     "epochs": try #require(Parser.parseValue("1").value)]
        let interpreter = Interpreter(baseDirectory: Self.directory, outputDirectory: scratch, overrides: tiny, log: log)   // reads beside itself, writes here
        #expect(interpreter.check(source, file: name).isEmpty)
        var errors: [String] = []
        var epochs = 0
        let outcome = interpreter.run(source, file: name, cells: .eachStatement, emit: { event in
            if case let .diagnostic(d, _) = event { errors.append(d.description) }
            if case .epoch = event { epochs += 1 }
        })
        #expect(outcome.status == .ok, "\(errors)")
        #expect(epochs > 0)
        let figures = source.matches(of: /to "([^"]+\.svg)"/).map { String($0.output.1) }
        for figure in figures {
            let text = try String(contentsOf: scratch.appendingPathComponent(figure), encoding: .utf8)
            #expect(text.hasPrefix("<svg") && text.contains("</svg>"), "\(name): \(figure) is not an SVG")
        }
    }
}
