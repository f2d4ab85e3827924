import Foundation
import Testing
@testable import RNNEngine

/// The GRU's place in a stack: initial weights, names, the summary's counts, its text and
/// cancellation (gradients: `GradientCheckTests`; agreement with PyTorch: `GRUFixtureTests`).
@Suite struct GRUTests {
    @Test func initialisationFollowsKerasGRU() throws {
        var rng = Random(seed: 5)
        let model = try Model(spec: ModelSpec(layers: [.gru(units: 8)]), inputWidth: 10, rng: &rng)
        #expect(model.parameterNames == ["layers.0.weight_ih", "layers.0.weight_hh", "layers.0.bias_ih", "layers.0.bias_hh"])
        #expect(model.parameters.map(\.shape) == [[24, 10], [24, 8], [24], [24]])
        // Glorot-uniform over fan_in 10, fan_out 3H = 24.
        let limit = Float((6.0 / 34.0).squareRoot())
        #expect(model.parameters[0].values.allSatisfy { abs($0) <= limit })
        #expect(model.parameters[0].values.map { abs($0) }.max()! > limit * 0.9)
        // Recurrent kernel [3H, H]: orthonormal columns.
        let whh = model.parameters[1]
        for i in 0..<8 {
            for j in 0..<8 {
                var sum = 0.0
                for r in 0..<24 { sum += Double(whh.values[r * 8 + i]) * Double(whh.values[r * 8 + j]) }
                #expect(abs(sum - (i == j ? 1 : 0)) < 1e-5)
            }
        }
        // Both biases zero: no forget-gate slice for a GRU.
        #expect(model.parameters[2].values.allSatisfy { $0 == 0 })
        #expect(model.parameters[3].values.allSatisfy { $0 == 0 })
    }

    @Test func summaryAndTextOfAMixedStack() throws {
        let spec = ModelSpec(layers: [.lstm(units: 64), .gru(units: 32), .dense(units: 2, activation: .linear)])
        #expect(spec.text == "lstm 64 -> gru 32 -> dense 2 linear")
        #expect(spec.layers.map(\.isRecurrent) == [true, true, false])
        let summary = spec.summary(inputWidth: 128)
        // Keras counts a reset_after GRU as 3H·in + 3H·H + 6H, the same as nn.GRU's four tensors.
        #expect(summary.rows.map(\.parameters) == [4 * 64 * 128 + 4 * 64 * 64 + 8 * 64,
                                                   3 * 32 * 64 + 3 * 32 * 32 + 6 * 32, 32 * 2 + 2])
        #expect(summary.rows.map(\.layer) == ["lstm 64", "gru 32", "dense 2 linear"])
        #expect(summary.rows[1].outputShape == [nil, nil, 32])
        var rng = Random(seed: 0)
        #expect(try Model(spec: spec, inputWidth: 128, rng: &rng).parameterCount == summary.totalParameters)
        let decoded = try JSONDecoder().decode(ModelSpec.self, from: JSONEncoder().encode(spec))
        #expect(decoded == spec)
    }

    @Test func widthsAreCheckedBeforeAllocating() {
        #expect(throws: EngineError.invalidLayer(index: 0, kind: "gru", reason: "width must be at least 1 (found 0)")) {
            try ModelSpec(layers: [.gru(units: 0)]).validate(inputWidth: 3)
        }
        #expect(throws: EngineError.invalidLayer(index: 1, kind: "gru", reason: "width 1000000000 exceeds the limit of 65536")) {
            try ModelSpec(layers: [.dense(units: 3, activation: .relu), .gru(units: 1_000_000_000)]).validate(inputWidth: 3)
        }
    }

    @Test func aStateOfTheWrongKindIsRefused() throws {
        var rng = Random(seed: 0)
        let model = try Model(spec: ModelSpec(layers: [.gru(units: 3)]), inputWidth: 2, rng: &rng)
        let lstmState = StackState(layers: [.lstm(.zeros(batch: 1, hidden: 3))])
        #expect(throws: EngineError.stateMismatch(layer: 0, expected: "gru", found: "lstm")) {
            try model.forward(Tensor(zeros: [4, 1, 2]), state: lstmState, mode: .inference, rng: &rng)
        }
        let wrongShape = StackState(layers: [.gru(.zeros(batch: 2, hidden: 3))])
        #expect(throws: EngineError.shapeMismatch(tensor: "layers.0.h", expected: [1, 3], found: [2, 3])) {
            try model.forward(Tensor(zeros: [4, 1, 2]), state: wrongShape, mode: .inference, rng: &rng)
        }
    }

    @Test func cancellationStopsALongChunkForwardAndBackward() throws {
        var rng = Random(seed: 0)
        let model = try Model(spec: ModelSpec(layers: [.gru(units: 4)]), inputWidth: 2, rng: &rng)
        var polls = 0
        #expect(throws: EngineError.cancelled) {
            try model.forward(Tensor(zeros: [2_000, 1, 2]), state: model.zeroState, mode: .inference, rng: &rng,
                              isCancelled: { polls += 1; return polls >= 2 })
        }
        #expect(polls == 2)
        var pass = try model.forward(Tensor(zeros: [2_000, 1, 2]), state: model.zeroState, mode: .training, rng: &rng)
        var grads = model.zeroGradients()
        polls = 0
        #expect(throws: EngineError.cancelled) {
            try model.backward(Tensor(zeros: [2_000, 1, 4]), cache: &pass.cache, gradients: &grads,
                               isCancelled: { polls += 1; return polls >= 3 })
        }
        #expect(polls == 3)
    }

    /// The final state of a GRU is the last step's output (it has no separate cell).
    @Test func finalStateIsTheLastOutput() throws {
        var rng = Random(seed: 2)
        let model = try Model(spec: ModelSpec(layers: [.gru(units: 5)]), inputWidth: 3, rng: &rng)
        let x = randomTensor([7, 2, 3], seed: 3)
        let pass = try model.forward(x, state: model.zeroState, mode: .inference, rng: &rng)
        #expect(pass.state.layers[0]?.h.values == Array(pass.output.values[(6 * 2 * 5)...]))
        #expect(pass.output.values.contains { $0 != 0 })
    }

    /// Safetensors carries a GRU under the LSTM's names with 3H rows; an LSTM file does not fit.
    @Test func weightsRoundTripAndShapesAreChecked() throws {
        var rng = Random(seed: 1)
        let spec = ModelSpec(layers: [.lstm(units: 4), .gru(units: 3), .dense(units: 2, activation: .linear)])
        let source = try Model(spec: spec, inputWidth: 5, rng: &rng)
        var target = try Model(spec: spec, inputWidth: 5, rng: &rng)
        let file = try SafetensorsFile.decode(try source.exportedWeights().encoded())
        #expect(file.metadata["model"] == "lstm 4 -> gru 3 -> dense 2 linear")
        #expect(file.tensor(named: "layers.1.weight_ih")?.shape == [9, 4])
        #expect(file.tensor(named: "layers.1.bias_hh")?.shape == [9])
        try target.importWeights(file)
        #expect(target == source)
        let withScaling = try SafetensorsFile.decode(try source.exportedWeights(
            metadata: ["features": #"{"kind":"values"}"#, "model": "ignored"]).encoded())
        #expect(withScaling.metadata["features"] == #"{"kind":"values"}"#)
        #expect(withScaling.metadata["model"] == "lstm 4 -> gru 3 -> dense 2 linear")
        var lstmOnly = try Model(spec: ModelSpec(layers: [.lstm(units: 4), .lstm(units: 3),
                                                          .dense(units: 2, activation: .linear)]),
                                 inputWidth: 5, rng: &rng)
        #expect(throws: EngineError.shapeMismatch(tensor: "layers.1.weight_ih", expected: [12, 4], found: [9, 4])) {
            try lstmOnly.importWeights(file)
        }
    }
}
