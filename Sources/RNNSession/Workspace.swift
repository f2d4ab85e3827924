import Foundation
import RNNData
import RNNEngine
import RNNReport
import RNNScript
import RNNStore
import RNNTraining

/// Everything a session has set up: its settings, the data, the model and where its weights
/// came from, the active run and the runs so far. A value: a command runs on a copy, and the
/// copy replaces the workspace only when the command succeeds.
struct Workspace {
    var settings = Settings()
    var data: (spec: DataSpec, series: Series)?
    var model: Model?
    /// Where the model's current weights came from; a run started from them records it.
    var origin: WeightsOrigin = .initialized
    /// The run that `train` continues.
    var active: ActiveRun?
    /// This session's runs (without a store, the only ones `runs` and `compare` know).
    var runs: [RunHistory] = []
    /// `rnnlab run --threads/--tag/--name-suffix`: what a sweep trial fixes for every run.
    var trial = TrialLabels()

    /// The configuration a new run starts with (display order, for `runs` and `compare`).
    var configuration: [(key: String, value: String)] {
        let s = settings
        var c: [(String, String)] = [("seed", "\(s.seed)"), ("data", data?.spec.text ?? "none"),
                                     ("features", "features " + SettingText.features(s.features)),
                                     ("targets", "targets " + SettingText.targets(s.targets)),
                                     ("validate", s.validation.map { "validate " + SettingText.validation($0) } ?? "off"),
                                     ("model", model?.spec.text ?? "none"), ("optimizer", s.optimizer.kind.rawValue)]
        c += SettingText.optimizerValues(s.optimizer).map { ("optimizer.\($0.name)", $0.value) }
        c += [("clip", SettingText.clip(s.clip)), ("schedule", SettingText.splits(s.splits)),
              ("lr schedule", SettingText.learningRate(s.learningRate)), ("threads", "\(s.threads)")]
        return c + trial.tags
    }

    /// The input width the features give over the current data's channels.
    var inputWidth: Int { settings.features.width(channelCount: data?.series.channelCount ?? 1) }

    /// The names of the targets over the current data (`buy`, `sell`; a column's name).
    var targetNames: [String] {
        data.flatMap { try? settings.targets.names(for: $0.series) } ?? settings.targets.outputNames
    }

    /// The model to train, checked against the features and targets.
    func checkedModel() throws(SessionError) -> Model {
        guard let model else { throw .noModel }
        guard model.inputWidth == inputWidth else { throw .inputWidthMismatch(model: model.inputWidth, features: inputWidth) }
        guard model.outputWidth == targetNames.count else {
            throw .outputWidthMismatch(model: model.outputWidth, targets: targetNames.count, names: targetNames)
        }
        return model
    }

    /// A fresh model of `spec` from the seed's initialisation stream.
    func initialModel(_ spec: ModelSpec) throws -> Model {
        var rng = Random(masterSeed: settings.seed, purpose: .initialization)
        let model = try Model(spec: spec, inputWidth: inputWidth, rng: &rng)
        guard model.outputWidth == targetNames.count else {
            throw SessionError.outputWidthMismatch(model: model.outputWidth, targets: targetNames.count, names: targetNames)
        }
        return model
    }

    /// The tensors of the current data, features, targets and validation, and the settings
    /// (scalings included) a run keeps.
    func prepared(isCancelled: () -> Bool = { false }) throws -> (TrainingData, DataSettings) {
        guard let data else { throw SessionError.noData }
        let s = settings
        try s.features.checkWindow(against: data.series)
        let prepared = try Preparation.prepare(data.series, features: s.features, targets: s.targets, validation: s.validation,
                                               isCancelled: isCancelled)
        let dataSettings = DataSettings(data: data.spec, features: s.features, targets: s.targets, validation: s.validation,
                                        prepared: prepared)
        return (try TrainingData(prepared), dataSettings)
    }

    /// Ends the active run, if any: its weights stay the model's, and a run started from them
    /// records where they came from.
    mutating func endActiveRun() {
        guard let active else { return }
        model = active.trainer.currentModel
        origin = .run(active.reference)
        self.active = nil
    }

    /// Fresh weights: `model` and `reset`.
    mutating func replaceModel(_ model: Model) {
        self.model = model
        origin = .initialized
        active = nil
    }
}

/// What the command line fixes for every run of a session (a sweep's trial): a thread count
/// that wins over the script's `threads`, labels recorded in each run's configuration (the
/// sweep and its trial values), and a suffix appended to every run name the script starts.
public struct TrialLabels: Sendable {
    public var threads: Int?
    public var tags: [(key: String, value: String)]
    public var nameSuffix: String
    /// A `train` that would start a run whose latest record in the store was interrupted
    /// resumes it from its latest checkpoint and trains only the epochs left (a stopped trial run again).
    public var resumeInterrupted: Bool

    public init(threads: Int? = nil, tags: [(key: String, value: String)] = [], nameSuffix: String = "",
                resumeInterrupted: Bool = false) {
        self.threads = threads
        self.tags = tags
        self.nameSuffix = nameSuffix
        self.resumeInterrupted = resumeInterrupted
    }
}

/// Where a model's weights came from.
enum WeightsOrigin: Equatable {
    /// Initialised from the seed (`model`, `reset`).
    case initialized
    /// Trained by a run up to an epoch (it ended, or a checkpoint of it was loaded).
    case run(RunAtEpoch)
    /// `weights import FILE`.
    case imported(path: String)

    /// `x@6` or `weights import m.safetensors`; nil for fresh weights.
    var source: String? {
        switch self {
        case .initialized: nil
        case let .run(reference): reference.text
        case let .imported(path): "weights import \(path)"
        }
    }
}

/// A run at an epoch.
struct RunAtEpoch: Equatable {
    var name: String
    var storeID: Int64?
    var epoch: Int

    var text: String { "\(name)@\(epoch)" }
}

/// The run `train` continues.
struct ActiveRun {
    var name: String
    var trainer: Trainer
    var storeID: Int64?
    /// The training settings of its last `train`: what differs at the next one is a change.
    var applied: TrainingSettings

    var reference: RunAtEpoch {
        RunAtEpoch(name: name, storeID: storeID, epoch: trainer.state.epochsCompleted)
    }
}

/// A run (of this session, or of any session in the store): its metrics, the configuration
/// it started with, its changes of setting and where its weights came from.
struct RunHistory: Sendable {
    var name: String
    var status: RunStatus
    /// The store's session that ran it (nil without a store).
    var session: Int64? = nil
    var metrics: [EpochMetrics] = []
    /// Configuration keys in display order (for `runs` and `compare`).
    var configuration: [(key: String, value: String)]
    var events: [RunEvent] = []
    /// `x@6`: the run and epoch (or file) its starting weights came from.
    var parent: String?

    var finalLoss: Double? { metrics.last?.loss }

    /// As the report's tables take it.
    var overview: RunOverview {
        RunOverview(name: name, status: status.rawValue, session: session, losses: metrics.map(\.loss),
                    monitored: metrics.map(\.monitored), lastSplits: metrics.last?.splits,
                    seconds: metrics.reduce(0) { $0 + $1.seconds }, configuration: configuration, parent: parent,
                    changes: events.map { "e\($0.epoch) \($0.marker)" })
    }
}

/// A setting changed between two `train`s of a run, in force from `epoch` on.
struct RunEvent: Sendable, Equatable {
    var epoch: Int
    var setting: String
    var old: String
    var new: String

    /// Short, for figures: `optimizer sgd lr=0.5`.
    var marker: String { "\(setting) \(new)" }

    /// For `show run`: `epoch 2: optimizer adam lr=0.001 … → sgd lr=0.5 …`.
    var text: String { "epoch \(epoch): \(setting) \(old) → \(new)" }
}
