/// The batch sequence length schedule: split every sequence into K chunks, and when the
/// monitored loss has not improved for `patience` epochs move to the next K of the list.
public struct SplitSchedule: Codable, Sendable, Equatable {
    /// The list of K, e.g. 100, 50, 10, 2, 1 (1 = full-sequence backprop).
    public let splits: [Int]
    public let patience: Int
    /// Absolute: an epoch improves when loss < best − minDelta.
    public let minDelta: Double

    /// Index of the K in force.
    public private(set) var position = 0
    /// Epochs since the last improvement (reset when K changes).
    public private(set) var wait = 0
    /// Best monitored loss so far (kept when K changes).
    public private(set) var best = Double.infinity

    public init(splits: [Int] = [1], patience: Int = 20, minDelta: Double = 0) throws {
        guard !splits.isEmpty, splits.allSatisfy({ $0 >= 1 }) else {
            throw TrainingError.invalidSetting("schedule splits needs one or more counts ≥ 1 (found \(splits))")
        }
        guard patience >= 1 else {
            throw TrainingError.invalidSetting("schedule patience must be at least 1 (found \(patience))")
        }
        guard minDelta.isFinite, minDelta >= 0 else {
            throw TrainingError.invalidSetting("schedule min_delta must be finite and ≥ 0 (found \(minDelta))")
        }
        self.splits = splits
        self.patience = patience
        self.minDelta = minDelta
    }

    /// The K in force.
    public var current: Int { splits[position] }

    /// Whether the list is exhausted (early stopping may act only then).
    public var isOnLastSplit: Bool { position == splits.count - 1 }

    /// Records an epoch's monitored loss.
    /// - Returns: the new K when it changes.
    public mutating func observe(_ loss: Double) -> Int? {
        if loss < best - minDelta {
            best = loss
            wait = 0
            return nil
        }
        wait += 1
        guard wait >= patience, !isOnLastSplit else { return nil }
        position += 1
        wait = 0
        return current
    }
    /// The schedule under new rules, as a user's change between two `train`s makes it: the
    /// same list keeps its place and counter; a new list starts at its first K with a fresh
    /// patience counter. Either way the best loss is kept, as when K changes.
    public func changed(splits: [Int], patience: Int, minDelta: Double) throws -> SplitSchedule {
        var next = try SplitSchedule(splits: splits, patience: patience, minDelta: minDelta)
        next.best = best
        if splits == self.splits {
            next.position = position
            next.wait = wait
        }
        return next
    }
}

/// Keras' `ReduceLROnPlateau` (mode min, absolute `min_delta`): after `patience` epochs
/// without improvement multiply the learning rate by `factor` (not below `minLR`), then wait
/// `cooldown` epochs before counting again.
public struct LRPlateau: Codable, Sendable, Equatable {
    public let factor: Double
    public let patience: Int
    public let minDelta: Double
    public let cooldown: Int
    public let minLR: Double

    public private(set) var wait = 0
    public private(set) var cooldownCounter = 0
    public private(set) var best = Double.infinity

    public init(factor: Double = 0.1, patience: Int = 10, minDelta: Double = 1e-4, cooldown: Int = 0,
                minLR: Double = 0) throws {
        guard factor.isFinite, factor > 0, factor < 1 else {
            throw TrainingError.invalidSetting("schedule lr factor must be in (0, 1) (found \(factor))")
        }
        guard patience >= 0, cooldown >= 0 else {
            throw TrainingError.invalidSetting("schedule lr patience and cooldown must be ≥ 0")
        }
        guard minDelta.isFinite, minDelta >= 0, minLR.isFinite, minLR >= 0 else {
            throw TrainingError.invalidSetting("schedule lr min_delta and min_lr must be finite and ≥ 0")
        }
        self.factor = factor
        self.patience = patience
        self.minDelta = minDelta
        self.cooldown = cooldown
        self.minLR = minLR
    }

    /// Records an epoch's monitored loss at learning rate `lr`.
    /// - Returns: the new learning rate when it changes.
    public mutating func observe(_ loss: Double, learningRate lr: Double) -> Double? {
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            wait = 0
        }
        if loss < best - minDelta {
            best = loss
            wait = 0
            return nil
        }
        guard cooldownCounter == 0 else { return nil }
        wait += 1
        guard wait >= patience, lr > minLR else { return nil }
        cooldownCounter = cooldown
        wait = 0
        return max(lr * factor, minLR)
    }
}

/// `early_stop=P` of one `train`: stop after P epochs without improvement, counted only while
/// the split schedule is on its last K (a schedule still moving is not a plateau).
public struct EarlyStop: Codable, Sendable, Equatable {
    public let patience: Int
    public private(set) var wait = 0
    public private(set) var best = Double.infinity

    public init(patience: Int) throws {
        guard patience >= 1 else { throw TrainingError.invalidSetting("early_stop must be at least 1 (found \(patience))") }
        self.patience = patience
    }

    /// Records an epoch's monitored loss; returns whether training should stop.
    public mutating func observe(_ loss: Double, scheduleOnLastSplit: Bool) -> Bool {
        if loss < best {
            best = loss
            wait = 0
            return false
        }
        guard scheduleOnLastSplit else {
            wait = 0
            return false
        }
        wait += 1
        return wait >= patience
    }
}
