import RNNData
import RNNEngine

/// What reporting in the data's own units needs besides the tensors: the series (labels, time,
/// values), the training part of each sequence, the target names, the scalings and the
/// feature and target settings (for `forecast`).
public struct PredictionContext: Sendable {
    public let series: Series
    public let features: FeatureSpec
    public let targets: TargetSpec
    /// Steps of each sequence that are training steps; the rest is the validation tail.
    public let heads: [Int]
    public let targetNames: [String]
    public let scaling: DataScaling
    /// The channels the features read and the targets come from.
    public let featureChannels: [Int]
    public let targetChannels: [Int]

    /// The context of `prepared`, made from `series` with these settings.
    public init(series: Series, prepared: PreparedData, features: FeatureSpec, targets: TargetSpec,
                validation: ValidationSpec?) throws(DataError) {
        self.series = series
        self.features = features
        self.targets = targets
        heads = try Preparation.heads(series, validation: validation)
        targetNames = prepared.targetNames.isEmpty ? targets.outputNames : prepared.targetNames
        scaling = prepared.scaling
        featureChannels = try features.channels(of: series)
        targetChannels = try targets.channels(of: series)
    }

    /// The context of a run's data settings, regenerating the series as `DataSettings.prepare` does.
    public init(settings: DataSettings, series: Series, prepared: PreparedData) throws(DataError) {
        try self.init(series: series, prepared: prepared, features: settings.features, targets: settings.targets,
                      validation: settings.validation)
    }

    /// The time of step `t` of sequence `s`: the time column's text, else the step from 1.
    public func time(sequence s: Int, step t: Int) -> String {
        series.time?.texts[s][t] ?? "\(t + 1)"
    }

    /// Why `forecast` cannot run with these settings, or nil when it can: it needs `targets next
    /// horizon=1` on every column the features read (each prediction is the next input).
    public var forecastRefusal: String? {
        guard case let .next(horizon, _, _, _) = targets else {
            return "it needs 'targets next horizon=1' (the q targets are values of trades, not the next input)"
        }
        guard horizon == 1 else {
            return "it needs 'targets next horizon=1' (found horizon=\(horizon): a prediction must be the next step's input)"
        }
        let missing = featureChannels.filter { !targetChannels.contains($0) }.map { series.channelNames[$0] }
        guard missing.isEmpty else {
            return "the features read \(missing.map { "'\($0)'" }.joined(separator: ", ")), which the targets do not "
                + "predict (expected 'targets next columns=' to name every column the features read)"
        }
        return nil
    }
}

/// One step of one sequence in the data's units (`predict … to "F.csv"`).
public struct PredictionRow: Sendable, Equatable {
    public enum Split: String, Sendable { case train, validation }

    /// The key's value, else the sequence number from 1.
    public var sequence: String
    /// The time column's value, else the step from 1.
    public var time: String
    public var split: Split
    /// Per target, the target unscaled; nil where it is masked (no future, a missing value).
    public var targets: [Double?]
    /// Per target, the model's output unscaled.
    public var predictions: [Double]
}

/// One step past the end of a series (`forecast`).
public struct ForecastRow: Sendable, Equatable {
    public var sequence: String
    /// The time column continued by its last spacing, else the step L+1…L+N.
    public var time: String
    /// Per target, the model's output unscaled (a change or a value, as the targets are).
    public var predictions: [Double]
    /// Per target column, the value it implies (the value itself, or the last value plus the change).
    public var values: [Double]
}

/// RMSE and MAE of one target over some steps, in the data's units.
public struct TargetMetrics: Sendable, Equatable, Codable {
    public var name: String
    public var rmse: Double
    public var mae: Double
    /// Elements counted.
    public var count: Int
}

/// `evaluate` / `show run`: the run's loss and, per target, RMSE and MAE unscaled, for the
/// training steps and the validation tail.
public struct Evaluation: Sendable, Equatable {
    /// The run's loss (in the trained, possibly scaled, units) over the training steps.
    public var loss: Double?
    public var validationLoss: Double?
    public var train: [TargetMetrics]
    public var validation: [TargetMetrics]?
}
