import Foundation
import Testing
@testable import RNNData

/// The long data steps poll for Ctrl-C every `Interruption.stride` values (trust issue: a long
/// `data` step delayed it by seconds): each stops with `.interrupted` at the first poll after
/// the request, and a request that never comes changes nothing.
struct InterruptionTests {
    /// A poll that says "stop" from its `after`-th call on, counting the calls.
    final class Poll: @unchecked Sendable {
        let after: Int
        var calls = 0
        init(after: Int) { self.after = after }
        func callAsFunction() -> Bool { calls += 1; return calls > after }
    }

    static let long: SineOptions = { var o = SineOptions(); o.sequences = 2; o.length = 3 * Interruption.stride; return o }()

    @Test func makingASeriesStopsAtThePollAfterTheRequest() throws {
        let poll = Poll(after: 2)
        #expect(throws: DataError.interrupted) { try Series.sine(Self.long, seed: 1, isCancelled: poll.callAsFunction) }
        #expect(poll.calls == 3, "the third poll is the first to say stop, and the last one made")
        let never = Poll(after: .max)
        let series = try Series.sine(Self.long, seed: 1, isCancelled: never.callAsFunction)
        #expect(series == (try Series.sine(Self.long, seed: 1)))
        #expect(never.calls == 6, "one poll per stride of each sequence")
    }

    @Test func readingACSVStops() throws {
        let rows = 2 * Interruption.stride + 10
        var text = "t,value\n"
        for i in 0..<rows { text += "\(i),\(Double(i % 97) / 4)\n" }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("interrupt-\(UUID().uuidString).csv")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let options = CSVOptions(columns: [.name("value")])
        #expect(throws: DataError.interrupted) {
            try Series.csv(path: file.path, options: options, isCancelled: Poll(after: 0).callAsFunction)
        }
        let never = Poll(after: .max)
        let (series, _) = try Series.csv(path: file.path, options: options, isCancelled: never.callAsFunction)
        #expect(series.longest == rows && never.calls == 2)
    }

    @Test func preparingStops() throws {
        let series = try Series.sine(Self.long, seed: 1)
        let features = FeatureSpec(window: 4)
        #expect(throws: DataError.interrupted) {
            try Preparation.prepare(series, features: features, targets: .defaultQ, validation: nil,
                                    isCancelled: Poll(after: 1).callAsFunction)
        }
        let never = Poll(after: .max)
        let polled = try Preparation.prepare(series, features: features, targets: .defaultQ, validation: nil,
                                             isCancelled: never.callAsFunction)
        #expect(polled == (try Preparation.prepare(series, features: features, targets: .defaultQ, validation: nil)))
        #expect(never.calls > 0)
    }
}
