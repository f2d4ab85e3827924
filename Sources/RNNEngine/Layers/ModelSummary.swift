/// What a Keras-style summary shows: one row per layer and the totals.
public struct ModelSummary: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// `layers.N`, the prefix of the layer's tensors.
        public let name: String
        /// The layer as the language writes it (`lstm 64`).
        public let layer: String
        /// Output shape with unknown time and batch: `(None, None, 64)` in Keras' words.
        public let outputShape: [Int?]
        public let parameters: Int
    }

    public let inputWidth: Int
    public let rows: [Row]
    public var totalParameters: Int { rows.reduce(0) { $0 + $1.parameters } }
    /// Every parameter trains (noise and dropout have none).
    public var trainableParameters: Int { totalParameters }
}

extension ModelSpec {
    /// The summary for an input of width `inputWidth` (the spec should be valid for it).
    public func summary(inputWidth: Int) -> ModelSummary {
        var width = inputWidth
        var rows: [ModelSummary.Row] = []
        for (index, layer) in layers.enumerated() {
            let parameters = ParameterLayout.shapes(of: layer, inputWidth: width).reduce(0) { $0 + $1.reduce(1, *) }
            width = layer.outputWidth(inputWidth: width)
            rows.append(.init(name: "layers.\(index)", layer: layer.text, outputShape: [nil, nil, width],
                              parameters: parameters))
        }
        return ModelSummary(inputWidth: inputWidth, rows: rows)
    }
}
