import Foundation
import RNNData
import RNNEngine

/// How a run's data was made: enough to regenerate (or, for CSV, verify) it exactly.
public struct DataSettings: Codable, Sendable, Equatable {
    public var data: DataSpec
    public var features: FeatureSpec
    public var targets: TargetSpec
    public var validation: ValidationSpec?
    /// The z-score statistics fitted when the run started, reused as they are on resume.
    public var featureStats: ZScoreStats?
    /// Every scaling fitted when the run started (per feature column and target), reused as
    /// they are on resume; nil for a run stored before scalings were kept.
    public var scaling: DataScaling?

    public init(data: DataSpec, features: FeatureSpec, targets: TargetSpec, validation: ValidationSpec?,
                featureStats: ZScoreStats?, scaling: DataScaling? = nil) {
        self.data = data
        self.features = features
        self.targets = targets
        self.validation = validation
        self.featureStats = featureStats
        self.scaling = scaling
    }

    /// The settings of data prepared from `data` with these options, keeping every scaling
    /// it fitted (so a resumed run scales exactly as the run did).
    public init(data: DataSpec, features: FeatureSpec, targets: TargetSpec, validation: ValidationSpec?,
                prepared: PreparedData) {
        self.init(data: data, features: features, targets: targets, validation: validation,
                  featureStats: prepared.featureStats,
                  scaling: prepared.scaling == DataScaling() ? nil : prepared.scaling)
    }

    /// Regenerates the run's series and prepared data, for reports in the data's units.
    public func prepareWithSeries() throws -> (Series, PreparedData) {
        let series = try Series.load(data)
        return (series, try Preparation.prepare(series, features: features, targets: targets, validation: validation,
                                                stats: featureStats, scaling: scaling))
    }

    /// Regenerates the run's tensors (a CSV file must still have the recorded content).
    public func prepare() throws -> TrainingData {
        let series = try Series.load(data)
        return try TrainingData(Preparation.prepare(series, features: features, targets: targets,
                                                    validation: validation, stats: featureStats, scaling: scaling))
    }
}

/// Everything needed to go on training exactly (SPEC §4): weights, optimizer slots and step
/// count, clipping, both schedules, the noise stream, the thread count, the run's name and
/// epoch count, and how the data was made. A plain value: serialise it, restore it in another process, and training
/// continues bit for bit as if it had never stopped.
public struct RunState: Codable, Sendable, Equatable {
    /// Bumped when the encoding changes incompatibly: 1 was JSON with base64 tensors, 2 is a
    /// JSON header with the tensors in one binary blob (`RunStateEncoding.swift`).
    public static let formatVersion = 2

    public var formatVersion = RunState.formatVersion
    public var runName: String
    public var masterSeed: UInt64
    public var modelSpec: ModelSpec
    public var inputWidth: Int
    public var parameters: [Tensor]
    public var optimizer: Optimizer
    public var clip: ClipSetting
    public var splitSchedule: SplitSchedule
    public var lrSchedule: LRPlateau?
    /// The stream noise and dropout layers draw from.
    public var noiseRandom: Random
    public var threads: Int
    /// The data, features, targets and validation the run trains on (nil only for runs on
    /// tensors handed over directly, as in engine-level tests and benchmarks).
    public var dataSettings: DataSettings?
    /// Epochs completed in this run.
    public var epochsCompleted: Int
    /// The best monitored loss of the run and the epoch it was reached (for `RUN@best`).
    public var bestLoss: Double?
    public var bestEpoch: Int?
    /// The loss trained on; nil is `mse`, so a state written before losses could be chosen
    /// reads back as it was (and an mse run's bytes are unchanged).
    public var lossFunction: LossKind?

    /// The loss trained on and reported (`mse` unless set).
    public var lossKind: LossKind {
        get { lossFunction ?? .mse }
        set { lossFunction = newValue == .mse ? nil : newValue }
    }

    /// A new run from a model with fresh optimizer and schedule state.
    public init(runName: String, masterSeed: UInt64, model: Model, optimizer: OptimizerConfig,
                clip: ClipSetting = .off, splitSchedule: SplitSchedule, lrSchedule: LRPlateau? = nil,
                threads: Int = Threads.available, dataSettings: DataSettings? = nil,
                loss: LossKind = .mse) throws {
        try clip.validate()
        try loss.validate()
        self.runName = runName
        self.masterSeed = masterSeed
        modelSpec = model.spec
        inputWidth = model.inputWidth
        parameters = model.parameters
        self.optimizer = try Optimizer(config: optimizer, parameters: model.parameters)
        self.clip = clip
        self.splitSchedule = splitSchedule
        self.lrSchedule = lrSchedule
        noiseRandom = Random(masterSeed: masterSeed, purpose: .noise)
        self.threads = threads
        self.dataSettings = dataSettings
        epochsCompleted = 0
        lossKind = loss
    }

    /// The model these weights belong to.
    public func model() throws -> Model {
        var rng = Random(seed: 0)     // the initial values are replaced at once
        var model = try Model(spec: modelSpec, inputWidth: inputWidth, rng: &rng)
        guard model.parameters.map(\.shape) == parameters.map(\.shape) else {
            throw TrainingError.unreadableState("its weights do not fit the model '\(modelSpec.text)'")
        }
        model.parameters = parameters
        return model
    }
}
