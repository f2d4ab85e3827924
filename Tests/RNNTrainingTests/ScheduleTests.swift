import Testing
@testable import RNNTraining

@Suite struct ScheduleTests {
    /// Losses that improve for 3 epochs, then plateau: with patience 2, K moves every 2 plateau
    /// epochs, and the best loss is kept across K changes.
    @Test func splitsMoveAtExactlyTheEpochsTheRulesSay() throws {
        var schedule = try SplitSchedule(splits: [100, 50, 10, 2, 1], patience: 2, minDelta: 0)
        let losses: [Double] = [1.0, 0.9, 0.8, 0.85, 0.81, 0.82, 0.80, 0.79, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
        var changes: [Int: Int] = [:]
        for (i, loss) in losses.enumerated() {
            if let k = schedule.observe(loss) { changes[i + 1] = k }
        }
        // Epochs 4, 5 don't improve on 0.8 → K 50 after epoch 5. Epochs 6, 7 (0.80 is not < 0.80) → 10 after 7.
        // Epoch 8 improves (0.79); 9, 10 don't → 2 after 10; 11, 12 → 1 after 12; then the list is exhausted.
        #expect(changes == [5: 50, 7: 10, 10: 2, 12: 1])
        #expect(schedule.current == 1 && schedule.isOnLastSplit)
        #expect(schedule.best == 0.79)
    }

    @Test func minDeltaIsAbsolute() throws {
        var schedule = try SplitSchedule(splits: [10, 1], patience: 1, minDelta: 0.1)
        let first = schedule.observe(1.0)            // the first epoch always improves on ∞
        let second = schedule.observe(0.95)          // 0.95 is not below 1.0 − 0.1
        #expect(first == nil)
        #expect(second == 1)
    }

    /// Keras ReduceLROnPlateau: patience 2, cooldown 2, factor 0.5, min_lr 0.2.
    @Test func lrPlateauFollowsKeras() throws {
        var plateau = try LRPlateau(factor: 0.5, patience: 2, minDelta: 0, cooldown: 2, minLR: 0.2)
        var lr = 1.0
        var changes: [Int: Double] = [:]
        let losses: [Double] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        for (i, loss) in losses.enumerated() {
            if let new = plateau.observe(loss, learningRate: lr) {
                lr = new
                changes[i + 1] = new
            }
        }
        // Epoch 1 sets best; 2, 3 wait → 0.5 at 3. Keras decrements the cooldown before counting,
        // so epoch 4 is the only one not counted: 5, 6 wait → 0.25 at 6; 8, 9 → max(0.125, 0.2)
        // = 0.2 at 9; then lr == min_lr: no more changes.
        #expect(changes == [3: 0.5, 6: 0.25, 9: 0.2])
    }

    @Test func earlyStopCountsOnlyOnTheLastSplit() throws {
        var stop = try EarlyStop(patience: 2)
        let decisions = [(1.0, false), (1.1, false), (1.1, false), (1.1, true), (1.2, true)].map {
            stop.observe($0.0, scheduleOnLastSplit: $0.1)
        }
        // The third plateau epoch is not counted (the schedule is still moving); the fifth stops.
        #expect(decisions == [false, false, false, false, true])
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: TrainingError.self) { try SplitSchedule(splits: [], patience: 1) }
        #expect(throws: TrainingError.self) { try SplitSchedule(splits: [10, 0], patience: 1) }
        #expect(throws: TrainingError.self) { try SplitSchedule(splits: [1], patience: 0) }
        #expect(throws: TrainingError.self) { try LRPlateau(factor: 1) }
        #expect(throws: TrainingError.self) { try EarlyStop(patience: 0) }
    }
}
