import Foundation
import Testing
@testable import RNNScript

/// Every script in `sessions/` resolves cleanly, and runs at a tiny size.
@Suite struct SessionsTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sessions")

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".rnn") }.sorted()
    }

    @Test func thereAreSessions() {
        #expect(!Self.scripts.isEmpty)
    }

    @Test(arguments: scripts)
    func runsAtATinySize(_ name: String) throws {
        let source = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        let tinyLength = Parser.parseValue("200"), tinyEpochs = Parser.parseValue("1")
        let tiny: [String: Value] = ["length": try #require(tinyLength.value), "epochs": try #require(tinyEpochs.value)]
        let interpreter = Interpreter(baseDirectory: Self.directory, overrides: tiny)
        #expect(interpreter.check(source, file: name).isEmpty)
        var errors: [String] = []
        var epochs = 0
        let outcome = interpreter.run(source, file: name, emit: { event in
            if case let .diagnostic(d, _) = event { errors.append(d.description) }
            if case .epoch = event { epochs += 1 }
        })
        #expect(outcome.status == .ok, "\(errors)")
        #expect(epochs > 0)
    }
}
