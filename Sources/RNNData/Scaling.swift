import Foundation

/// How features or targets are scaled.
public enum FeatureScale: String, Codable, Sendable, CaseIterable {
    /// The raw values.
    case none
    /// `(x − mean) / std`, per column, with statistics of the training steps.
    case zscore
    /// `(x − min) / (max − min)`, per column, with statistics of the training steps.
    case minmax
}

/// The scaling of one column, fitted on training steps only and stored with the run: the
/// column's name, the kind, and `mean`/`std` (zscore) or `min`/`max` (minmax).
public struct ColumnScaling: Codable, Sendable, Equatable {
    public var column: String
    public var kind: FeatureScale
    public var mean: Double?
    public var std: Double?
    public var min: Double?
    public var max: Double?

    public init(column: String, kind: FeatureScale, mean: Double? = nil, std: Double? = nil,
                min: Double? = nil, max: Double? = nil) {
        self.column = column
        self.kind = kind
        self.mean = mean
        self.std = std
        self.min = min
        self.max = max
    }

    /// The offset and divisor: scaled = (x − offset) / divisor.
    public var affine: (offset: Double, divisor: Double) {
        switch kind {
        case .none: (0, 1)
        case .zscore: (mean ?? 0, std ?? 1)
        case .minmax: (min ?? 0, (max ?? 1) - (min ?? 0))
        }
    }

    /// `x` scaled.
    public func apply(_ x: Double) -> Double {
        let (offset, divisor) = affine
        return (x - offset) / divisor
    }

    /// A scaled value back in the column's units.
    public func invert(_ y: Double) -> Double {
        let (offset, divisor) = affine
        return y * divisor + offset
    }

    /// Finite statistics with a positive spread.
    public func validate() throws(DataError) {
        let (offset, divisor) = affine
        guard offset.isFinite, divisor.isFinite, divisor > 0 else {
            throw .invalidStatistics(mean: offset, std: divisor)
        }
    }

    /// Fits `kind` to the values `sum`, `squares` and `count` summarise (zscore), or to `lo`/`hi`.
    /// A column that does not vary gets std 1 (or a range of 1), so it scales to 0.
    static func fitted(column: String, kind: FeatureScale, moments: (count: Double, sum: Double),
                       squaredDeviations: (Double) -> Double, range: (lo: Double, hi: Double)) -> ColumnScaling {
        switch kind {
        case .none:
            return ColumnScaling(column: column, kind: .none)
        case .zscore:
            let mean = moments.sum / moments.count
            let std = (squaredDeviations(mean) / moments.count).squareRoot()
            return ColumnScaling(column: column, kind: .zscore, mean: mean, std: std > 0 && std.isFinite ? std : 1)
        case .minmax:
            let hi = range.hi > range.lo ? range.hi : range.lo + 1
            return ColumnScaling(column: column, kind: .minmax, min: range.lo, max: hi)
        }
    }
}

/// Every scaling of a run: one entry per feature column and per target, in order (empty for
/// `scale=none`). Plain values: they go with the run, its checkpoints and the safetensors
/// `__metadata__`.
public struct DataScaling: Codable, Sendable, Equatable {
    public var features: [ColumnScaling]
    public var targets: [ColumnScaling]

    public init(features: [ColumnScaling] = [], targets: [ColumnScaling] = []) {
        self.features = features
        self.targets = targets
    }

    /// A target value (output `index`) back in the data's units.
    public func unscaledTarget(_ y: Double, index: Int) -> Double {
        index < targets.count ? targets[index].invert(y) : y
    }
}

extension DataScaling {
    /// The two safetensors `__metadata__` entries (SPEC §8): `features` and `targets`, each a
    /// JSON string naming the settings and, per column, `mean`/`std` or `min`/`max`, so the
    /// weights can be used elsewhere with the same inputs and outputs.
    public func metadata(features: FeatureSpec, targets: TargetSpec, featureColumns: [String],
                         targetColumns: [String], targetNames: [String]) -> [String: String] {
        struct Statistic: Encodable {
            let column: String
            let mean: Double?, std: Double?, min: Double?, max: Double?
        }
        struct FeatureEntry: Encodable {
            let kind: String, window: Int, columns: [String], scale: String, statistics: [Statistic]
        }
        struct TargetEntry: Encodable {
            let kind: String
            let gamma: Double?, actions: [String]?, column: String?
            let horizon: Int?, columns: [String]?, `as`: String?
            let scale: String, names: [String], statistics: [Statistic]
        }
        func statistics(_ list: [ColumnScaling]) -> [Statistic] {
            list.map { Statistic(column: $0.column, mean: $0.mean, std: $0.std, min: $0.min, max: $0.max) }
        }
        let featureEntry = FeatureEntry(kind: features.kind.rawValue, window: features.window, columns: featureColumns,
                                        scale: features.scale.rawValue, statistics: statistics(self.features))
        let targetEntry: TargetEntry
        switch targets {
        case let .q(gamma, actions, column):
            targetEntry = TargetEntry(kind: "q", gamma: gamma, actions: actions.map(\.rawValue), column: column ?? targetColumns.first,
                                      horizon: nil, columns: nil, as: nil, scale: "none", names: targetNames, statistics: [])
        case let .next(horizon, _, form, scale):
            targetEntry = TargetEntry(kind: "next", gamma: nil, actions: nil, column: nil, horizon: horizon,
                                      columns: targetColumns, as: form.rawValue, scale: scale.rawValue, names: targetNames,
                                      statistics: statistics(self.targets))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json<T: Encodable>(_ value: T) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
        return ["features": json(featureEntry), "targets": json(targetEntry)]
    }
}
