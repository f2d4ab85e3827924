import Foundation

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

/// What each feature of a column is: a recent one-step change, or a recent value.
public enum FeatureKind: String, Codable, Sendable, CaseIterable {
    /// `p[t−j] − p[t−j−1]` for lags j = 0…N−1; 0 before the series starts (the article's).
    case deltas
    /// `p[t−j]` for lags j = 0…N−1; the first value repeated before the series starts.
    case values
}

/// `features deltas|values window=N [columns=A,B,…] [scale=none|zscore|minmax]`: at step t,
/// per chosen column, the N most recent changes or values, most recent first. The input is
/// column after column: width N × the number of columns.
public struct FeatureSpec: Codable, Sendable, Equatable {
    /// Accepted windows.
    public static let windowRange = 1...4096

    public var kind: FeatureKind = .deltas
    public var window = 128
    /// The channels read, by column name; nil: every channel of the series.
    public var columns: [String]?
    public var scale: FeatureScale = .none

    public init(window: Int = 128, scale: FeatureScale = .none) {
        self.window = window
        self.scale = scale
    }

    public init(kind: FeatureKind, window: Int, columns: [String]? = nil, scale: FeatureScale = .none) {
        self.kind = kind
        self.window = window
        self.columns = columns
        self.scale = scale
    }

    /// The input width the features give a model of a one-channel series.
    public var width: Int { window }

    /// The input width for a series with `channelCount` channels (N × the columns read).
    public func width(channelCount: Int) -> Int { window * (columns?.count ?? channelCount) }

    /// The channels read from `series`, in order; an unknown column is an error with a did-you-mean.
    public func channels(of series: Series) throws(DataError) -> [Int] {
        try resolveColumns(columns, in: series, command: "features \(kind.rawValue)")
    }

    /// Checks the window.
    public func validate() throws(DataError) {
        guard Self.windowRange.contains(window) else {
            throw .invalidOption(command: "features \(kind.rawValue)", option: "window", value: "\(window)",
                                 expected: "an integer from \(Self.windowRange.lowerBound) to \(Self.windowRange.upperBound)")
        }
        if let columns, columns.isEmpty || Set(columns).count != columns.count {
            throw .invalidOption(command: "features \(kind.rawValue)", option: "columns", value: columns.joined(separator: ","),
                                 expected: "one or more distinct column names")
        }
    }

    /// Refuses a window longer than every sequence of `series` (most features would be padding).
    public func checkWindow(against series: Series) throws(DataError) {
        let longest = series.longest
        guard window <= longest else { throw .windowTooLong(window: window, longest: longest) }
    }

    /// The command as the language writes it.
    public var text: String {
        "features \(kind.rawValue) window=\(window)" + (columns.map { " columns=\($0.joined(separator: ","))" } ?? "")
            + " scale=\(scale.rawValue)"
    }

    private enum CodingKeys: String, CodingKey { case kind, window, columns, scale }

    /// Decodes, taking the default for any option the stored value lacks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(FeatureKind.self, forKey: .kind) ?? .deltas
        window = try c.decodeIfPresent(Int.self, forKey: .window) ?? 128
        columns = try c.decodeIfPresent([String].self, forKey: .columns)
        scale = try c.decodeIfPresent(FeatureScale.self, forKey: .scale) ?? .none
    }

    /// Encodes; the defaults of options that came later are left out, so the stored form of a
    /// run made before them is unchanged.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if kind != .deltas { try c.encode(kind, forKey: .kind) }
        try c.encode(window, forKey: .window)
        try c.encodeIfPresent(columns, forKey: .columns)
        try c.encode(scale, forKey: .scale)
    }
}

/// The channels named `columns` (nil: all), or an error naming the unknown one with a did-you-mean.
func resolveColumns(_ columns: [String]?, in series: Series, command: String) throws(DataError) -> [Int] {
    guard let columns else { return Array(0..<series.channelCount) }
    var result: [Int] = []
    for name in columns {
        guard let c = series.channel(named: name) else {
            throw .unknownChannel(command: command, name: name, available: series.channelNames,
                                  suggestion: CSVFile.suggestion(for: name, among: series.channelNames))
        }
        result.append(c)
    }
    return result
}

/// The feature arithmetic, on one sequence at a time, in double precision.
enum Features {
    /// The raw feature values (before scaling) of one column of one sequence: `deltas` or the
    /// values themselves; `value(_:step:feature:)` reads lags from them.
    static func source(_ kind: FeatureKind, _ prices: [Double]) -> [Double] {
        kind == .deltas ? deltas(prices) : prices
    }

    /// Lag j of step t: a delta (0 before the start) or a value (the first before the start).
    @inline(__always)
    static func lag(_ kind: FeatureKind, _ source: [Double], step t: Int, lag j: Int) -> Double {
        switch kind {
        case .deltas: t - j >= 1 ? source[t - j] : 0
        case .values: source[Swift.max(t - j, 0)]
        }
    }

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
