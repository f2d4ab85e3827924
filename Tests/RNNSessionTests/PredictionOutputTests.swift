import Foundation
import RNNStore
import Testing
@testable import RNNSession

/// `predict … to "F.csv"` and `forecast` through the language, on a small multivariate table
/// with a missing value, a key and a time column.
@Suite struct PredictionOutputTests {
    static let table = """
        key;day;a;b
        x;2024-01-01;1.0;10
        x;2024-01-02;2.0;11
        x;2024-01-03;;12
        x;2024-01-04;4.0;13
        x;2024-01-05;5.0;14
        x;2024-01-06;6.0;15
        y;2024-01-01;3.0;20
        y;2024-01-02;2.0;21
        y;2024-01-03;1.0;22
        y;2024-01-04;2.0;23
        y;2024-01-05;3.0;24
        y;2024-01-06;4.0;25

        """

    static func run(_ source: String, in scratch: URL) -> (CellStatus, String) {
        var text: [String] = []
        let interpreter = Interpreter(baseDirectory: scratch)
        let outcome = interpreter.run(source, file: "t.rnn", cells: .eachStatement, emit: { event in
            if let t = event.recordedText { text.append(t) }
        })
        return (outcome.status, text.joined(separator: "\n"))
    }

    @Test func predictionsAreWrittenInTheDataUnitsWithMaskedStepsEmpty() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-predict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data(Self.table.utf8).write(to: scratch.appendingPathComponent("t.csv"))
        let (status, text) = Self.run("""
            seed 1
            data csv "t.csv" columns=a,b key=key time=day missing=mask delimiter=";"
            features values window=2 columns=a scale=zscore
            targets next horizon=1 columns=a as=value scale=zscore
            validate tail=0.34
            model lstm 3 -> dense 1
            train epochs=2 name=p
            predict to "p.csv"
            forecast steps=2 to "f.csv"
            """, in: scratch)
        #expect(status == .ok, "\(text)")
        let lines = try String(contentsOf: scratch.appendingPathComponent("p.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "sequence,time,split,a,a_pred")
        #expect(lines.count == 12 + 2, "one row per step of every sequence, and the final newline")
        let rows = lines.dropFirst().dropLast().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.map { $0[0] } == Array(repeating: "x", count: 6) + Array(repeating: "y", count: 6))
        #expect(rows.map { $0[1] }.prefix(2) == ["2024-01-01", "2024-01-02"])
        // x's target at 2024-01-02 is a at 01-03, which is missing: written empty. Each last step has no future.
        #expect(rows[1][3] == "" && rows[5][3] == "" && rows[11][3] == "")
        // Unscaled: y's target at 01-01 is a at 01-02, 2.0.
        #expect(abs(Double(rows[6][3])! - 2.0) < 1e-5)
        #expect(rows.map { $0[2] } == ["train", "train", "train", "train", "validation", "validation",
                                       "train", "train", "train", "train", "validation", "validation"])
        #expect(rows.allSatisfy { Double($0[4]) != nil }, "a prediction for every step")
        let forecast = try String(contentsOf: scratch.appendingPathComponent("f.csv"), encoding: .utf8)
        #expect(forecast.hasPrefix("sequence,time,a_pred\nx,2024-01-07,"))
        #expect(forecast.contains("\ny,2024-01-08,"))
    }

    @Test func forecastRefusesWhatItCannotServe() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-forecast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data(Self.table.utf8).write(to: scratch.appendingPathComponent("t.csv"))
        let (status, text) = Self.run("""
            data csv "t.csv" columns=a,b key=key missing=ffill delimiter=";"
            features values window=2
            targets next columns=a
            model lstm 3 -> dense 1
            forecast steps=2
            """, in: scratch)
        #expect(status == .error)
        #expect(text.isEmpty || !text.contains("forecast,"))
        let (_, horizon) = Self.run("""
            data csv "t.csv" column=a key=key missing=ffill delimiter=";"
            features values window=2
            targets next horizon=2
            model lstm 3 -> dense 1
            print ready
            forecast steps=2
            """, in: scratch)
        #expect(horizon.contains("ready"))
        #expect(!horizon.contains("forecast, 2 steps"))
    }
}
