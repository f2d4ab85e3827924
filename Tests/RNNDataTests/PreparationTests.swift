import Foundation
import Testing
@testable import RNNData
import RNNEngine

/// Features, targets, masks and the validation split, on series small enough to work out by hand.
struct PreparationTests {
    /// p = [1, 2, 4, 3, 3]: changes d₁…d₄ = 1, 2, −1, 0.
    static let prices: [Double] = [1, 2, 4, 3, 3]
    static let one = Series(sequences: [prices])

    static func prepare(_ series: Series = one, window: Int = 3, scale: FeatureScale = .none, targets: TargetSpec,
                        tail: Double? = nil, stats: ZScoreStats? = nil) throws(DataError) -> PreparedData {
        try Preparation.prepare(series, features: FeatureSpec(window: window, scale: scale), targets: targets,
                                validation: tail.map(ValidationSpec.init(tail:)), stats: stats)
    }

    @Test func deltasMostRecentFirstZeroBeforeTheStart() throws {
        let data = try Self.prepare(targets: .defaultQ)
        #expect(data.inputs.shape == [5, 1, 3])
        #expect(rows(data.inputs, sequence: 0) == [
            [0, 0, 0],     // t = 0: no change yet
            [1, 0, 0],     // p1 − p0
            [2, 1, 0],     // p2 − p1, p1 − p0
            [-1, 2, 1],
            [0, -1, 2],    // the oldest change (p1 − p0) has left the window
        ])
        #expect(data.featureStats == nil)
    }

    /// Q_t(a) = r_t(a) + γ·max Q_{t+1}, γ = 0.5, worked backwards from Q₄ = 0:
    /// Q₃ = (0, 0); Q₂ = (−1, 1); Q₁ = (2 + 0.5, −2 + 0.5); Q₀ = (1 + 1.25, −1 + 1.25).
    @Test func qTargetsByHand() throws {
        let data = try Self.prepare(targets: .q(gamma: 0.5, actions: [.buy, .sell]))
        #expect(data.targets.shape == [5, 1, 2])
        #expect(rows(data.targets, sequence: 0) == [[2.25, 0.25], [2.5, -1.5], [-1, 1], [0, 0], [0, 0]])
        #expect(column(data.trainMask, sequence: 0) == [1, 1, 1, 1, 1])   // the last step is a defined target (0)
        #expect(data.validationMask == nil)
    }

    /// Columns follow the actions list; hold earns 0 now and the best of the future.
    @Test func qColumnsFollowTheActionOrder() throws {
        let data = try Self.prepare(targets: .q(gamma: 0.5, actions: [.sell, .hold, .buy]))
        #expect(data.targets.shape == [5, 1, 3])
        #expect(rows(data.targets, sequence: 0) == [[0.25, 1.25, 2.25], [-1.5, 0.5, 2.5], [1, 0, -1], [0, 0, 0], [0, 0, 0]])
        // Only buy: max over {buy} alone. Q₃ = 0, Q₂ = −1, Q₁ = 2 − 0.5, Q₀ = 1 + 0.75.
        let buy = try Self.prepare(targets: .q(gamma: 0.5, actions: [.buy]))
        #expect(rows(buy.targets, sequence: 0) == [[1.75], [1.5], [-1], [0], [0]])
        // γ = 0: the one-step reward; γ = 1: the undiscounted best future.
        let myopic = try Self.prepare(targets: .q(gamma: 0, actions: [.buy, .sell]))
        #expect(rows(myopic.targets, sequence: 0) == [[1, -1], [2, -2], [-1, 1], [0, 0], [0, 0]])
        let farsighted = try Self.prepare(targets: .q(gamma: 1, actions: [.buy, .sell]))
        #expect(rows(farsighted.targets, sequence: 0) == [[4, 2], [3, -1], [-1, 1], [0, 0], [0, 0]])
    }

    @Test func nextMasksItsLastHorizonSteps() throws {
        let two = try Self.prepare(targets: .next(horizon: 2))
        #expect(two.targets.shape == [5, 1, 1])
        #expect(rows(two.targets, sequence: 0) == [[3], [1], [-1], [0], [0]])
        #expect(column(two.trainMask, sequence: 0) == [1, 1, 1, 0, 0])
        let one = try Self.prepare(targets: .next(horizon: 1))
        #expect(rows(one.targets, sequence: 0) == [[1], [2], [-1], [0], [0]])
        #expect(column(one.trainMask, sequence: 0) == [1, 1, 1, 1, 0])
        let four = try Self.prepare(targets: .next(horizon: 4))
        #expect(rows(four.targets, sequence: 0) == [[2], [0], [0], [0], [0]])
        #expect(column(four.trainMask, sequence: 0) == [1, 0, 0, 0, 0])
    }

    /// tail=0.4 of 5 steps: a head of 3 and a tail of 2, each its own segment. The head's
    /// last step has Q = 0 although the price goes on (4 → 3 in the tail).
    @Test func validationSplitsTargetsPerSegment() throws {
        let data = try Self.prepare(targets: .q(gamma: 0.5, actions: [.buy, .sell]), tail: 0.4)
        // Head [1, 2, 4]: Q₂ = 0, Q₁ = (2, −2), Q₀ = (1 + 1, −1 + 1). Tail [3, 3]: all 0.
        #expect(rows(data.targets, sequence: 0) == [[2, 0], [2, -2], [0, 0], [0, 0], [0, 0]])
        #expect(column(data.trainMask, sequence: 0) == [1, 1, 1, 0, 0])
        #expect(column(try #require(data.validationMask), sequence: 0) == [0, 0, 0, 1, 1])
        // Features on the tail still look back into the head.
        #expect(rows(data.inputs, sequence: 0)[3] == [-1, 2, 1])

        let next = try Self.prepare(targets: .next(horizon: 1), tail: 0.4)
        #expect(rows(next.targets, sequence: 0) == [[1], [2], [0], [0], [0]])
        #expect(column(next.trainMask, sequence: 0) == [1, 1, 0, 0, 0])
        #expect(column(try #require(next.validationMask), sequence: 0) == [0, 0, 0, 1, 0])
    }

    /// A held-out price never reaches a training target or the fitted statistics.
    @Test func heldOutPricesDoNotLeakIntoTraining() throws {
        let other = Series(sequences: [[1, 2, 4, 100, -50]])
        for targets in [TargetSpec.defaultQ, .q(gamma: 1, actions: [.hold, .sell]), .next(horizon: 1)] {
            let a = try Self.prepare(scale: .zscore, targets: targets, tail: 0.4)
            let b = try Self.prepare(other, scale: .zscore, targets: targets, tail: 0.4)
            #expect(a.featureStats == b.featureStats)
            #expect(a.trainMask == b.trainMask)
            for t in 0..<3 { #expect(rows(a.targets, sequence: 0)[t] == rows(b.targets, sequence: 0)[t], "\(targets) step \(t)") }
        }
    }

    @Test func tailLengths() {
        #expect(ValidationSpec(tail: 0.4).tailLength(sequenceLength: 5) == 2)
        #expect(ValidationSpec(tail: 0.5).tailLength(sequenceLength: 5) == 3)     // 2.5 rounds away from zero
        #expect(ValidationSpec(tail: 0.1).tailLength(sequenceLength: 5) == 1)     // 0.5 → 1
        #expect(ValidationSpec(tail: 0.01).tailLength(sequenceLength: 5) == 1)    // at least 1
        #expect(ValidationSpec(tail: 0.99).tailLength(sequenceLength: 10) == 8)   // the head keeps 2
        #expect(ValidationSpec(tail: 0.2).tailLength(sequenceLength: 20_000) == 4000)
        #expect(ValidationSpec(tail: 0.5).tailLength(sequenceLength: 3) == 1)
        #expect(ValidationSpec(tail: 0.5).tailLength(sequenceLength: 2) == nil)
    }

    /// One mean and std over every feature value of the head steps (zeros before the start included).
    @Test func zscoreFittedOnTheHeadOnly() throws {
        let data = try Self.prepare(scale: .zscore, targets: .defaultQ, tail: 0.4)
        // Head features: [0,0,0], [1,0,0], [2,1,0]: sum 4 over 9 values, sum of squares 6.
        let mean = 4.0 / 9, std = (6.0 / 9 - mean * mean).squareRoot()   // √38 / 9
        let stats = try #require(data.featureStats)
        #expect(abs(stats.mean - mean) < 1e-15)
        #expect(abs(stats.std - 38.0.squareRoot() / 9) < 1e-15 && abs(stats.std - std) < 1e-15)
        let raw: [[Double]] = [[0, 0, 0], [1, 0, 0], [2, 1, 0], [-1, 2, 1], [0, -1, 2]]
        #expect(rows(data.inputs, sequence: 0) == raw.map { $0.map { Float(($0 - stats.mean) / stats.std) } })

        // Without validation the whole sequence is fitted: 15 values, sum 7, sum of squares 17.
        let whole = try #require(try Self.prepare(scale: .zscore, targets: .defaultQ).featureStats)
        #expect(abs(whole.mean - 7.0 / 15) < 1e-15)
        #expect(abs(whole.std - (17.0 / 15 - 49.0 / 225).squareRoot()) < 1e-15)
    }

    /// The O(n) fit agrees with summing every feature value of every training step.
    @Test func zscoreFitMatchesBruteForce() throws {
        let series = try Series.sine({ var o = SineOptions(); o.sequences = 3; o.length = 300; o.walk = 0.3; return o }(), seed: 9)
        var ragged = series
        ragged.sequences[1].removeLast(120)
        for (window, tail) in [(1, nil), (7, 0.25), (64, nil), (64, 0.5), (512, 0.1)] as [(Int, Double?)] {
            let data = try Self.prepare(ragged, window: window, scale: .zscore, targets: .defaultQ, tail: tail)
            let plain = try Self.prepare(ragged, window: window, targets: .defaultQ, tail: tail)
            var values: [Double] = []
            for s in 0..<ragged.count {
                let n = ragged.sequences[s].count
                let head = tail.map { n - ValidationSpec(tail: $0).tailLength(sequenceLength: n)! } ?? n
                let p = ragged.sequences[s]
                for t in 0..<head {
                    for j in 0..<window { values.append(t - j >= 1 ? p[t - j] - p[t - j - 1] : 0) }
                }
            }
            let mean = values.reduce(0, +) / Double(values.count)
            let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            let stats = try #require(data.featureStats)
            #expect(abs(stats.mean - mean) <= 1e-12 * max(1, abs(mean)), "window \(window)")
            #expect(abs(stats.std - std) <= 1e-12 * std, "window \(window)")
            // Padded steps of the shorter sequence stay 0; in-sequence steps are scaled.
            let scaled = rows(data.inputs, sequence: 1), raw = rows(plain.inputs, sequence: 1)
            #expect(scaled[180...].allSatisfy { $0.allSatisfy { $0 == 0 } })
            #expect(column(data.trainMask, sequence: 1)[180...].allSatisfy { $0 == 0 })
            for t in [0, 1, 179] {
                let expected = raw[t].map { Float(((Double($0) - stats.mean) / stats.std)) }
                #expect(zip(scaled[t], expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
            }
        }
    }

    @Test func givenStatisticsAreUsedExactly() throws {
        let fitted = try Self.prepare(scale: .zscore, targets: .defaultQ, tail: 0.4)
        let resumed = try Self.prepare(scale: .zscore, targets: .defaultQ, tail: 0.4, stats: fitted.featureStats)
        #expect(resumed == fitted)
        let fixed = try Self.prepare(scale: .zscore, targets: .defaultQ, stats: ZScoreStats(mean: 1, std: 2))
        #expect(fixed.featureStats == ZScoreStats(mean: 1, std: 2))
        #expect(rows(fixed.inputs, sequence: 0) == [[-0.5, -0.5, -0.5], [0, -0.5, -0.5], [0.5, 0, -0.5], [-1, 0.5, 0], [-0.5, -1, 0.5]])
        // Scale none ignores statistics.
        #expect(try Self.prepare(targets: .defaultQ, stats: ZScoreStats(mean: 1, std: 2)) == Self.prepare(targets: .defaultQ))
    }

    @Test func constantPricesScaleWithStdOne() throws {
        let data = try Self.prepare(Series(sequences: [[5, 5, 5, 5]]), scale: .zscore, targets: .defaultQ)
        #expect(data.featureStats == ZScoreStats(mean: 0, std: 1))
        #expect(data.inputs.values.allSatisfy { $0 == 0 })
    }

    @Test func paddingAndMasksForUnequalLengthsWithValidation() throws {
        let series = Series(sequences: [[1, 2, 4, 3, 3, 5, 8, 6, 7, 9], [10, 11, 13, 12]], names: ["long", "short"])
        let data = try Self.prepare(series, window: 2, targets: .next(horizon: 1), tail: 0.3)
        #expect(data.length == 10 && data.sequenceCount == 2)
        // long: tail = round(3.0) = 3, head 7; short: tail = round(1.2) = 1, head 3.
        #expect(column(data.trainMask, sequence: 0) == [1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
        #expect(column(try #require(data.validationMask), sequence: 0) == [0, 0, 0, 0, 0, 0, 0, 1, 1, 0])
        #expect(column(data.trainMask, sequence: 1) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(column(try #require(data.validationMask), sequence: 1) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(rows(data.inputs, sequence: 1) == [[0, 0], [1, 0], [2, 1], [-1, 2]] + Array(repeating: [0, 0], count: 6))
        #expect(rows(data.targets, sequence: 1) == [[1], [2], [0]] + Array(repeating: [0], count: 7))
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var series: Series = PreparationTests.one
        var features = FeatureSpec(window: 3)
        var targets: TargetSpec = .defaultQ
        var tail: Double?
        var stats: ZScoreStats?
        var message: String
        var testDescription: String { message }
    }

    @Test(arguments: [
        BadCase(features: FeatureSpec(window: 0), message: "invalid window=0 for 'features deltas' (expected an integer from 1 to 4096)"),
        BadCase(features: FeatureSpec(window: 4097), message: "invalid window=4097 for 'features deltas' (expected an integer from 1 to 4096)"),
        BadCase(targets: .q(gamma: -0.1, actions: [.buy]), message: "invalid gamma=-0.1 for 'targets q' (expected a number from 0 to 1)"),
        BadCase(targets: .q(gamma: 1.5, actions: [.buy]), message: "invalid gamma=1.5 for 'targets q' (expected a number from 0 to 1)"),
        BadCase(targets: .q(gamma: .nan, actions: [.buy]), message: "invalid gamma=nan for 'targets q' (expected a number from 0 to 1)"),
        BadCase(targets: .q(gamma: 0.9, actions: []),
                message: "invalid actions= for 'targets q' (expected one or more distinct actions of buy, sell, hold)"),
        BadCase(targets: .q(gamma: 0.9, actions: [.buy, .sell, .buy]),
                message: "invalid actions=buy,sell,buy for 'targets q' (expected one or more distinct actions of buy, sell, hold)"),
        BadCase(targets: .next(horizon: 0), message: "invalid horizon=0 for 'targets next' (expected an integer of at least 1)"),
        BadCase(tail: 0, message: "invalid tail=0.0 for 'validate' (expected a fraction between 0 and 1, exclusive)"),
        BadCase(tail: 1, message: "invalid tail=1.0 for 'validate' (expected a fraction between 0 and 1, exclusive)"),
        BadCase(tail: .nan, message: "invalid tail=nan for 'validate' (expected a fraction between 0 and 1, exclusive)"),
        BadCase(targets: .next(horizon: 5), message: "horizon=5 leaves no target in sequence 1: it has 5 steps (expected a horizon below 5)"),
        BadCase(series: Series(sequences: [[1, 2, 3, 4, 5, 6], [1, 2, 3]]), targets: .next(horizon: 3),
                message: "horizon=3 leaves no target in sequence 2: it has 3 steps (expected a horizon below 3)"),
        BadCase(targets: .next(horizon: 3), tail: 0.4,
                message: "horizon=3 leaves no target in sequence 1: its head has 3 steps (expected a horizon below 3)"),
        BadCase(targets: .next(horizon: 1), tail: 0.2,
                message: "no validation step has a target: the longest tail has 1 step and horizon=1 (expected a larger tail= or a smaller horizon=)"),
        BadCase(series: Series(sequences: []), message: "the series has no sequences (expected at least 1)"),
        BadCase(series: Series(sequences: [[1, 2], [3]], names: ["AAA", "BBB"]), message: "sequence 'BBB' has 1 step (expected at least 2)"),
        BadCase(series: Series(sequences: [[1, 2, 3], [4, 5]]), tail: 0.2,
                message: "sequence 2 has 2 steps (expected at least 3; validation needs a head of 2 steps and a tail of at least 1)"),
        BadCase(series: Series(sequences: [[1, .nan, 3]]), message: "sequence 1 has a non-finite value at step 2 (expected finite prices)"),
        BadCase(series: Series(sequences: [[1, 2], [3, -.infinity]]), message: "sequence 2 has a non-finite value at step 2 (expected finite prices)"),
        BadCase(series: Series(sequences: [[0, 1e300, 0]]),
                message: "sequence 1 at step 2: the feature does not fit in float32 (expected prices of moderate size)"),
        BadCase(series: Series(sequences: [[1.7e308, -1.7e308]]),
                message: "sequence 1 at step 2: the price change does not fit in float32 (expected prices of moderate size)"),
        BadCase(features: FeatureSpec(window: 3, scale: .zscore), stats: ZScoreStats(mean: 0, std: 0),
                message: "z-score statistics mean=0.0 std=0.0 cannot be used (expected a finite mean and a finite std > 0)"),
        BadCase(series: Series(sequences: [[Double](repeating: 1, count: 200_000)]), features: FeatureSpec(window: 4096),
                message: "the inputs (200000 steps × 1 sequences × 4096) exceeds the limit of 500000000"),
    ])
    func badSpecsAndSeriesAreRefused(_ bad: BadCase) {
        #expect(errorText { () throws(DataError) in
            try Preparation.prepare(bad.series, features: bad.features, targets: bad.targets,
                                    validation: bad.tail.map(ValidationSpec.init(tail:)), stats: bad.stats)
        } == bad.message)
    }

    @Test func specsRoundTripThroughJSON() throws {
        let targets: [TargetSpec] = [.defaultQ, .q(gamma: 0.25, actions: [.hold, .buy, .sell]), .next(horizon: 7)]
        for spec in targets {
            #expect(try JSONDecoder().decode(TargetSpec.self, from: JSONEncoder().encode(spec)) == spec)
        }
        let q = try JSONSerialization.jsonObject(with: JSONEncoder().encode(TargetSpec.defaultQ)) as? [String: Any]
        #expect(q?["kind"] as? String == "q" && q?["actions"] as? [String] == ["buy", "sell"])
        #expect(try JSONDecoder().decode(TargetSpec.self, from: Data(#"{"kind":"next"}"#.utf8)) == .next(horizon: 1))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TargetSpec.self, from: Data(#"{"kind":"sharpe"}"#.utf8)) }
        let features = FeatureSpec(window: 16, scale: .zscore)
        #expect(try JSONDecoder().decode(FeatureSpec.self, from: JSONEncoder().encode(features)) == features)
        #expect(try JSONDecoder().decode(FeatureSpec.self, from: Data("{}".utf8)) == FeatureSpec())
        let stats = ZScoreStats(mean: 0.1, std: 3)
        #expect(try JSONDecoder().decode(ZScoreStats.self, from: JSONEncoder().encode(stats)) == stats)
        #expect(try JSONDecoder().decode(ValidationSpec.self, from: JSONEncoder().encode(ValidationSpec(tail: 0.2))) == ValidationSpec(tail: 0.2))
    }

    @Test func defaultsWidthsAndText() {
        #expect(FeatureSpec() == FeatureSpec(window: 128, scale: .none))
        #expect(FeatureSpec().width == 128)
        #expect(TargetSpec.defaultQ == .q(gamma: 0.9, actions: [.buy, .sell]) && TargetSpec.defaultQ.width == 2)
        #expect(TargetSpec.q(gamma: 0.9, actions: TradeAction.allCases).width == 3)
        #expect(TargetSpec.defaultNext == .next(horizon: 1) && TargetSpec.defaultNext.width == 1)
        #expect(TargetSpec.defaultQ.outputNames == ["buy", "sell"] && TargetSpec.next(horizon: 5).outputNames == ["next+5"])
        #expect(FeatureSpec().text == "features deltas window=128 scale=none")
        #expect(TargetSpec.defaultQ.text == "targets q gamma=0.9 actions=buy,sell")
        #expect(TargetSpec.next(horizon: 3).text == "targets next horizon=3")
        #expect(ValidationSpec(tail: 0.2).text == "validate tail=0.2")
    }
}
