import Testing
@testable import RNNEngine

@Suite struct ModelTests {
    @Test func seedModelHasTheArticlesShapeAndParameterCount() throws {
        let spec = ModelSpec.seed(outputWidth: 2)
        #expect(spec.text == "dense 64 relu -> noise 0.1 -> dense 64 relu -> noise 0.1 -> lstm 64 -> noise 0.1 -> lstm 64 -> dense 2 linear")
        let summary = spec.summary(inputWidth: 128)
        // dense 128→64, dense 64→64, two LSTMs with 8H biases each, dense 64→2.
        let lstm = 4 * 64 * 64 + 4 * 64 * 64 + 8 * 64
        #expect(summary.rows.map(\.parameters) == [128 * 64 + 64, 0, 64 * 64 + 64, 0, lstm, 0, lstm, 64 * 2 + 2])
        #expect(summary.rows.last?.outputShape == [nil, nil, 2])
        var rng = Random(seed: 1)
        let model = try Model(spec: spec, inputWidth: 128, rng: &rng)
        #expect(model.parameterCount == summary.totalParameters)
        #expect(model.parameterNames.prefix(2) == ["layers.0.weight", "layers.0.bias"])
        #expect(model.parameterNames.contains("layers.6.weight_hh"))
    }

    @Test func initialisationFollowsKeras() throws {
        var rng = Random(seed: 3)
        let model = try Model(spec: ModelSpec(layers: [.dense(units: 16, activation: .relu), .lstm(units: 8)]),
                              inputWidth: 10, rng: &rng)
        let weight = model.parameters[0].values
        let limit = Float((6.0 / 26.0).squareRoot())
        #expect(weight.allSatisfy { abs($0) <= limit })
        #expect(weight.map { abs($0) }.max()! > limit * 0.9)       // actually spread over the range
        #expect(model.parameters[1].values.allSatisfy { $0 == 0 })
        // Recurrent kernel [4H, H]: orthonormal columns.
        let whh = model.parameters[3]
        let (rows, cols) = (whh.shape[0], whh.shape[1])
        for i in 0..<cols {
            for j in 0..<cols {
                var sum = 0.0
                for r in 0..<rows { sum += Double(whh.values[r * cols + i]) * Double(whh.values[r * cols + j]) }
                #expect(abs(sum - (i == j ? 1 : 0)) < 1e-5)
            }
        }
        // bias_ih: ones on the forget gate's slice only; bias_hh zero.
        let biasIH = model.parameters[4].values
        #expect(biasIH == (0..<32).map { (8..<16).contains($0) ? 1 : 0 })
        #expect(model.parameters[5].values.allSatisfy { $0 == 0 })
    }

    @Test func sameSeedSameWeightsOtherSeedOtherWeights() throws {
        let spec = ModelSpec.seed(outputWidth: 2)
        var a = Random(masterSeed: 7, purpose: .initialization)
        var b = Random(masterSeed: 7, purpose: .initialization)
        var c = Random(masterSeed: 8, purpose: .initialization)
        let first = try Model(spec: spec, inputWidth: 12, rng: &a)
        #expect(first == (try Model(spec: spec, inputWidth: 12, rng: &b)))
        #expect(first != (try Model(spec: spec, inputWidth: 12, rng: &c)))
    }

    struct BadSpec: Sendable, CustomStringConvertible {
        let layers: [LayerSpec]
        let inputWidth: Int
        let expected: EngineError
        var description: String { expected.description }
    }

    @Test(arguments: [
        BadSpec(layers: [.dense(units: 0, activation: .relu)], inputWidth: 4,
                expected: .invalidLayer(index: 0, kind: "dense", reason: "width must be at least 1 (found 0)")),
        BadSpec(layers: [.dense(units: 4, activation: .relu), .lstm(units: -3)], inputWidth: 4,
                expected: .invalidLayer(index: 1, kind: "lstm", reason: "width must be at least 1 (found -3)")),
        BadSpec(layers: [.lstm(units: 1_000_000_000)], inputWidth: 4,
                expected: .invalidLayer(index: 0, kind: "lstm", reason: "width 1000000000 exceeds the limit of 65536")),
        BadSpec(layers: [.dense(units: 60_000, activation: .relu), .dense(units: 60_000, activation: .relu)],
                inputWidth: 4, expected: .tooLarge(what: "parameter count of the model", limit: ModelSpec.maxParameters)),
        BadSpec(layers: [.dropout(rate: 1)], inputWidth: 4,
                expected: .invalidLayer(index: 0, kind: "dropout", reason: "rate must be in [0, 1) (found 1.0)")),
        BadSpec(layers: [.noise(std: -Double.infinity)], inputWidth: 4,
                expected: .invalidLayer(index: 0, kind: "noise", reason: "standard deviation must be finite and ≥ 0 (found -inf)")),
        BadSpec(layers: [.lstm(units: 4)], inputWidth: 0, expected: .invalidInputWidth(0)),
        BadSpec(layers: [], inputWidth: 3,
                expected: .invalidLayer(index: 0, kind: "model", reason: "a model needs at least one layer")),
    ])
    func badSpecsAreRefusedBeforeAllocating(_ c: BadSpec) {
        var rng = Random(seed: 0)
        #expect(throws: c.expected) { try Model(spec: ModelSpec(layers: c.layers), inputWidth: c.inputWidth, rng: &rng) }
    }

    @Test func wrongInputAndStateShapesAreErrors() throws {
        var rng = Random(seed: 0)
        let model = try Model(spec: ModelSpec(layers: [.lstm(units: 3)]), inputWidth: 2, rng: &rng)
        #expect(throws: EngineError.shapeMismatch(tensor: "input", expected: [4, 1, 2], found: [4, 1, 5])) {
            try model.forward(Tensor(zeros: [4, 1, 5]), state: model.zeroState, mode: .inference, rng: &rng)
        }
        let badState = StackState(layers: [.lstm(LSTMState.zeros(batch: 2, hidden: 3))])
        #expect(throws: EngineError.shapeMismatch(tensor: "layers.0.h", expected: [1, 3], found: [2, 3])) {
            try model.forward(Tensor(zeros: [4, 1, 2]), state: badState, mode: .inference, rng: &rng)
        }
    }

    /// Forward over K chunks with the state carried equals one forward over the whole sequence.
    @Test(arguments: [1, 3, 10], [LayerSpec.lstm(units: 9), .gru(units: 9), .gru(units: 32)])
    func chunkedForwardEqualsWholeSequence(chunks: Int, second: LayerSpec) throws {
        var rng = Random(seed: 4)
        let model = try Model(spec: ModelSpec(layers: [.dense(units: 6, activation: .tanh), .lstm(units: 5),
                                                       second, .dense(units: 2, activation: .linear)]),
                              inputWidth: 3, rng: &rng)
        let length = 23                              // not divisible by 3 or 10
        let x = randomTensor([length, 4, 3], seed: 9)
        let whole = try model.forward(x, state: model.zeroState, mode: .inference, rng: &rng)
        var state = model.zeroState
        var parts: [Tensor] = []
        for i in 0..<chunks {
            let range = (i * length / chunks)..<((i + 1) * length / chunks)
            let part = try model.forward(x.steps(range), state: state, mode: .inference, rng: &rng)
            parts.append(part.output)
            state = part.state
        }
        #expect(relativeError(Tensor.concatenatingSteps(parts).values, whole.output.values) < 1e-6)
        #expect(state == whole.state || zip(state.layers, whole.state.layers).allSatisfy { a, b in
            relativeError(a!.h.values, b!.h.values) < 1e-6
                && relativeError(a!.c?.values ?? [], b!.c?.values ?? []) < 1e-6
        })
        if case .gru = second { #expect(whole.state.layers[2]?.c == nil && whole.state.layers[2]?.h.shape == [4, second.outputWidth(inputWidth: 5)]) }
    }

    @Test func cancellationStopsALongChunk() throws {
        var rng = Random(seed: 0)
        let model = try Model(spec: ModelSpec(layers: [.lstm(units: 4)]), inputWidth: 2, rng: &rng)
        var polls = 0
        #expect(throws: EngineError.cancelled) {
            try model.forward(Tensor(zeros: [2_000, 1, 2]), state: model.zeroState, mode: .inference, rng: &rng,
                              isCancelled: { polls += 1; return polls >= 2 })
        }
        #expect(polls == 2)
    }
}

@Suite struct InputGradientTests {
    /// Training asks for no input gradient: the parameter gradients are the same, and no dX is made.
    @Test func skippingTheInputGradientLeavesParameterGradientsUnchanged() throws {
        var rng = Random(seed: 2)
        let model = try Model(spec: ModelSpec(layers: [.noise(std: 0.1), .dense(units: 5, activation: .relu),
                                                       .lstm(units: 4), .dense(units: 2, activation: .linear)]),
                              inputWidth: 3, rng: &rng)
        let x = randomTensor([7, 2, 3], seed: 1), dOut = randomTensor([7, 2, 2], seed: 2)
        var withRng = Random(seed: 9), withoutRng = Random(seed: 9)
        var a = try model.forward(x, state: model.zeroState, mode: .training, rng: &withRng)
        var b = try model.forward(x, state: model.zeroState, mode: .training, rng: &withoutRng)
        var gradsA = model.zeroGradients(), gradsB = model.zeroGradients()
        let dX = try model.backward(dOut, cache: &a.cache, gradients: &gradsA, inputGradient: true)
        let none = try model.backward(dOut, cache: &b.cache, gradients: &gradsB, inputGradient: false)
        #expect(dX?.shape == [7, 2, 3])
        #expect(none == nil)
        #expect(gradsA == gradsB)
    }
}
