import RNNEngine

extension RunState {
    /// The largest optimizer step count a state may carry: exact as a Double (Adam's bias
    /// correction uses it as one) and far from overflowing when training adds to it.
    public static let maxStep = 1 << 53
    /// The largest epoch count a state may carry, so adding a `train`'s epochs cannot overflow.
    public static let maxEpochs = Int(Int32.max)

    /// Checks everything training relies on, so a stored state that passes its checksum but
    /// was crafted or damaged gives an error naming the field instead of a trap later: the
    /// model and weight shapes, finite weights and slots, the optimizer's slot layout, step and
    /// hyperparameters, the schedules' positions and counters, the clip, threads and epochs.
    public func validate() throws {
        func fail(_ message: String) -> TrainingError { .unreadableState(message) }
        guard (1...256).contains(threads) else { throw fail("its thread count \(threads) is outside 1…256") }
        guard (0...Self.maxEpochs).contains(epochsCompleted) else {
            throw fail("its epoch count \(epochsCompleted) is outside 0…\(Self.maxEpochs)")
        }
        if let bestEpoch, bestEpoch < 1 || bestEpoch > epochsCompleted {
            throw fail("its best epoch \(bestEpoch) is outside the run's epochs 1…\(epochsCompleted)")
        }
        if let bestLoss, bestLoss.isNaN { throw fail("its best loss is NaN") }
        do {
            try modelSpec.validate(inputWidth: inputWidth)
        } catch {
            throw fail("its model '\(modelSpec.text)' with \(inputWidth) inputs is not valid: \(error)")
        }
        _ = try model()      // the weight shapes fit the model
        for (index, tensor) in parameters.enumerated() where !Self.allFinite(tensor) {
            throw fail("weight tensor \(index + 1) of \(parameters.count) (shape \(tensor.shape)) holds NaN or infinite values")
        }
        try validateOptimizer()
        do {
            try clip.validate()
        } catch {
            throw fail("its clip setting is not valid: \(error)")
        }
        try splitSchedule.validate()
        try lrSchedule?.validate()
    }

    private func validateOptimizer() throws {
        func fail(_ message: String) -> TrainingError { .unreadableState("its optimizer (\(optimizer.config.kind.rawValue)) " + message) }
        do {
            try optimizer.config.validate()
        } catch {
            throw fail("has a hyperparameter out of range: \(error)")
        }
        guard (0...Self.maxStep).contains(optimizer.step) else {
            throw fail("has step count \(optimizer.step), outside 0…\(Self.maxStep)")
        }
        let expected = try Optimizer(config: optimizer.config, parameters: []).slots.count
        guard optimizer.slots.count == expected else {
            throw fail("has \(optimizer.slots.count) slot lists, expected \(expected)")
        }
        for (s, slot) in optimizer.slots.enumerated() {
            guard slot.count == parameters.count else {
                throw fail("slot list \(s + 1) has \(slot.count) tensors for \(parameters.count) weight tensors")
            }
            for (p, tensor) in slot.enumerated() {
                guard tensor.shape == parameters[p].shape else {
                    throw fail("slot \(s + 1) of weight tensor \(p + 1) has shape \(tensor.shape), the weights \(parameters[p].shape)")
                }
                guard Self.allFinite(tensor) else {
                    throw fail("slot \(s + 1) of weight tensor \(p + 1) holds NaN or infinite values")
                }
            }
        }
    }

    private static func allFinite(_ tensor: Tensor) -> Bool {
        tensor.values.withUnsafeBufferPointer { values in
            var ok = true
            for value in values where !value.isFinite { ok = false; break }
            return ok
        }
    }
}

extension SplitSchedule {
    /// Checks a stored schedule: a list of counts ≥ 1, its position inside it, counters ≥ 0.
    public func validate() throws {
        func fail(_ message: String) -> TrainingError { .unreadableState("its split schedule " + message) }
        guard !splits.isEmpty, splits.allSatisfy({ $0 >= 1 }) else { throw fail("needs one or more counts ≥ 1 (found \(splits))") }
        guard splits.indices.contains(position) else {
            throw fail("is at position \(position), outside its \(splits.count) splits (0…\(splits.count - 1))")
        }
        guard patience >= 1, (0...RunState.maxEpochs).contains(wait) else {
            throw fail("has patience \(patience) and wait \(wait) (expected patience ≥ 1 and 0 ≤ wait ≤ \(RunState.maxEpochs))")
        }
        guard minDelta.isFinite, minDelta >= 0 else { throw fail("has min_delta \(minDelta) (expected finite and ≥ 0)") }
        guard !best.isNaN else { throw fail("has a best loss of NaN") }
    }
}

extension LRPlateau {
    /// Checks a stored learning-rate schedule: its settings' ranges and counters ≥ 0.
    public func validate() throws {
        func fail(_ message: String) -> TrainingError { .unreadableState("its lr schedule " + message) }
        do {
            _ = try LRPlateau(factor: factor, patience: patience, minDelta: minDelta, cooldown: cooldown, minLR: minLR)
        } catch {
            throw fail("has a setting out of range: \(error)")
        }
        guard (0...RunState.maxEpochs).contains(wait), (0...cooldown).contains(cooldownCounter) else {
            throw fail("has wait \(wait) and cooldown counter \(cooldownCounter) (expected 0…\(RunState.maxEpochs) and 0…\(cooldown))")
        }
        guard !best.isNaN else { throw fail("has a best loss of NaN") }
    }
}
