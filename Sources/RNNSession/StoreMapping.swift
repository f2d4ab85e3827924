import RNNStore
import RNNTraining

/// The session's values as the store keeps them, and back: the one place they are mapped.
enum StoreMapping {
    /// How a `train` ended, as the run's status.
    static func runStatus(_ outcome: TrainingOutcome) -> RunStatus {
        switch outcome {
        case .finished: .finished
        case .diverged: .diverged
        case .interrupted: .interrupted
        }
    }

    static func event(_ record: RunEventRecord) -> RunEvent {
        RunEvent(epoch: record.epoch, setting: record.setting, old: record.oldValue, new: record.newValue)
    }
}
