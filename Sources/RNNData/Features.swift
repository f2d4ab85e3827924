import Foundation

/// How features are scaled.
public enum FeatureScale: String, Codable, Sendable, CaseIterable {
    /// The raw price changes.
    case none
    /// `(x − mean) / std` with one mean and std over every feature value of the training steps.
    case zscore
}

/// The z-score statistics of a run's features, fitted once and stored with the run.
public struct ZScoreStats: Codable, Sendable, Equatable {
    public var mean: Double
    /// Population standard deviation; 1 when the fitted values did not vary.
    public var std: Double

    public init(mean: Double, std: Double) {
        self.mean = mean
        self.std = std
    }

    /// Checks that the statistics can scale values: a finite mean and a finite std > 0.
    public func validate() throws(DataError) {
        guard mean.isFinite, std.isFinite, std > 0 else { throw .invalidStatistics(mean: mean, std: std) }
    }
}

/// `features deltas window=N [scale=none|zscore]`: at step t, the N most recent one-step
/// price changes, most recent first.
public struct FeatureSpec: Codable, Sendable, Equatable {
    /// Accepted windows.
    public static let windowRange = 1...4096

    public var window = 128
    public var scale: FeatureScale = .none

    public init(window: Int = 128, scale: FeatureScale = .none) {
        self.window = window
        self.scale = scale
    }

    /// The input width the features give a model.
    public var width: Int { window }

    /// Checks the window.
    public func validate() throws(DataError) {
        guard Self.windowRange.contains(window) else {
            throw .invalidOption(command: "features deltas", option: "window", value: "\(window)",
                                 expected: "an integer from \(Self.windowRange.lowerBound) to \(Self.windowRange.upperBound)")
        }
    }

    /// The command as the language writes it.
    public var text: String { "features deltas window=\(window) scale=\(scale.rawValue)" }

    private enum CodingKeys: String, CodingKey { case window, scale }

    /// Decodes, taking the default for any option the stored value lacks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        window = try c.decodeIfPresent(Int.self, forKey: .window) ?? 128
        scale = try c.decodeIfPresent(FeatureScale.self, forKey: .scale) ?? .none
    }
}

/// The feature arithmetic, on one sequence at a time, in double precision.
enum Features {
    /// One-step changes: `d[k] = p[k] − p[k−1]` for k ≥ 1, and `d[0] = 0` (never used).
    static func deltas(_ prices: [Double]) -> [Double] {
        var d = [Double](repeating: 0, count: prices.count)
        for k in prices.indices.dropFirst() { d[k] = prices[k] - prices[k - 1] }
        return d
    }

    /// Feature j of step t: `p[t−j] − p[t−j−1]`, 0 where `t−j−1 < 0`.
    static func value(_ deltas: [Double], step t: Int, feature j: Int) -> Double {
        t - j >= 1 ? deltas[t - j] : 0
    }

    /// Running sums for the z-score fit over the first `steps` steps of one sequence.
    ///
    /// Every feature value of those steps is either a delta `d[k]` or a zero before the
    /// series starts; `d[k]` appears at steps k … k+window−1, so `min(window, steps − k)`
    /// times. That makes the fit O(steps) instead of O(steps · window).
    struct Moments {
        var count = 0.0
        var sum = 0.0

        /// Adds the features of the first `steps` steps.
        mutating func add(_ deltas: [Double], steps: Int, window: Int) {
            count += Double(steps) * Double(window)
            for k in 1..<max(1, steps) {
                sum += Double(min(window, steps - k)) * deltas[k]
            }
        }
    }

    /// Σ (x − mean)² over the features of the first `steps` steps (the zeros included).
    static func squaredDeviations(_ deltas: [Double], steps: Int, window: Int, mean: Double) -> Double {
        var total = 0.0
        var deltaCount = 0.0
        for k in 1..<max(1, steps) {
            let times = Double(min(window, steps - k))
            let deviation = deltas[k] - mean
            total += times * deviation * deviation
            deltaCount += times
        }
        let zeros = Double(steps) * Double(window) - deltaCount
        return total + zeros * mean * mean
    }
}
