import Foundation
import RNNEngine

/// Truncated backprop through time with carried state and the batch sequence length schedule.
///
/// Each epoch zeroes the LSTM state, cuts every sequence into K chunks at ⌊i·L/K⌋, and takes
/// one optimizer step per chunk over all sequences at once, carrying the state's values (not
/// its gradient) from chunk to chunk. After the epoch the schedules see the monitored loss.
public struct Trainer {
    public let data: TrainingData
    private var model: Model
    /// Internal so `RunChanges` can apply a setting changed between two `train`s.
    var run: RunState
    /// The chunks of the current K, cut once per K rather than every epoch (unless the data is
    /// too large to hold twice: `MemoryPlan.cachesChunks`).
    private var chunks: (splits: Int, inputs: [Tensor], targets: [Tensor], masks: [Tensor])?

    /// Steps per inference chunk when computing the validation loss (bounds its memory).
    static let inferenceChunk = 2_048

    /// Bytes training may hold: the data and parameters and a chunk's backprop (`MemoryPlan`);
    /// past it, segments are recomputed.
    /// Not part of the run: it changes memory and time, never results.
    public var memoryBudget: Int

    /// - Parameter memoryBudget: bytes training may hold, the data included; the default is a quarter of
    ///   physical memory (`MemoryPlan.defaultBudget`).
    public init(state: RunState, data: TrainingData, memoryBudget: Int = MemoryPlan.defaultBudget) throws {
        let model = try state.model()
        guard data.featureWidth == model.inputWidth else {
            throw TrainingError.dataMismatch("the model takes \(model.inputWidth) input features, the data has \(data.featureWidth)")
        }
        guard data.targetWidth == model.outputWidth else {
            throw TrainingError.dataMismatch("the model's last layer has width \(model.outputWidth), the targets \(data.targetWidth) "
                                             + "(make the last layer 'dense \(data.targetWidth)')")
        }
        self.data = data
        self.model = model
        self.memoryBudget = memoryBudget
        run = state
    }

    /// How a chunk of the epoch with `splits` chunks trains within the budget.
    public func memoryPlan(splits: Int) -> MemoryPlan {
        MemoryPlan.make(spec: model.spec, inputWidth: model.inputWidth, targetWidth: data.targetWidth,
                        sequences: data.sequenceCount, length: data.length, splits: splits,
                        parameterCount: model.parameterCount, budget: memoryBudget)
    }

    /// The run's state now, weights included: serialise it to checkpoint.
    public var state: RunState {
        var s = run
        s.parameters = model.parameters
        return s
    }

    /// The current model (weights as trained so far).
    public var currentModel: Model { model }

    /// Trains up to `epochs` more epochs.
    /// - Parameters:
    ///   - until: stop once the monitored loss is at or below this.
    ///   - earlyStop: stop after this many epochs without improvement on the schedule's last K.
    ///   - isCancelled: polled between chunks and every few hundred steps inside one; on
    ///     cancellation everything rolls back to the last completed epoch.
    ///   - onEvent: progress for the front end.
    public mutating func train(epochs: Int, until: Double? = nil, earlyStop: Int? = nil,
                               isCancelled: () -> Bool = { false },
                               onEvent: (TrainingEvent) -> Void = { _ in }) throws -> TrainingResult {
        guard epochs >= 1 else { throw TrainingError.invalidSetting("epochs must be at least 1 (found \(epochs))") }
        if let until, !until.isFinite {
            throw TrainingError.invalidSetting("until must be a finite loss (found \(until))")
        }
        if let tooMany = run.splitSchedule.splits.first(where: { $0 > data.length }) {
            throw TrainingError.splitsExceedLength(splits: tooMany, length: data.length)
        }
        guard data.trainMask.values.contains(where: { $0 != 0 }) else { throw TrainingError.nothingToTrain }
        let schedule = run.splitSchedule
        let ahead = schedule.splits[(schedule.splits.firstIndex(of: schedule.current) ?? 0)...]
        try MemoryPlan.refuseUnfit(splits: ahead, plan: memoryPlan(splits:))     // the K still to come
        let stopper = try earlyStop.map { try EarlyStop(patience: $0) }
        return try Threads.withCount(run.threads) {
            try trainEpochs(epochs, until: until, stopper: stopper, isCancelled: isCancelled, onEvent: onEvent)
        }
    }

    private mutating func trainEpochs(_ epochs: Int, until: Double?, stopper: EarlyStop?, isCancelled: () -> Bool,
                                      onEvent: (TrainingEvent) -> Void) throws -> TrainingResult {
        var stopper = stopper

        var finished: [EpochMetrics] = []
        for _ in 0..<epochs {
            let epochNumber = run.epochsCompleted + 1
            let before = (parameters: model.parameters, run: run)
            let metrics: EpochMetrics
            switch try runEpoch(number: epochNumber, isCancelled: isCancelled, onEvent: onEvent) {
            case let .completed(m):
                metrics = m
            case .cancelled:
                model.parameters = before.parameters
                run = before.run
                return TrainingResult(status: .interrupted, stopReason: .epochsDone, epochs: finished, divergedAt: nil)
            case let .diverged(chunk):
                return TrainingResult(status: .diverged, stopReason: .epochsDone, epochs: finished,
                                      divergedAt: (epochNumber, chunk))
            }
            run.epochsCompleted = epochNumber
            finished.append(metrics)
            onEvent(.epochFinished(metrics))
            let monitored = metrics.monitored
            let improved = monitored < run.bestLoss ?? .infinity
            if improved {
                run.bestLoss = monitored
                run.bestEpoch = epochNumber
            }
            if let k = run.splitSchedule.observe(monitored) {
                onEvent(.splitsChanged(epoch: epochNumber, from: metrics.splits, to: k))
            }
            if let newRate = run.lrSchedule?.observe(monitored, learningRate: run.optimizer.learningRate) {
                onEvent(.learningRateChanged(epoch: epochNumber, from: run.optimizer.learningRate, to: newRate))
                run.optimizer.learningRate = newRate
            }
            // After the schedules have seen the epoch: resuming from this state goes on exactly.
            let after = state
            onEvent(.epochEnded(metrics, state: after, improved: improved))
            if improved { onEvent(.newBest(after)) }
            if let until, monitored <= until {
                return TrainingResult(status: .finished, stopReason: .reachedTarget(loss: until), epochs: finished, divergedAt: nil)
            }
            if let patience = stopper?.patience,
               stopper!.observe(monitored, scheduleOnLastSplit: run.splitSchedule.isOnLastSplit) {
                return TrainingResult(status: .finished, stopReason: .earlyStopped(patience: patience), epochs: finished,
                                      divergedAt: nil)
            }
        }
        return TrainingResult(status: .finished, stopReason: .epochsDone, epochs: finished, divergedAt: nil)
    }

    private enum EpochOutcome {
        case completed(EpochMetrics)
        case cancelled
        /// At this chunk (from 1); weights and optimizer are those from before the bad step.
        case diverged(chunk: Int)
    }

    private mutating func runEpoch(number: Int, isCancelled: () -> Bool,
                                   onEvent: (TrainingEvent) -> Void) throws -> EpochOutcome {
        let start = Date()
        let splits = run.splitSchedule.current
        let learningRate = run.optimizer.learningRate
        onEvent(.epochStarted(epoch: number, splits: splits))
        let plan = memoryPlan(splits: splits)
        let ranges = TrainingData.chunkRanges(length: data.length, splits: splits)
        if plan.cachesChunks { cacheChunks(splits: splits) } else { chunks = nil }
        var state = model.zeroState
        var sumOfLosses = 0.0, count = 0
        var norms: [Double] = []
        for chunk in 0..<splits {
            if isCancelled() { return .cancelled }
            // The cut chunks, or (for data too large to hold twice) this chunk cut now.
            let (input, target, mask) = chunks.map { ($0.inputs[chunk], $0.targets[chunk], $0.masks[chunk]) }
                ?? (data.inputs.steps(ranges[chunk]), data.targets.steps(ranges[chunk]),
                    data.lossMask(data.trainMask, steps: ranges[chunk]))
            var pass: (output: Tensor, state: StackState, cache: StackCache)
            do {
                pass = try model.forward(input, state: state, mode: .training, rng: &run.noiseRandom,
                                         segmentSteps: plan.segmentSteps, isCancelled: isCancelled)
            } catch EngineError.cancelled {
                return .cancelled
            }
            state = pass.state
            // A chunk with nothing unmasked makes no step, but its state still carries on.
            if let loss = try Loss.evaluate(run.lossKind, prediction: pass.output, target: target, mask: mask) {
                var grads = model.zeroGradients()
                do {
                    try model.backward(loss.gradient, cache: &pass.cache, gradients: &grads, inputGradient: false,
                                       isCancelled: isCancelled)
                } catch EngineError.cancelled {
                    return .cancelled
                }
                let norm = Clipping.apply(run.clip, to: &grads)
                guard loss.loss.isFinite, norm.isFinite else { return .diverged(chunk: chunk + 1) }
                let good = (parameters: model.parameters, optimizer: run.optimizer)
                run.optimizer.apply(grads, to: &model.parameters)
                guard model.parameters.allSatisfy({ $0.values.allSatisfy(\.isFinite) }) else {
                    model.parameters = good.parameters
                    run.optimizer = good.optimizer
                    return .diverged(chunk: chunk + 1)
                }
                sumOfLosses += loss.sum
                count += loss.count
                norms.append(norm)
            }
            onEvent(.chunkFinished(epoch: number, chunk: chunk + 1, of: splits,
                                   runningLoss: count > 0 ? sumOfLosses / Double(count) : nil))
        }
        let validationLoss: Double?
        do {
            validationLoss = try data.validationMask.flatMap { try loss(over: $0, isCancelled: isCancelled) }
        } catch EngineError.cancelled {
            return .cancelled
        }
        return .completed(EpochMetrics(
            epoch: number, loss: count > 0 ? sumOfLosses / Double(count) : .nan, validationLoss: validationLoss,
            splits: splits, learningRate: learningRate,
            gradNormMean: norms.isEmpty ? 0 : norms.reduce(0, +) / Double(norms.count),
            gradNormMax: norms.max() ?? 0, seconds: Date().timeIntervalSince(start)))
    }

    /// The run's loss over the steps of `mask`, without training: the model runs over every whole
    /// sequence from a zero state (inference mode), in bounded chunks with the state carried.
    public func loss(over mask: Tensor, isCancelled: () -> Bool = { false }) throws -> Double? {
        var state = model.zeroState
        var rng = Random(seed: 0)            // unused: inference draws no noise
        var sumOfLosses = 0.0, count = 0
        for range in TrainingData.chunkRanges(length: data.length,
                                              splits: (data.length + Self.inferenceChunk - 1) / Self.inferenceChunk) {
            let pass = try model.forward(data.inputs.steps(range), state: state, mode: .inference, rng: &rng,
                                         isCancelled: isCancelled)
            state = pass.state
            if let loss = try Loss.evaluate(run.lossKind, prediction: pass.output, target: data.targets.steps(range),
                                            mask: data.lossMask(mask, steps: range)) {
                sumOfLosses += loss.sum
                count += loss.count
            }
        }
        return count > 0 ? sumOfLosses / Double(count) : nil
    }

    private mutating func cacheChunks(splits: Int) {
        if let chunks, chunks.splits == splits { return }
        chunks = nil                         // release the old cut before making the new one
        let ranges = TrainingData.chunkRanges(length: data.length, splits: splits)
        chunks = (splits: splits, inputs: ranges.map { data.inputs.steps($0) },
                  targets: ranges.map { data.targets.steps($0) },
                  masks: ranges.map { data.lossMask(data.trainMask, steps: $0) })
    }
}
