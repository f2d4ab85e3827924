import Foundation
import RNNEngine

/// Options of `data sine`: the article's generator of slowly drifting two-wave prices.
///
/// Defaults follow the article's code: one frequency for both waves (`freq1 = freq2 =
/// 0.0002`) and noise with standard deviation 0.01. Its text says "two waves" and
/// "variance 0.01"; set `freq2=` and `noise=0.1` for that reading.
public struct SineOptions: Codable, Sendable, Equatable {
    /// Largest `sequences × length`: 100 million values (800 MB of doubles).
    public static let maxValues = 100_000_000
    /// Accepted rounding: 0 to 10 decimals.
    public static let decimalsRange = 0...10

    /// Number of sequences S.
    public var sequences = 15
    /// Steps per sequence L.
    public var length = 20_000
    /// Angular frequency of the first wave, per step.
    public var freq1 = 0.0002
    /// Angular frequency of the second wave, per step.
    public var freq2 = 0.0002
    /// Largest step of the mixing angle's random walk.
    public var walk = 0.01
    /// Standard deviation of the Gaussian noise added to every value.
    public var noise = 0.01
    /// The level around which the prices move.
    public var bias = 100.0
    /// Decimals every value is rounded to (half away from zero).
    public var decimals = 2

    public init() {}

    /// Checks every option; the error names the option and what would be right.
    public func validate() throws(DataError) {
        func invalid(_ option: String, _ value: Any, _ expected: String) -> DataError {
            .invalidOption(command: "data sine", option: option, value: "\(value)", expected: expected)
        }
        guard sequences >= 1 else { throw invalid("sequences", sequences, "an integer of at least 1") }
        guard length >= 2 else { throw invalid("length", length, "an integer of at least 2") }
        let (total, overflow) = sequences.multipliedReportingOverflow(by: length)
        guard !overflow, total <= Self.maxValues else {
            throw .tooLarge(what: "data sine sequences=\(sequences) × length=\(length) values", limit: Self.maxValues)
        }
        for (name, value) in [("freq1", freq1), ("freq2", freq2), ("bias", bias)] where !value.isFinite {
            throw invalid(name, value, "a finite number")
        }
        guard walk.isFinite, walk >= 0 else { throw invalid("walk", walk, "a finite number ≥ 0") }
        guard noise.isFinite, noise >= 0 else { throw invalid("noise", noise, "a finite number ≥ 0 (a standard deviation)") }
        guard Self.decimalsRange.contains(decimals) else {
            throw invalid("decimals", decimals, "an integer from \(Self.decimalsRange.lowerBound) to \(Self.decimalsRange.upperBound)")
        }
    }

    /// The command as the language writes it, every option shown.
    public var text: String {
        "data sine sequences=\(sequences) length=\(length) freq1=\(freq1) freq2=\(freq2) "
            + "walk=\(walk) noise=\(noise) bias=\(bias) decimals=\(decimals)"
    }

    private enum CodingKeys: String, CodingKey {
        case sequences, length, freq1, freq2, walk, noise, bias, decimals
    }

    /// Decodes, taking the default for any option the stored value lacks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SineOptions()
        sequences = try c.decodeIfPresent(Int.self, forKey: .sequences) ?? d.sequences
        length = try c.decodeIfPresent(Int.self, forKey: .length) ?? d.length
        freq1 = try c.decodeIfPresent(Double.self, forKey: .freq1) ?? d.freq1
        freq2 = try c.decodeIfPresent(Double.self, forKey: .freq2) ?? d.freq2
        walk = try c.decodeIfPresent(Double.self, forKey: .walk) ?? d.walk
        noise = try c.decodeIfPresent(Double.self, forKey: .noise) ?? d.noise
        bias = try c.decodeIfPresent(Double.self, forKey: .bias) ?? d.bias
        decimals = try c.decodeIfPresent(Int.self, forKey: .decimals) ?? d.decimals
    }
}

extension Series {
    /// The article's generator (SPEC §2), deterministic for a seed.
    ///
    /// All draws come from one stream, `Random(masterSeed: seed, purpose: .data)`, in this
    /// order: for each sequence s = 0, 1, …:
    ///
    /// 1. angle₀ = `uniform(−π, π)`;
    /// 2. for each step i = 0 … length−1:
    ///    - if i ≥ 1: angle += walk · `uniform(−1, 1)` (step 0 uses angle₀);
    ///    - n = `gaussianDouble()` (drawn even when noise = 0, so every option leaves the
    ///      other draws where they were);
    ///    - a = |cos angle|, b = |sin angle|;
    ///    - value_i = round(−a·sin(freq1·i) + b·sin(freq2·i) + bias + noise·n, decimals),
    ///      rounding half away from zero as `(x·10^d).rounded() / 10^d`.
    ///
    /// - Parameter isCancelled: polled every `Interruption.stride` steps (a long series takes seconds).
    /// - Throws: `DataError` for invalid options, `.interrupted` when cancelled.
    public static func sine(_ options: SineOptions, seed: UInt64, isCancelled: () -> Bool = { false }) throws(DataError) -> Series {
        try options.validate()
        var rng = Random(masterSeed: seed, purpose: .data)
        let scale = pow(10.0, Double(options.decimals))
        var sequences: [[Double]] = []
        sequences.reserveCapacity(options.sequences)
        for _ in 0..<options.sequences {
            var values = [Double](repeating: 0, count: options.length)
            var angle = rng.uniform(-Double.pi, Double.pi)
            for i in 0..<options.length {
                if i % Interruption.stride == 0, isCancelled() { throw .interrupted }
                if i >= 1 { angle += options.walk * rng.uniform(-1, 1) }
                let gaussian = rng.gaussianDouble()
                let a = abs(cos(angle)), b = abs(sin(angle))
                let x = -a * sin(options.freq1 * Double(i)) + b * sin(options.freq2 * Double(i))
                    + options.bias + options.noise * gaussian
                values[i] = roundHalfAwayFromZero(x, scale: scale)
            }
            if let step = values.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteValue(SequenceRef(index: sequences.count), step: step)
            }
            sequences.append(values)
        }
        return Series(sequences: sequences)
    }

    /// `(x·scale).rounded() / scale` (half away from zero); `x` itself when `x·scale`
    /// overflows (such an `x` has no fractional digits anyway).
    static func roundHalfAwayFromZero(_ x: Double, scale: Double) -> Double {
        let scaled = x * scale
        return scaled.isFinite ? scaled.rounded(.toNearestOrAwayFromZero) / scale : x
    }
}
