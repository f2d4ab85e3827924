/// `weights export/import`: a model's parameters as a safetensors file with PyTorch's names
/// (SPEC §5). The model spec travels as the string metadata `model`.
extension Model {
    /// The parameters as safetensors tensors, with the spec and input width as metadata.
    public func exportedWeights() -> SafetensorsFile {
        exportedWeights(metadata: [:])
    }

    /// The parameters with further `__metadata__` entries (e.g. the `features` and `targets`
    /// scalings of the run); `model` and `input_width` are always this model's.
    public func exportedWeights(metadata extra: [String: String]) -> SafetensorsFile {
        var metadata = extra
        metadata["model"] = spec.text
        metadata["input_width"] = "\(inputWidth)"
        return SafetensorsFile(
            tensors: zip(parameterNames, parameters).map { SafetensorsTensor(name: $0, shape: $1.shape, values: $1.values) },
            metadata: metadata)
    }

    /// Replaces every parameter from `file`. All or nothing: a missing, extra or wrongly shaped
    /// tensor is an error naming it, and the model is left unchanged. Metadata is not required.
    public mutating func importWeights(_ file: SafetensorsFile) throws {
        let byName = Dictionary(file.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var replacement = parameters
        for (i, name) in parameterNames.enumerated() {
            guard let tensor = byName[name] else { throw EngineError.missingTensor(name) }
            guard tensor.shape == parameters[i].shape else {
                throw EngineError.shapeMismatch(tensor: name, expected: parameters[i].shape, found: tensor.shape)
            }
            replacement[i] = Tensor(shape: tensor.shape, values: tensor.values)
        }
        let known = Set(parameterNames)
        if let extra = file.tensors.first(where: { !known.contains($0.name) }) {
            throw EngineError.unexpectedTensor(extra.name)
        }
        parameters = replacement
    }
}
