import Foundation
import Testing
@testable import RNNEngine

/// Agreement with `torch.nn.GRU` (fixture made by `scripts/fixtures/make_torch_fixtures.sh`): a
/// dense(tanh) → gru 32 → lstm 5 → gru 7 → dense stack, so GRU and LSTM states are carried side
/// by side and the H = 32 GRU runs the per-step kernel. Forward, final states, every weight
/// gradient and dX, from a zero and from a given initial state.
@Suite struct GRUFixtureTests {
    static let spec = ModelSpec(layers: [.dense(units: 6, activation: .tanh), .gru(units: 32), .lstm(units: 5),
                                         .gru(units: 7), .dense(units: 3, activation: .linear)])

    @Test(arguments: ["zero_state", "given_state"])
    func mixedStackMatchesPyTorch(caseName: String) throws {
        let fixture = try PyTorchFixtureTests.load(PyTorchFixtureTests.StackFixture.self,
                                                   "gru_stack_forward_backward.json")
        let c = try #require(fixture.cases.first { $0.name == caseName })
        var rng = Random(seed: 0)
        var model = try Model(spec: Self.spec, inputWidth: 4, rng: &rng)
        #expect(Set(fixture.params.keys) == Set(model.parameterNames))
        for (i, name) in model.parameterNames.enumerated() {
            let tensor = try #require(fixture.params[name]).tensor
            #expect(tensor.shape == model.parameters[i].shape, "\(name)")
            model.parameters[i] = tensor
        }
        var state = model.zeroState
        if let h = c.initial_state["layers.1.h0"] { state.layers[1] = .gru(GRUState(h: h.tensor)) }
        if let h = c.initial_state["layers.2.h0"], let cell = c.initial_state["layers.2.c0"] {
            state.layers[2] = .lstm(LSTMState(h: h.tensor, c: cell.tensor))
        }
        if let h = c.initial_state["layers.3.h0"] { state.layers[3] = .gru(GRUState(h: h.tensor)) }
        #expect(caseName == "zero_state" || state.layers.compactMap { $0 }.count == 3)

        var pass = try model.forward(fixture.x.tensor, state: state, mode: .training, rng: &rng)
        let tolerance = PyTorchFixtureTests.tolerance
        #expect(relativeError(pass.output.values, c.out.data) < tolerance)
        for layer in [1, 2, 3] {
            let final = try #require(pass.state.layers[layer])
            #expect(relativeError(final.h.values, try #require(c.final_state["layers.\(layer).h"]).data) < tolerance)
        }
        let cell = try #require(pass.state.layers[2]?.c)
        #expect(relativeError(cell.values, try #require(c.final_state["layers.2.c"]).data) < tolerance)
        #expect(pass.state.layers[1]?.c == nil)

        var grads = model.zeroGradients()
        let dX = try #require(try model.backward(fixture.dOut.tensor, cache: &pass.cache, gradients: &grads))
        for (i, name) in model.parameterNames.enumerated() {
            let error = relativeError(grads[i].values, try #require(c.grads[name]).data)
            #expect(error < tolerance, "\(caseName): gradient of \(name) differs by \(error)")
        }
        #expect(relativeError(dX.values, c.dX.data) < tolerance)
    }
}
