import RNNData
import RNNEngine
import RNNTraining

/// Every setting a session has before anything is set up (SPEC §3 "Defaults"), taken from the
/// command forms' declarations so that `help`, `show` and the parser agree; a value, so a
/// command changes a copy and the copy stays only when the command succeeds.
public struct Settings: Sendable, Equatable {
    public var seed: UInt64 = 0
    public var threads = Threads.available
    /// Bytes a chunk's training may use before backprop recomputes it in segments (results are
    /// the same either way, so runs do not record it).
    public var memoryBudget = MemoryPlan.defaultBudget
    public var features = DataCommands.features.defaults
    public var targets = TargetSpec.q(gamma: DataCommands.q.defaults.gamma, actions: DataCommands.q.defaults.actions)
    public var loss = TrainingCommands.loss.defaults.kind
    public var validation: ValidationSpec?
    public var optimizer = OptimizationCommands.entry(.adam).form.defaults
    public var clip = ClipSetting.off
    public var splits = OptimizationCommands.splits.defaults
    public var learningRate: PlateauRules?

    public init() {}

    /// How the weights are trained: what a run may change between two `train`s.
    public var training: TrainingSettings {
        TrainingSettings(optimizer: optimizer, clip: clip, splits: splits, learningRate: learningRate, threads: threads,
                         loss: loss)
    }
}

/// The settings a run picks up again at each `train`: a change applies from the next
/// `train` and is recorded as an event of the run.
public struct TrainingSettings: Sendable, Equatable {
    public var optimizer: OptimizerConfig
    public var clip: ClipSetting
    public var splits: SplitRules
    public var learningRate: PlateauRules?
    public var threads: Int
    public var loss: LossKind

    public init(optimizer: OptimizerConfig, clip: ClipSetting, splits: SplitRules, learningRate: PlateauRules?, threads: Int,
                loss: LossKind) {
        self.loss = loss
        self.optimizer = optimizer
        self.clip = clip
        self.splits = splits
        self.learningRate = learningRate
        self.threads = threads
    }
}

/// How settings are written in the language, for `show`, a run's configuration and its events.
public enum SettingText {
    public static func optimizer(_ c: OptimizerConfig) -> String {
        "\(c.kind.rawValue) " + OptimizationCommands.entry(c.kind).form.shown(c)
    }

    /// `(optimizer.lr, 0.001)`… for a run's configuration.
    public static func optimizerValues(_ c: OptimizerConfig) -> [(name: String, value: String)] {
        OptimizationCommands.entry(c.kind).form.values(c)
    }

    public static func clip(_ c: ClipSetting) -> String {
        switch c {
        case .off: "off"
        case let .norm(x): "norm \(x)"
        case let .global(x): "global \(x)"
        case let .value(x): "value \(x)"
        }
    }

    public static func splits(_ r: SplitRules) -> String {
        "splits \(r.splits.map(String.init).joined(separator: ",")) " + OptimizationCommands.splits.shown(r)
    }

    public static func learningRate(_ r: PlateauRules?) -> String {
        r.map { "plateau " + OptimizationCommands.plateau.shown($0) } ?? "off"
    }

    public static func features(_ f: FeatureSpec) -> String {
        "\(f.kind.rawValue) " + DataCommands.features.shown(f)
    }

    public static func targets(_ t: TargetSpec) -> String {
        switch t {
        case let .q(gamma, actions, column):
            return "q " + DataCommands.q.shown(QTargetOptions(gamma: gamma, actions: actions, column: column))
        case let .next(horizon, columns, form, scale):
            return "next " + DataCommands.next.shown(NextTargetOptions(horizon: horizon, columns: columns, form: form, scale: scale))
        }
    }

    public static func validation(_ v: ValidationSpec?) -> String {
        v.map { DataCommands.validate.shown(ValidationOptions(tail: $0.tail)) } ?? "off"
    }

    public static func sine(_ o: SineOptions) -> String {
        "sine " + DataCommands.sine.shown(o)
    }
}
