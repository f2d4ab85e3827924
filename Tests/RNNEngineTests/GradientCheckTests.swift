import Testing
@testable import RNNEngine

/// Central-difference checks: loss = Σ out·dOut, every parameter element and every input element.
@Suite struct GradientCheckTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let layers: [LayerSpec]
        let withState: Bool
        var steps = 5, batch = 3
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "dense linear", layers: [.dense(units: 4, activation: .linear)], withState: false),
        Case(name: "dense relu", layers: [.dense(units: 5, activation: .relu)], withState: false),
        Case(name: "dense tanh", layers: [.dense(units: 4, activation: .tanh)], withState: false),
        Case(name: "dense sigmoid", layers: [.dense(units: 4, activation: .sigmoid)], withState: false),
        Case(name: "lstm, zero state", layers: [.lstm(units: 5)], withState: false),
        Case(name: "lstm, given state", layers: [.lstm(units: 3)], withState: true),
        Case(name: "lstm, T = 1, B = 1", layers: [.lstm(units: 3)], withState: true, steps: 1, batch: 1),
        Case(name: "lstm wider than 8 lanes", layers: [.lstm(units: 11)], withState: true, steps: 3, batch: 2),
        Case(name: "noise", layers: [.dense(units: 4, activation: .tanh), .noise(std: 0.5),
                                     .dense(units: 2, activation: .linear)], withState: false),
        Case(name: "dropout", layers: [.dense(units: 6, activation: .tanh), .dropout(rate: 0.4),
                                       .dense(units: 2, activation: .linear)], withState: false),
        Case(name: "stack", layers: [.dense(units: 5, activation: .relu), .noise(std: 0.1), .lstm(units: 4),
                                     .dropout(rate: 0.2), .lstm(units: 3), .dense(units: 2, activation: .linear)],
             withState: true),
    ]

    @Test(arguments: cases)
    func analyticGradientsMatchCentralDifferences(_ c: Case) throws {
        let (steps, batch, inputWidth) = (c.steps, c.batch, 3)
        var initRng = Random(seed: 11)
        var model = try Model(spec: ModelSpec(layers: c.layers), inputWidth: inputWidth, rng: &initRng)
        // Nonzero biases everywhere, so every term of the gradient is exercised.
        for p in model.parameters.indices {
            let jitter = randomTensor(model.parameters[p].shape, seed: 100 + UInt64(p), scale: 0.3)
            for i in jitter.values.indices { model.parameters[p].values[i] += jitter.values[i] }
        }
        let x = randomTensor([steps, batch, inputWidth], seed: 21)
        let dOut = randomTensor([steps, batch, model.outputWidth], seed: 22)
        var state = model.zeroState
        if c.withState {
            for (i, layer) in c.layers.enumerated() {
                if case let .lstm(units) = layer {
                    state.layers[i] = LSTMState(h: randomTensor([batch, units], seed: 30 + UInt64(i), scale: 0.5),
                                                c: randomTensor([batch, units], seed: 40 + UInt64(i)))
                }
            }
        }
        let noiseSeed = Random(seed: 77)
        func loss(_ m: Model, _ input: Tensor) throws -> Double {
            var rng = noiseSeed
            return dot(try m.forward(input, state: state, mode: .training, rng: &rng).output, dOut)
        }

        var rng = noiseSeed
        var (_, _, cache) = try model.forward(x, state: state, mode: .training, rng: &rng)
        var grads = model.zeroGradients()
        let dX = try model.backward(dOut, cache: &cache, gradients: &grads)

        // ReLU's kink: a smaller step keeps the differences on one side of it.
        let eps: Float = c.layers.contains(.dense(units: 5, activation: .relu)) ? 1e-3 : 1e-2
        func expectClose(_ analytic: Float, _ numeric: Double, _ what: String) {
            let ok = abs(Double(analytic) - numeric) <= 1e-3 + 2e-2 * abs(numeric)
            #expect(ok, "\(c.name): \(what): analytic \(analytic) vs numeric \(numeric)")
        }
        for p in model.parameters.indices {
            for i in model.parameters[p].values.indices {
                var plus = model, minus = model
                plus.parameters[p].values[i] += eps
                minus.parameters[p].values[i] -= eps
                let numeric = (try loss(plus, x) - loss(minus, x)) / (2 * Double(eps))
                expectClose(grads[p].values[i], numeric, "\(model.parameterNames[p])[\(i)]")
            }
        }
        for i in x.values.indices {
            var plus = x, minus = x
            plus.values[i] += eps
            minus.values[i] -= eps
            let numeric = (try loss(model, plus) - loss(model, minus)) / (2 * Double(eps))
            expectClose(dX.values[i], numeric, "input[\(i)]")
        }
    }
}
