import RNNEngine

/// Settings changed between two `train`s of one run, applied from the next epoch on.
extension Trainer {
    /// A new optimizer kind starts with fresh slots and step count; new hyperparameters of the
    /// same kind keep them (as Keras does when its attributes are assigned).
    /// - Returns: whether the slots were reset.
    @discardableResult
    public mutating func change(optimizer config: OptimizerConfig) throws -> Bool {
        try config.validate()
        if config.kind == run.optimizer.config.kind {
            run.optimizer.config = config
            return false
        }
        run.optimizer = try Optimizer(config: config, parameters: currentModel.parameters)
        return true
    }

    public mutating func change(clip: ClipSetting) throws {
        try clip.validate()
        run.clip = clip
    }

    public mutating func change(splits: [Int], patience: Int, minDelta: Double) throws {
        run.splitSchedule = try run.splitSchedule.changed(splits: splits, patience: patience, minDelta: minDelta)
    }

    /// A new plateau schedule starts counting afresh; nil turns it off.
    public mutating func change(learningRateSchedule: LRPlateau?) {
        run.lrSchedule = learningRateSchedule
    }

    public mutating func change(loss: LossKind) throws {
        try loss.validate()
        run.lossKind = loss
    }

    public mutating func change(threads: Int) throws {
        guard threads >= 1 else { throw TrainingError.invalidSetting("threads must be at least 1 (found \(threads))") }
        run.threads = threads
    }
}
