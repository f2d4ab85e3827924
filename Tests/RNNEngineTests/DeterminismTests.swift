import Testing
@testable import RNNEngine

/// Same seed → the same weights after training steps, bit for bit, for 1 and 2 threads.
/// `Threads.withCount` keeps other tests from changing the count in the middle of a run.
@Suite(.serialized) struct DeterminismTests {
    /// A few Adam steps with clipping on a stack with noise and dropout; returns the final weights.
    static func train(threads: Int) throws -> [Tensor] {
        try Threads.withCount(threads) { try trainSteps() }
    }

    static func trainSteps() throws -> [Tensor] {
        var initRng = Random(masterSeed: 3, purpose: .initialization)
        var noise = Random(masterSeed: 3, purpose: .noise)
        var model = try Model(spec: ModelSpec(layers: [.dense(units: 32, activation: .relu), .noise(std: 0.1),
                                                       .lstm(units: 64), .dropout(rate: 0.1), .lstm(units: 32), .gru(units: 32),
                                                       .dense(units: 2, activation: .linear)]),
                              inputWidth: 16, rng: &initRng)
        var optimizer = try Optimizer(config: OptimizerConfig(kind: .adam), parameters: model.parameters)
        let x = randomTensor([200, 15, 16], seed: 1)
        let target = randomTensor([200, 15, 2], seed: 2, scale: 0.1)
        var state = model.zeroState
        for chunk in 0..<4 {
            let range = (chunk * 50)..<((chunk + 1) * 50)
            var pass = try model.forward(x.steps(range), state: state, mode: .training, rng: &noise)
            let loss = try #require(try MeanSquaredError.evaluate(prediction: pass.output, target: target.steps(range), mask: nil))
            var grads = model.zeroGradients()
            _ = try model.backward(loss.gradient, cache: &pass.cache, gradients: &grads)
            Clipping.apply(.norm(1), to: &grads)
            optimizer.apply(grads, to: &model.parameters)
            state = pass.state
        }
        return model.parameters
    }

    @Test func bitIdenticalForTheSameThreadCount() throws {
        for threads in [1, 2] {
            let first = try Self.train(threads: threads)
            let second = try Self.train(threads: threads)
            #expect(first == second, "\(threads) thread(s): two runs differ")
            #expect(first.allSatisfy { $0.values.allSatisfy(\.isFinite) })
        }
    }

    @Test func threadCountIsChecked() {
        #expect(throws: EngineError.invalidThreadCount(0)) { try Threads.set(0) }
        #expect(throws: EngineError.invalidThreadCount(1000)) { try Threads.set(1000) }
    }
}
