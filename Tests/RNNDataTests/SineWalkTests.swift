import Foundation
import Testing
@testable import RNNData
import RNNEngine

/// The article's generator: determinism, the formula, rounding and what each option does.
struct SineWalkTests {
    static func options(sequences: Int = 3, length: Int = 400, _ change: (inout SineOptions) -> Void = { _ in }) -> SineOptions {
        var o = SineOptions()
        o.sequences = sequences
        o.length = length
        change(&o)
        return o
    }

    /// The default options with one change.
    static func defaults(_ change: (inout SineOptions) -> Void) -> SineOptions {
        var o = SineOptions()
        change(&o)
        return o
    }

    /// The documented draw order, replayed from a fresh stream, without the generator's code.
    static func replay(_ o: SineOptions, seed: UInt64) -> [[Double]] {
        var rng = Random(masterSeed: seed, purpose: .data)
        let p = pow(10.0, Double(o.decimals))
        return (0..<o.sequences).map { _ in
            var angle = -Double.pi + 2 * Double.pi * rng.uniform()
            return (0..<o.length).map { i in
                if i > 0 { angle += o.walk * (-1 + 2 * rng.uniform()) }
                let n = rng.gaussianDouble()
                let x = -abs(cos(angle)) * sin(o.freq1 * Double(i)) + abs(sin(angle)) * sin(o.freq2 * Double(i)) + o.bias + o.noise * n
                return (x * p).rounded(.toNearestOrAwayFromZero) / p
            }
        }
    }

    @Test func sameSeedSameSeriesOtherSeedDiffers() throws {
        let o = Self.options()
        let a = try Series.sine(o, seed: 7), b = try Series.sine(o, seed: 7), c = try Series.sine(o, seed: 8)
        #expect(a == b)
        #expect(a.sequences.count == 3 && a.sequences.allSatisfy { $0.count == 400 })
        for s in 0..<3 { #expect(a.sequences[s] != c.sequences[s]) }
        // Sequences of one series differ from each other (each has its own angle and noise).
        #expect(a.sequences[0] != a.sequences[1])
    }

    @Test(arguments: [0 as UInt64, 7, 123_456_789, UInt64.max])
    func valuesObeyTheFormula(seed: UInt64) throws {
        for o in [Self.options(), Self.options { $0.freq1 = 0.01; $0.freq2 = 0.003; $0.walk = 0.2; $0.decimals = 6 }] {
            let series = try Series.sine(o, seed: seed)
            #expect(series.sequences == Self.replay(o, seed: seed))
        }
    }

    @Test func twoDecimalRounding() throws {
        let series = try Series.sine(Self.options(sequences: 4, length: 2000), seed: 3)
        let values = series.sequences.joined()
        #expect(values.allSatisfy { abs($0 * 100 - ($0 * 100).rounded()) < 1e-9 })
        // Not trivially integers: the hundredths are used.
        #expect(values.contains { abs($0 * 10 - ($0 * 10).rounded()) > 1e-6 })
    }

    @Test(arguments: [0, 1, 4, 10])
    func decimalsSetTheRounding(decimals: Int) throws {
        let exact = try Series.sine(Self.options { $0.decimals = 10 }, seed: 5)
        let rounded = try Series.sine(Self.options { $0.decimals = decimals }, seed: 5)
        let scale = pow(10.0, Double(decimals))
        for (x, r) in zip(exact.sequences.joined(), rounded.sequences.joined()) {
            #expect(abs(r * scale - (r * scale).rounded()) <= 4 * (r * scale).ulp)   // an integer, up to float error
            #expect(abs(x - r) <= 0.5 / scale + 1e-9)
        }
    }

    @Test func defaultsStayNearTheBias() throws {
        #expect(SineOptions().sequences == 15 && SineOptions().length == 20_000)
        let series = try Series.sine(Self.options(sequences: 15, length: 20_000), seed: 0)
        let values = Array(series.sequences.joined())
        // |−a·sin + b·sin| ≤ a + b ≤ √2, plus noise with std 0.01.
        #expect(values.allSatisfy { abs($0 - 100) < 1.5 })
        #expect(series.sequences.allSatisfy { $0[0] >= 99.9 && $0[0] <= 100.1 })   // sin(0) = 0: bias + noise
    }

    @Test func biasShiftsEveryValue() throws {
        let low = try Series.sine(Self.options { $0.bias = 50 }, seed: 11)
        let high = try Series.sine(Self.options { $0.bias = 150 }, seed: 11)
        let differences = zip(high.sequences.joined(), low.sequences.joined()).map { $0 - $1 }
        #expect(differences.allSatisfy { abs($0 - 100) <= 0.01 + 1e-9 })
        let meanShift = differences.reduce(0, +) / Double(differences.count)
        #expect(abs(meanShift - 100) < 1e-3)
    }

    /// noise = 0 and walk = 0: each sequence is the fixed function of its angle₀.
    @Test func withoutNoiseAndWalkTheSeriesIsAFunctionOfTheStartAngle() throws {
        let o = Self.options { $0.noise = 0; $0.walk = 0; $0.freq1 = 0.05; $0.freq2 = 0.013; $0.decimals = 10 }
        let series = try Series.sine(o, seed: 21)
        // Replay only the angle draws; skip the others as the documented order says.
        var rng = Random(masterSeed: 21, purpose: .data)
        for s in 0..<o.sequences {
            let angle0 = rng.uniform(-Double.pi, Double.pi)
            for i in 0..<o.length {
                if i > 0 { _ = rng.uniform() }
                _ = rng.gaussianDouble()
            }
            let a = abs(cos(angle0)), b = abs(sin(angle0))
            for i in [0, 1, 17, 399] {
                let expected = -a * sin(0.05 * Double(i)) + b * sin(0.013 * Double(i)) + 100
                #expect(abs(series.sequences[s][i] - expected) < 1e-9, "sequence \(s) step \(i)")
            }
            #expect(series.sequences[s][0] == 100)
        }
    }

    /// Only the noise changes with `noise`: the difference is noise·N(0, 1) with the same draws.
    @Test func noiseAddsGaussianNoiseOfThatStandardDeviation() throws {
        let quiet = try Series.sine(Self.options(sequences: 10, length: 2000) { $0.noise = 0; $0.decimals = 10 }, seed: 4)
        let noisy = try Series.sine(Self.options(sequences: 10, length: 2000) { $0.noise = 0.05; $0.decimals = 10 }, seed: 4)
        let d = zip(noisy.sequences.joined(), quiet.sequences.joined()).map { $0 - $1 }
        let mean = d.reduce(0, +) / Double(d.count)
        let std = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count)).squareRoot()
        #expect(abs(mean) < 0.002)
        #expect(abs(std - 0.05) < 0.002)
    }

    @Test(arguments: [
        (Self.defaults { o in o.sequences = 0 }, "invalid sequences=0 for 'data sine' (expected an integer of at least 1)"),
        (Self.defaults { o in o.length = 1 }, "invalid length=1 for 'data sine' (expected an integer of at least 2)"),
        (Self.defaults { o in o.noise = -0.1 }, "invalid noise=-0.1 for 'data sine' (expected a finite number ≥ 0 (a standard deviation))"),
        (Self.defaults { o in o.walk = .nan }, "invalid walk=nan for 'data sine' (expected a finite number ≥ 0)"),
        (Self.defaults { o in o.bias = .infinity }, "invalid bias=inf for 'data sine' (expected a finite number)"),
        (Self.defaults { o in o.freq2 = -.infinity }, "invalid freq2=-inf for 'data sine' (expected a finite number)"),
        (Self.defaults { o in o.decimals = -1 }, "invalid decimals=-1 for 'data sine' (expected an integer from 0 to 10)"),
        (Self.defaults { o in o.decimals = 11 }, "invalid decimals=11 for 'data sine' (expected an integer from 0 to 10)"),
        (Self.defaults { o in o.sequences = 10_001; o.length = 10_000 },
         "data sine sequences=10001 × length=10000 values exceeds the limit of 100000000"),
        (Self.defaults { o in o.sequences = Int.max; o.length = 3 },
         "data sine sequences=9223372036854775807 × length=3 values exceeds the limit of 100000000"),
    ])
    func invalidOptionsAreRefused(o: SineOptions, message: String) {
        #expect(errorText { () throws(DataError) in try o.validate() } == message)
        #expect(errorText { () throws(DataError) in try Series.sine(o, seed: 1) } == message)
    }

    @Test func limitsAreInclusive() throws {
        var o = SineOptions()
        o.sequences = 10_000
        o.length = 10_000
        try o.validate()   // exactly 100 million values
        o.sequences = 1
        o.length = 2
        o.decimals = 0
        o.noise = 0
        o.walk = 0
        #expect(try Series.sine(o, seed: 0).sequences == [[100, 100]])
    }

    @Test func specRoundTripsThroughJSON() throws {
        var o = SineOptions()
        o.sequences = 4
        o.noise = 0.1
        o.freq2 = 0.0003
        let spec = DataSpec.sine(o, seed: .max)
        let json = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(DataSpec.self, from: json) == spec)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["kind"] as? String == "sine")
        // Missing options take their defaults (stored specs stay readable when options are added).
        let partial = try JSONDecoder().decode(DataSpec.self, from: Data(#"{"kind":"sine","seed":3,"options":{"length":50}}"#.utf8))
        var expected = SineOptions()
        expected.length = 50
        #expect(partial == .sine(expected, seed: 3))
        #expect(try Series.load(partial) == Series.sine(expected, seed: 3))
        #expect(spec.text == "data sine sequences=4 length=20000 freq1=0.0002 freq2=0.0003 walk=0.01 noise=0.1 bias=100.0 decimals=2")
    }
}
