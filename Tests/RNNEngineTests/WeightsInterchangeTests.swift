import Testing
@testable import RNNEngine

@Suite struct WeightsInterchangeTests {
    static func model(seed: UInt64) throws -> Model {
        var rng = Random(seed: seed)
        return try Model(spec: ModelSpec(layers: [.dense(units: 4, activation: .relu), .noise(std: 0.1),
                                                  .lstm(units: 3), .dense(units: 2, activation: .linear)]),
                         inputWidth: 5, rng: &rng)
    }

    @Test func roundTripThroughBytes() throws {
        let source = try Self.model(seed: 1)
        var target = try Self.model(seed: 2)
        #expect(source != target)
        let bytes = try source.exportedWeights().encoded()
        let file = try SafetensorsFile.decode(bytes)
        #expect(file.metadata["model"] == "dense 4 relu -> noise 0.1 -> lstm 3 -> dense 2 linear")
        #expect(file.tensors.map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.2.weight_ih",
                                             "layers.2.weight_hh", "layers.2.bias_ih", "layers.2.bias_hh",
                                             "layers.3.weight", "layers.3.bias"])
        #expect(file.tensor(named: "layers.2.weight_hh")?.shape == [12, 3])
        try target.importWeights(file)
        #expect(target == source)
    }

    @Test func importWithoutMetadataWorks() throws {
        let source = try Self.model(seed: 1)
        var target = try Self.model(seed: 2)
        try target.importWeights(SafetensorsFile(tensors: source.exportedWeights().tensors))
        #expect(target == source)
    }

    @Test func missingExtraAndMisshapenTensorsAreNamedAndChangeNothing() throws {
        let good = try Self.model(seed: 1).exportedWeights()
        var target = try Self.model(seed: 2)
        let before = target

        var missing = good
        missing.tensors.removeAll { $0.name == "layers.2.bias_hh" }
        #expect(throws: EngineError.missingTensor("layers.2.bias_hh")) { try target.importWeights(missing) }

        var extra = good
        extra.tensors.append(SafetensorsTensor(name: "layers.9.weight", shape: [1], values: [0]))
        #expect(throws: EngineError.unexpectedTensor("layers.9.weight")) { try target.importWeights(extra) }

        var misshapen = good
        misshapen.tensors[2] = SafetensorsTensor(name: "layers.2.weight_ih", shape: [4, 12],
                                                 values: misshapen.tensors[2].values)
        #expect(throws: EngineError.shapeMismatch(tensor: "layers.2.weight_ih", expected: [12, 4], found: [4, 12])) {
            try target.importWeights(misshapen)
        }
        #expect(target == before)
    }
}
