import Foundation
import RNNData
import RNNEngine
import Testing
@testable import RNNTraining

@Suite struct TrainerTests {
    /// One epoch at K = 4 equals four chunk steps done by hand with the engine.
    @Test func oneEpochEqualsFourHandMadeChunkSteps() throws {
        let data = try sampleData(length: 30)
        let start = try newRun(splits: SplitSchedule(splits: [4]))
        var trainer = try Trainer(state: start, data: data)
        let result = try trainer.train(epochs: 1)
        #expect(result.status == .finished && result.epochs.count == 1)

        var model = try start.model()
        var optimizer = start.optimizer
        var rng = start.noiseRandom
        var state = model.zeroState
        var sum = 0.0, count = 0
        for range in [0..<7, 7..<15, 15..<22, 22..<30] {            // ⌊i·30/4⌋
            var pass = try model.forward(data.inputs.steps(range), state: state, mode: .training, rng: &rng)
            let loss = try #require(try MeanSquaredError.evaluate(prediction: pass.output, target: data.targets.steps(range),
                                                                  mask: nil))
            var grads = model.zeroGradients()
            _ = try model.backward(loss.gradient, cache: &pass.cache, gradients: &grads)
            Clipping.apply(.norm(1), to: &grads)
            optimizer.apply(grads, to: &model.parameters)
            state = pass.state
            sum += loss.sumOfSquares
            count += loss.count
        }
        let sameWeights = trainer.currentModel.parameters == model.parameters
        let sameOptimizer = trainer.state.optimizer == optimizer
        #expect(sameWeights && sameOptimizer)
        #expect(result.epochs[0].loss == sum / Double(count))
        #expect(result.epochs[0].splits == 4)
    }

    @Test func trainingLowersTheLoss() throws {
        var trainer = try Trainer(state: try newRun(lr: 0.01, splits: SplitSchedule(splits: [3])), data: try sampleData())
        let result = try trainer.train(epochs: 30)
        #expect(result.epochs.count == 30)
        #expect(result.epochs.last!.loss < 0.5 * result.epochs.first!.loss)
        #expect(trainer.state.epochsCompleted == 30)
        #expect(result.epochs.map(\.epoch) == Array(1...30))
    }

    /// N epochs straight equal k epochs, serialise, restore in a fresh trainer, N − k more —
    /// bit for bit, mid-schedule, with noise layers, clipping and an LR schedule.
    @Test(arguments: [1, 4, 7])
    func resumeThroughBytesIsExact(k: Int) throws {
        let data = try sampleData(validationTail: 10)
        let start = try newRun(splits: SplitSchedule(splits: [6, 3, 2, 1], patience: 2),
                               lrSchedule: LRPlateau(factor: 0.5, patience: 2, minDelta: 0))
        var straight = try Trainer(state: start, data: data)
        let all = try straight.train(epochs: 10)

        var first = try Trainer(state: start, data: data)
        let head = try first.train(epochs: k)
        let bytes = try first.state.serialized()
        var second = try Trainer(state: try RunState.deserialized(bytes), data: data)
        let tail = try second.train(epochs: 10 - k)

        let sameWeights = second.state.parameters == straight.state.parameters
        let sameState = second.state == straight.state
        #expect(sameWeights && sameState)
        let losses = (head.epochs + tail.epochs).map(\.loss)
        #expect(losses == all.epochs.map(\.loss))
        #expect(Set(all.epochs.map(\.splits)).count > 1, "the schedule should move within 10 epochs")
    }

    /// An absurd learning rate: the run is `diverged` at the chunk whose step went bad, and its
    /// weights and optimizer are exactly those from before that step (replayed here by hand).
    @Test func absurdLearningRateDivergesAndKeepsTheLastGoodWeights() throws {
        let data = try sampleData(length: 20)
        let start = try newRun(optimizer: .sgd, lr: 1e30, clip: .off, splits: SplitSchedule(splits: [5]))
        var trainer = try Trainer(state: start, data: data)
        let result = try trainer.train(epochs: 4)
        #expect(result.status == .diverged)
        let at = try #require(result.divergedAt)

        var model = try start.model()
        var optimizer = start.optimizer
        var rng = start.noiseRandom
        var expectedAt: (epoch: Int, chunk: Int)?
        replay: for epoch in 1...4 {
            var state = model.zeroState
            for (chunk, range) in TrainingData.chunkRanges(length: 20, splits: 5).enumerated() {
                var pass = try model.forward(data.inputs.steps(range), state: state, mode: .training, rng: &rng)
                state = pass.state
                let loss = try #require(try MeanSquaredError.evaluate(prediction: pass.output,
                                                                      target: data.targets.steps(range), mask: nil))
                var grads = model.zeroGradients()
                _ = try model.backward(loss.gradient, cache: &pass.cache, gradients: &grads)
                var next = model.parameters, nextOptimizer = optimizer
                nextOptimizer.apply(grads, to: &next)
                let bad = !loss.loss.isFinite || !Clipping.globalNorm(grads).isFinite
                    || !next.allSatisfy { $0.values.allSatisfy(\.isFinite) }
                if bad {
                    expectedAt = (epoch, chunk + 1)
                    break replay
                }
                model.parameters = next
                optimizer = nextOptimizer
            }
        }
        #expect(at.epoch == expectedAt?.epoch && at.chunk == expectedAt?.chunk)
        let sameWeights = trainer.state.parameters == model.parameters
        let sameOptimizer = trainer.state.optimizer == optimizer
        #expect(sameWeights && sameOptimizer)
        #expect(trainer.state.parameters.allSatisfy { $0.values.allSatisfy(\.isFinite) })
        #expect(trainer.state.epochsCompleted == at.epoch - 1)
    }

    @Test func cancellationRollsBackToTheLastCompletedEpoch() throws {
        let data = try sampleData()
        let start = try newRun(splits: SplitSchedule(splits: [4]))
        var reference = try Trainer(state: start, data: data)
        _ = try reference.train(epochs: 2)

        var trainer = try Trainer(state: start, data: data)
        var chunksSeen = 0
        let result = try trainer.train(epochs: 5, isCancelled: { chunksSeen >= 10 }, onEvent: { event in
            if case .chunkFinished = event { chunksSeen += 1 }
        })
        #expect(result.status == .interrupted)
        #expect(result.epochs.count == 2)                       // epochs 1–2 done, 3 cut at chunk 3
        let rolledBack = trainer.state == reference.state    // weights, optimizer, noise stream, schedule
        #expect(rolledBack)
    }

    @Test func untilAndEarlyStopEndARunEarly() throws {
        var trainer = try Trainer(state: try newRun(lr: 0.01, splits: SplitSchedule(splits: [3])), data: try sampleData())
        let first = try trainer.train(epochs: 1)
        let target = first.epochs[0].loss * 0.9
        let result = try trainer.train(epochs: 100, until: target)
        #expect(result.stopReason == .reachedTarget(loss: target))
        #expect(result.epochs.last!.loss <= target && result.epochs.count < 100)

        var stalled = try Trainer(state: try newRun(optimizer: .sgd, lr: 1e-12, splits: SplitSchedule(splits: [2])),
                                  data: try sampleData())
        let stopped = try stalled.train(epochs: 50, earlyStop: 3)
        #expect(stopped.stopReason == .earlyStopped(patience: 3))
        #expect(stopped.epochs.count < 50)
    }

    @Test func validationLossIsReportedAndMonitored() throws {
        var trainer = try Trainer(state: try newRun(lr: 0.01, splits: SplitSchedule(splits: [2])),
                                  data: try sampleData(validationTail: 12))
        let result = try trainer.train(epochs: 3)
        let losses = result.epochs.compactMap(\.validationLoss)
        #expect(losses.count == 3)
        #expect(result.epochs.allSatisfy { $0.monitored == $0.validationLoss })
        #expect(Set(losses).count == 3)
    }

    @Test func badRequestsAreErrorsThatChangeNothing() throws {
        let data = try sampleData(length: 20)
        let start = try newRun(splits: SplitSchedule(splits: [50, 1]))
        var trainer = try Trainer(state: start, data: data)
        #expect(trainingError(&trainer, epochs: 1) == .splitsExceedLength(splits: 50, length: 20))
        #expect(trainingError(&trainer, epochs: 0) == .invalidSetting("epochs must be at least 1 (found 0)"))
        let unchanged = trainer.state == start
        #expect(unchanged)
        let wide = try TrainingData(inputs: randomTensor([20, 3, 4], seed: 1), targets: Tensor(zeros: [20, 3, 3]),
                                    trainMask: Tensor(zeros: [20, 3]))
        #expect(throws: TrainingError.self) { try Trainer(state: start, data: wide) }
        let masked = try TrainingData(inputs: randomTensor([20, 3, 4], seed: 1), targets: Tensor(zeros: [20, 3, 2]),
                                      trainMask: Tensor(zeros: [20, 3]))
        var idle = try Trainer(state: try newRun(), data: masked)
        #expect(trainingError(&idle, epochs: 1) == .nothingToTrain)
    }

    /// Padded steps (mask 0) change neither the loss nor the weights, whatever their values.
    @Test func paddedStepsChangeNothing() throws {
        var data = try sampleData(length: 24)
        for t in 18..<24 { data.trainMask.values[t * 3 + 2] = 0 }          // sequence 3 ends at step 18
        var altered = data
        for t in 18..<24 {
            for j in 0..<2 { altered.targets.values[(t * 3 + 2) * 2 + j] = 1000 }
        }
        let start = try newRun(splits: SplitSchedule(splits: [4]))
        var a = try Trainer(state: start, data: data), b = try Trainer(state: start, data: altered)
        let ra = try a.train(epochs: 2), rb = try b.train(epochs: 2)
        #expect(ra.epochs.map(\.loss) == rb.epochs.map(\.loss))
        let sameWeights = a.state.parameters == b.state.parameters
        #expect(sameWeights)
    }
}

/// The error a `train` call throws, if any.
func trainingError(_ trainer: inout Trainer, epochs: Int) -> TrainingError? {
    do {
        _ = try trainer.train(epochs: epochs)
        return nil
    } catch let error as TrainingError {
        return error
    } catch {
        return nil
    }
}

/// The article's pipeline end to end at a tiny size: generated data, deltas, Q targets,
/// validation, the seed model; the run state carries the data settings and regenerates them.
@Suite struct PipelineTests {
    @Test func seedExperimentTrainsAndItsStateRegeneratesTheData() throws {
        var options = SineOptions()
        options.sequences = 3
        options.length = 120
        let settings = DataSettings(data: .sine(options, seed: 5), features: FeatureSpec(window: 16, scale: .zscore),
                                    targets: .q(gamma: 0.9, actions: [.buy, .sell]), validation: ValidationSpec(tail: 0.2),
                                    featureStats: nil)
        let prepared = try Preparation.prepare(try Series.load(settings.data), features: settings.features,
                                               targets: settings.targets, validation: settings.validation)
        var fitted = settings
        fitted.featureStats = prepared.featureStats
        var rng = Random(masterSeed: 5, purpose: .initialization)
        let model = try Model(spec: .seed(outputWidth: 2), inputWidth: 16, rng: &rng)
        let start = try RunState(runName: "seed", masterSeed: 5, model: model, optimizer: OptimizerConfig(kind: .adam),
                                 clip: .norm(1), splitSchedule: SplitSchedule(splits: [4, 1], patience: 2), threads: 1,
                                 dataSettings: fitted)
        var trainer = try Trainer(state: start, data: try TrainingData(prepared))
        let result = try trainer.train(epochs: 3)
        #expect(result.status == .finished)
        #expect(result.epochs.allSatisfy { $0.loss.isFinite && $0.validationLoss?.isFinite == true })

        let restored = try RunState.deserialized(try trainer.state.serialized())
        let regenerated = try #require(restored.dataSettings).prepare()
        let same = regenerated == (try TrainingData(prepared))
        #expect(same)
    }
}

@Suite struct LossKindTrainingTests {
    /// One epoch with MAE or Huber equals one whole-sequence step done by hand with that loss;
    /// the validation loss is in the same loss.
    @Test(arguments: [LossKind.mae, .huber(delta: 0.3)])
    func anEpochTrainsOnTheChosenLoss(kind: LossKind) throws {
        let data = try sampleData(length: 20, validationTail: 5)
        var start = try newRun()
        start.lossKind = kind
        var trainer = try Trainer(state: start, data: data)
        let result = try trainer.train(epochs: 1)
        // By hand, at the run's thread count (the products' rounding depends on it).
        try Threads.withCount(1) {
            var model = try start.model()
            var optimizer = start.optimizer
            var rng = start.noiseRandom
            var pass = try model.forward(data.inputs, state: model.zeroState, mode: .training, rng: &rng)
            let loss = try #require(try Loss.evaluate(kind, prediction: pass.output, target: data.targets, mask: data.trainMask))
            var grads = model.zeroGradients()
            _ = try model.backward(loss.gradient, cache: &pass.cache, gradients: &grads)
            Clipping.apply(.norm(1), to: &grads)
            optimizer.apply(grads, to: &model.parameters)
            #expect(result.epochs[0].loss == loss.loss)
            #expect(trainer.currentModel.parameters == model.parameters)
            let mseLoss = try #require(try Loss.evaluate(.mse, prediction: pass.output, target: data.targets, mask: data.trainMask))
            #expect(loss.loss != mseLoss.loss)
            var inference = Random(seed: 0)
            let after = try model.forward(data.inputs, state: model.zeroState, mode: .inference, rng: &inference)
            let validation = try #require(try Loss.evaluate(kind, prediction: after.output, target: data.targets,
                                                            mask: data.validationMask))
            #expect(abs(try #require(result.epochs[0].validationLoss) - validation.loss) < 1e-12)
        }
    }

    /// The loss kind travels with the state; a state without one (written before) reads as mse.
    @Test func lossKindSurvivesSerialisationAndOldStatesReadAsMSE() throws {
        var trainer = try Trainer(state: try newRun(), data: try sampleData(length: 12))
        _ = try trainer.train(epochs: 1)
        var state = trainer.state
        let mseBytes = try state.serialized()
        #expect(!String(decoding: mseBytes, as: UTF8.self).contains("lossFunction"))
        #expect(try RunState.deserialized(mseBytes).lossKind == .mse)
        state.lossKind = .huber(delta: 2)
        #expect(try RunState.deserialized(try state.serialized()).lossKind == .huber(delta: 2))
        #expect(throws: EngineError.invalidHyperparameter(name: "delta", value: -1, expected: "a finite number > 0")) {
            var rng = Random(seed: 0)
            _ = try RunState(runName: "x", masterSeed: 0, model: try Model(spec: smallSpec, inputWidth: 4, rng: &rng),
                             optimizer: OptimizerConfig(kind: .adam), splitSchedule: try SplitSchedule(splits: [1]),
                             loss: .huber(delta: -1))
        }
    }
}
