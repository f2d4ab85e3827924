/// What the trainer refuses before it starts.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A schedule or stopping setting out of range.
    case invalidSetting(String)
    /// K chunks cannot split a sequence of `length` steps.
    case splitsExceedLength(splits: Int, length: Int)
    /// The data's shapes do not fit the model or each other.
    case dataMismatch(String)
    /// No step of the data counts for the loss.
    case nothingToTrain
    /// A serialised run state could not be read.
    case unreadableState(String)

    public var description: String {
        switch self {
        case let .invalidSetting(message):
            return message
        case let .splitsExceedLength(splits, length):
            return "schedule splits \(splits) exceeds the sequence length \(length) (use at most \(length) chunks)"
        case let .dataMismatch(message):
            return message
        case .nothingToTrain:
            return "no step of the data has a target to train on"
        case let .unreadableState(message):
            return "the run state cannot be read: \(message)"
        }
    }
}
