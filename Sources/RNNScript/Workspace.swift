import Foundation
import RNNData
import RNNEngine
import RNNReport
import RNNTraining

/// A run (of this session, or of any session in the store): its metrics and the
/// configuration it started with.
struct RunHistory: Sendable {
    var name: String
    /// running, finished, interrupted or diverged.
    var status: String
    /// The store's session that ran it (nil without a store).
    var session: Int64? = nil
    var metrics: [EpochMetrics] = []
    /// Configuration keys in display order (for `runs` and `compare`).
    var configuration: [(key: String, value: String)]

    var finalLoss: Double? { metrics.last?.loss }

    /// As the report's tables take it.
    var overview: RunOverview {
        RunOverview(name: name, status: status, session: session, losses: metrics.map(\.loss),
                    monitored: metrics.map(\.monitored), lastSplits: metrics.last?.splits,
                    seconds: metrics.reduce(0) { $0 + $1.seconds }, configuration: configuration)
    }
}

/// Everything a session has set up: seed, data, features, targets, model, optimizer, clipping,
/// schedules, the active run and the runs so far. A value: a command runs on a copy, and the
/// copy replaces the workspace only when the command succeeds.
struct Workspace {
    var seed: UInt64 = 0
    var threads = Threads.available
    var data: (spec: DataSpec, series: Series)?
    var features = FeatureSpec(window: 128, scale: .none)
    var targets: TargetSpec = .q(gamma: 0.9, actions: [.buy, .sell])
    var validation: ValidationSpec?
    var model: Model?
    var optimizer = OptimizerConfig(kind: .adam)
    var clip: ClipSetting = .off
    var splitSchedule = SplitSchedule.single
    var lrSchedule: LRPlateau?
    /// The run that `train` continues, with its trainer and its id in the store.
    var active: (name: String, trainer: Trainer, storeID: Int64?)?
    /// This session's runs (without a store, the only ones `runs` and `compare` know).
    var runs: [RunHistory] = []

    /// The configuration a new run would start with.
    var configuration: [(key: String, value: String)] {
        var c: [(String, String)] = [("seed", "\(seed)"), ("data", data?.spec.text ?? "none"),
                                     ("features", features.text), ("targets", targets.text),
                                     ("validate", validation?.text ?? "off"), ("model", model?.spec.text ?? "none"),
                                     ("optimizer", optimizer.kind.rawValue)]
        c += optimizer.hyperparameters.map { ("optimizer.\($0.name)", $0.value) }
        c += [("clip", clip.text), ("schedule", splitSchedule.text), ("lr schedule", lrSchedule?.text ?? "off"),
              ("threads", "\(threads)")]
        return c
    }

    /// The model to train, checked against the features and targets.
    func checkedModel() throws -> Model {
        guard let model else {
            throw WorkspaceError("no model yet: set one with e.g. 'model seed' or 'model dense 64 relu -> lstm 64 -> dense 2'")
        }
        guard model.inputWidth == features.window else {
            throw WorkspaceError("the model takes \(model.inputWidth) inputs but the features give \(features.window) "
                                 + "(window=\(features.window)); run 'model' again to rebuild it")
        }
        guard model.outputWidth == targets.width else {
            throw WorkspaceError("the model's last layer has width \(model.outputWidth) but the targets have \(targets.width) "
                                 + "(\(targets.outputNames.joined(separator: ", "))); end the model with 'dense \(targets.width)'")
        }
        return model
    }

    /// A fresh model of `spec` from the seed's initialisation stream.
    func initialModel(_ spec: ModelSpec) throws -> Model {
        var rng = Random(masterSeed: seed, purpose: .initialization)
        let model = try Model(spec: spec, inputWidth: features.window, rng: &rng)
        guard model.outputWidth == targets.width else {
            throw WorkspaceError("the last layer has width \(model.outputWidth) but the targets have \(targets.width) "
                                 + "(\(targets.outputNames.joined(separator: ", "))); end the model with 'dense \(targets.width)'")
        }
        return model
    }

    /// The tensors of the current data, features, targets and validation.
    func prepared(stats: ZScoreStats? = nil) throws -> (TrainingData, DataSettings) {
        guard let data else {
            throw WorkspaceError("no data yet: generate it with 'data sine' or load it with 'data csv \"FILE\" column=NAME'")
        }
        let prepared = try Preparation.prepare(data.series, features: features, targets: targets,
                                               validation: validation, stats: stats)
        let settings = DataSettings(data: data.spec, features: features, targets: targets, validation: validation,
                                    featureStats: prepared.featureStats)
        return (try TrainingData(prepared), settings)
    }
}

/// A command that cannot run in the current state, with what to do instead.
struct WorkspaceError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension SplitSchedule {
    static let single = try! SplitSchedule(splits: [1], patience: 20, minDelta: 0)

    var text: String {
        "splits \(splits.map(String.init).joined(separator: ",")) patience=\(patience) min_delta=\(minDelta)"
    }
}

extension LRPlateau {
    var text: String {
        "plateau factor=\(factor) patience=\(patience) min_delta=\(minDelta) cooldown=\(cooldown) min_lr=\(minLR)"
    }
}

extension ClipSetting {
    var text: String {
        switch self {
        case .off: "off"
        case let .norm(c): "norm \(c)"
        case let .global(c): "global \(c)"
        case let .value(c): "value \(c)"
        }
    }
}
