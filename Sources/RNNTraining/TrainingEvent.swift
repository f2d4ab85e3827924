/// The metrics of one epoch (SPEC §4 columns plus the validation loss).
public struct EpochMetrics: Codable, Sendable, Equatable {
    /// Numbered from 1 across the whole run.
    public var epoch: Int
    /// The run's loss (mean squared error unless chosen otherwise) over every unmasked training
    /// element of the epoch.
    public var loss: Double
    public var validationLoss: Double?
    public var splits: Int
    public var learningRate: Double
    /// The global gradient norm before clipping, mean and max over the epoch's steps.
    public var gradNormMean: Double
    public var gradNormMax: Double
    public var seconds: Double

    public init(epoch: Int, loss: Double, validationLoss: Double?, splits: Int, learningRate: Double,
                gradNormMean: Double, gradNormMax: Double, seconds: Double) {
        self.epoch = epoch
        self.loss = loss
        self.validationLoss = validationLoss
        self.splits = splits
        self.learningRate = learningRate
        self.gradNormMean = gradNormMean
        self.gradNormMax = gradNormMax
        self.seconds = seconds
    }

    /// The loss the schedules monitor: validation when on, else training.
    public var monitored: Double { validationLoss ?? loss }
}

/// Progress for the front end; the trainer prints nothing.
public enum TrainingEvent: Sendable {
    case epochStarted(epoch: Int, splits: Int)
    case chunkFinished(epoch: Int, chunk: Int, of: Int, runningLoss: Double?)
    case epochFinished(EpochMetrics)
    case splitsChanged(epoch: Int, from: Int, to: Int)
    case learningRateChanged(epoch: Int, from: Double, to: Double)
    /// The epoch just finished is the run's best so far; this is the state after it (`RUN@best`).
    case newBest(RunState)
    /// An epoch is done and the schedules have seen it: `state` resumes exactly from here (the
    /// rolling `RUN@latest`, written with the epoch's metrics); `improved` when it is also the
    /// best so far (then `newBest` follows with the same state). Sent after `epochFinished`.
    case epochEnded(EpochMetrics, state: RunState, improved: Bool)
}

/// How one `train` ended: divergence and interruption are results, not errors (a run's
/// status in the store adds `running`).
public enum TrainingOutcome: String, Codable, Sendable {
    case finished, diverged, interrupted
}

/// Why a finished `train` stopped before its epoch count, if it did.
public enum StopReason: Sendable, Equatable {
    case epochsDone
    case reachedTarget(loss: Double)
    case earlyStopped(patience: Int)
}

public struct TrainingResult: Sendable {
    public var status: TrainingOutcome
    public var stopReason: StopReason
    /// The epochs completed by this call.
    public var epochs: [EpochMetrics]
    /// Where training diverged: the run's epoch number and the chunk (from 1).
    public var divergedAt: (epoch: Int, chunk: Int)?
}
