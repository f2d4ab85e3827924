import Foundation
import RNNStore
import Testing
@testable import RNNSession
import RNNScript

/// Golden scripts under `Golden/`, each carrying its expectations inline:
///   `# expect: TEXT`          TEXT appears in the output, after the previous expectation's match
///   `# error: LINE:COL: TEXT` a diagnostic at LINE:COL whose message contains TEXT
///   `# status: ok|error|interrupted`  how the cell ends (default ok, or error when errors are expected)
///   `# mode: check`           resolve only (`rnnlab check`): every diagnostic, nothing runs
///   `# mode: keep-going`      a failing statement does not stop the ones after it
///   `# set: NAME=VALUE`       a `--set` override
@Suite struct GoldenScriptTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".rnn") && !$0.hasPrefix("_") }.sorted()
    }

    @Test func thereAreGoldenScripts() {
        #expect(Self.scripts.count >= 10)
    }

    @Test(arguments: scripts)
    func script(_ name: String) throws {
        let url = Self.directory.appendingPathComponent(name)
        let source = try String(contentsOf: url, encoding: .utf8)
        let directives = source.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> (String, String)? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            for key in ["expect", "error", "status", "mode", "set"] where trimmed.hasPrefix("# \(key): ") {
                return (key, String(trimmed.dropFirst(key.count + 4)))
            }
            return nil
        }
        var overrides: [String: Value] = [:]
        for (_, assignment) in directives.filter({ $0.0 == "set" }) {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            let parsed = Parser.parseValue(parts[1])
            let value: Value = try #require(parsed.value, "\(name): '# set: \(assignment)' is not a value")
            overrides[parts[0]] = value
        }
        // Scripts write files into a scratch folder of their own.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for helper in (try? FileManager.default.contentsOfDirectory(atPath: Self.directory.path)) ?? [] where helper.hasPrefix("_") {
            try FileManager.default.copyItem(at: Self.directory.appendingPathComponent(helper),
                                             to: scratch.appendingPathComponent(helper))
        }
        // A store of its own, so the store's commands run as they do in rnnlab.
        let log = try SessionLog(store: Store.open(path: scratch.appendingPathComponent("golden.sqlite").path),
                                 version: "test", cwd: scratch.path)
        defer { log.close() }
        let interpreter = Interpreter(baseDirectory: scratch, overrides: overrides, log: log)
        var output: [String] = []
        var diagnostics: [Diagnostic] = []
        let status: CellStatus
        if directives.contains(where: { $0 == ("mode", "check") }) {
            diagnostics = interpreter.check(source, file: name)
            status = diagnostics.contains { $0.severity == .error } ? .error : .ok
        } else {
            let keepGoing = directives.contains { $0 == ("mode", "keep-going") }
            status = interpreter.run(source, file: name, cells: .eachStatement, keepGoing: keepGoing, emit: { event in
                switch event {
                case let .text(text): output.append(text)
                case let .table(table): output.append(table.render())
                case let .epoch(line): output.append(line.plainText)
                case let .runEnded(summary): output.append(summary.message)
                case let .figure(figure): if figure.inTerminal { output.append(figure.terminalText(width: 80, color: false)) }
                case let .diagnostic(d, _): diagnostics.append(d)
                case .progress: break
                }
            }).status
        }
        let all = output.joined(separator: "\n")
        var searchFrom = all.startIndex
        for (_, expected) in directives.filter({ $0.0 == "expect" }) {
            guard let found = all.range(of: expected, range: searchFrom..<all.endIndex) else {
                let got = diagnostics.map(\.description).joined(separator: "\n")
                Issue.record(Comment(rawValue: "\(name): expected '\(expected)' in the output (after the previous match):\n\(all)\n\(got)"))
                return
            }
            searchFrom = found.upperBound
        }
        let expectedErrors = directives.filter { $0.0 == "error" }.map(\.1)
        for expected in expectedErrors {
            let place = String(expected.prefix { $0 != " " }.dropLast())     // "LINE:COL"
            let text = expected.drop { $0 != " " }.dropFirst()
            let match = diagnostics.contains { $0.location.lineColumn == place && $0.message.contains(text) }
            #expect(match, "\(name): no diagnostic '\(expected)'; got:\n\(diagnostics.map(\.description).joined(separator: "\n"))")
        }
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.count == expectedErrors.count,
                "\(name): \(errors.count) errors, \(expectedErrors.count) expected:\n\(errors.map(\.description).joined(separator: "\n"))")
        let expectedStatus = directives.first { $0.0 == "status" }?.1 ?? (expectedErrors.isEmpty ? "ok" : "error")
        #expect(status.rawValue == expectedStatus, "\(name): status \(status)")
    }
}
