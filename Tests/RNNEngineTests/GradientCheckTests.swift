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
        // H = 32: the per-step products go through RecurrentKernels instead of OpenBLAS.
        Case(name: "lstm 32 (per-step kernel)", layers: [.lstm(units: 32)], withState: true, steps: 3, batch: 4),
        Case(name: "gru, zero state", layers: [.gru(units: 5)], withState: false),
        Case(name: "gru, given state", layers: [.gru(units: 3)], withState: true),
        Case(name: "gru, T = 1, B = 1", layers: [.gru(units: 3)], withState: true, steps: 1, batch: 1),
        Case(name: "gru wider than 8 lanes", layers: [.gru(units: 11)], withState: true, steps: 3, batch: 2),
        // H = 32: both per-step products (3H and H columns) go through RecurrentKernels.
        Case(name: "gru 32 (per-step kernel)", layers: [.gru(units: 32)], withState: true, steps: 3, batch: 4),
        Case(name: "lstm -> gru", layers: [.lstm(units: 4), .gru(units: 3), .dense(units: 2, activation: .linear)],
             withState: true),
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
                    state.layers[i] = .lstm(LSTMState(h: randomTensor([batch, units], seed: 30 + UInt64(i), scale: 0.5),
                                                c: randomTensor([batch, units], seed: 40 + UInt64(i))))
                }
                if case let .gru(units) = layer {
                    state.layers[i] = .gru(GRUState(h: randomTensor([batch, units], seed: 30 + UInt64(i), scale: 0.5)))
                }
            }
        }
        let noiseSeed = Random(seed: 77)
        /// The loss, and which ReLU units are active (a difference across a kink is no derivative).
        func evaluate(_ m: Model, _ input: Tensor) throws -> (loss: Double, active: [Bool]) {
            var rng = noiseSeed
            let pass = try m.forward(input, state: state, mode: .training, rng: &rng)
            var active: [Bool] = []
            for (layer, cache) in zip(c.layers, pass.cache.layers) {
                if case .dense(_, .relu) = layer, case let .dense(d) = cache, case let .active(mask) = d.derivative {
                    active += mask.map { $0 != 0 }
                }
            }
            return (dot(pass.output, dOut), active)
        }

        var rng = noiseSeed
        var (_, _, cache) = try model.forward(x, state: state, mode: .training, rng: &rng)
        var grads = model.zeroGradients()
        let dX = try #require(try model.backward(dOut, cache: &cache, gradients: &grads))

        let eps: Float = 1e-2
        var checked = 0, skipped = 0
        func check(_ analytic: Float, _ plus: (loss: Double, active: [Bool]), _ minus: (loss: Double, active: [Bool]),
                   _ what: String) {
            guard plus.active == minus.active else { skipped += 1; return }
            checked += 1
            let numeric = (plus.loss - minus.loss) / (2 * Double(eps))
            let ok = abs(Double(analytic) - numeric) <= 1e-3 + 2e-2 * abs(numeric)
            #expect(ok, "\(c.name): \(what): analytic \(analytic) vs numeric \(numeric)")
        }
        for p in model.parameters.indices {
            for i in model.parameters[p].values.indices {
                var plus = model, minus = model
                plus.parameters[p].values[i] += eps
                minus.parameters[p].values[i] -= eps
                check(grads[p].values[i], try evaluate(plus, x), try evaluate(minus, x), "\(model.parameterNames[p])[\(i)]")
            }
        }
        for i in x.values.indices {
            var plus = x, minus = x
            plus.values[i] += eps
            minus.values[i] -= eps
            check(dX.values[i], try evaluate(model, plus), try evaluate(model, minus), "input[\(i)]")
        }
        #expect(skipped * 4 <= checked, "\(c.name): \(skipped) of \(checked + skipped) elements straddle a ReLU kink")
    }
}
