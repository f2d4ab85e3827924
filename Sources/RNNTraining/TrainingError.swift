import Foundation

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
    /// A chunk of the epoch with `splits` chunks needs `needed` bytes even with recomputation (a GRU stack has none),
    /// more than the memory budget allows.
    case memoryExceeded(splits: Int, needed: Int, budget: Int)

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
        case let .memoryExceeded(splits, needed, budget):
            return "training in \(splits) chunk\(splits == 1 ? "" : "s") would need \(Self.gigabytes(needed)) (data and "
                + "parameters included) even with recomputation (none for a GRU stack), over the memory budget of \(Self.gigabytes(budget)) "
                + "(raise memory, use more chunks or fewer sequences)"
        }
    }

    /// Bytes as gigabytes with two decimals, e.g. "1.25 GB", or below 1 GB as megabytes ("12.5 MB").
    static func gigabytes(_ bytes: Int) -> String {
        bytes < 1_000_000_000 ? String(format: "%.1f MB", Double(bytes) / 1e6) : String(format: "%.2f GB", Double(bytes) / 1e9)
    }
}
