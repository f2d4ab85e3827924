import Foundation
import Testing
@testable import RNNEngine

/// Agreement with PyTorch (fixtures made by `scripts/fixtures/make_torch_fixtures.sh`):
/// a dense(tanh) → lstm → lstm → dense stack, forward, final states, weight and input gradients.
@Suite struct PyTorchFixtureTests {
    struct StackFixture: Decodable {
        struct Case: Decodable {
            let name: String
            let initial_state: [String: FixtureTensor]
            let out: FixtureTensor
            let final_state: [String: FixtureTensor]
            let grads: [String: FixtureTensor]
            let dX: FixtureTensor
        }
        let params: [String: FixtureTensor]
        let x: FixtureTensor
        let dOut: FixtureTensor
        let cases: [Case]
    }

    struct SGDFixture: Decodable {
        struct Run: Decodable {
            let lr: Double
            let momentum: Double
            let nesterov: Bool
            let steps: Int
            let losses: [Double]
            let params_after: [String: FixtureTensor]
        }
        let params: [String: FixtureTensor]
        let x: FixtureTensor
        let target: FixtureTensor
        let runs: [Run]
    }

    static let spec = ModelSpec(layers: [.dense(units: 6, activation: .tanh), .lstm(units: 5), .lstm(units: 7),
                                         .dense(units: 3, activation: .linear)])

    static func model(with params: [String: FixtureTensor]) throws -> Model {
        var rng = Random(seed: 0)
        var model = try Model(spec: spec, inputWidth: 4, rng: &rng)
        #expect(Set(params.keys) == Set(model.parameterNames))
        for (i, name) in model.parameterNames.enumerated() {
            let tensor = try #require(params[name]).tensor
            #expect(tensor.shape == model.parameters[i].shape, "\(name)")
            model.parameters[i] = tensor
        }
        return model
    }

    static func load<T: Decodable>(_ type: T.Type, _ file: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: fixtureURL(file)))
    }

    static let tolerance = 1e-4

    @Test(arguments: ["zero_state", "given_state"])
    func stackMatchesPyTorch(caseName: String) throws {
        let fixture = try Self.load(StackFixture.self, "stack_forward_backward.json")
        let c = try #require(fixture.cases.first { $0.name == caseName })
        let model = try Self.model(with: fixture.params)
        var state = model.zeroState
        for layer in [1, 2] {
            if let h = c.initial_state["layers.\(layer).h0"], let cell = c.initial_state["layers.\(layer).c0"] {
                state.layers[layer] = .lstm(LSTMState(h: h.tensor, c: cell.tensor))
            }
        }
        #expect(caseName == "zero_state" || state.layers[1] != nil)
        var rng = Random(seed: 0)
        var pass = try model.forward(fixture.x.tensor, state: state, mode: .training, rng: &rng)
        #expect(relativeError(pass.output.values, c.out.data) < Self.tolerance)
        for layer in [1, 2] {
            let final = try #require(pass.state.layers[layer])
            #expect(relativeError(final.h.values, try #require(c.final_state["layers.\(layer).h"]).data) < Self.tolerance)
            #expect(relativeError(try #require(final.c).values, try #require(c.final_state["layers.\(layer).c"]).data) < Self.tolerance)
        }
        var grads = model.zeroGradients()
        let dX = try #require(try model.backward(fixture.dOut.tensor, cache: &pass.cache, gradients: &grads))
        for (i, name) in model.parameterNames.enumerated() {
            let expected = try #require(c.grads[name])
            let error = relativeError(grads[i].values, expected.data)
            #expect(error < Self.tolerance, "\(caseName): gradient of \(name) differs by \(error)")
        }
        #expect(relativeError(dX.values, c.dX.data) < Self.tolerance)
    }

    /// Three steps of plain, momentum and Nesterov SGD equal `torch.optim.SGD` (whose momentum
    /// buffer is Keras' velocity divided by −lr: the same rule at a constant learning rate).
    @Test func sgdMatchesTorchOptimSGD() throws {
        let fixture = try Self.load(SGDFixture.self, "sgd_steps.json")
        #expect(fixture.runs.count == 3)
        for run in fixture.runs {
            var model = try Self.model(with: fixture.params)
            var config = OptimizerConfig(kind: .sgd)
            config.learningRate = run.lr
            config.momentum = run.momentum
            config.nesterov = run.nesterov
            var optimizer = try Optimizer(config: config, parameters: model.parameters)
            for step in 0..<run.steps {
                var rng = Random(seed: 0)
                var pass = try model.forward(fixture.x.tensor, state: model.zeroState, mode: .training, rng: &rng)
                let loss = try #require(try MeanSquaredError.evaluate(prediction: pass.output,
                                                                      target: fixture.target.tensor, mask: nil))
                #expect(abs(loss.loss - run.losses[step]) <= Self.tolerance * abs(run.losses[step]))
                var grads = model.zeroGradients()
                _ = try model.backward(loss.gradient, cache: &pass.cache, gradients: &grads)
                optimizer.apply(grads, to: &model.parameters)
            }
            for (i, name) in model.parameterNames.enumerated() {
                let expected = try #require(run.params_after[name])
                let error = relativeError(model.parameters[i].values, expected.data)
                #expect(error < Self.tolerance, "momentum \(run.momentum) nesterov \(run.nesterov): \(name) differs by \(error)")
            }
        }
    }
}
