/// A dense layer's activation.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case linear, relu, tanh, sigmoid
}

/// One layer of a stack, as the user writes it (`dense 64 relu`, `noise 0.1`, `lstm 64`).
public enum LayerSpec: Codable, Sendable, Equatable {
    case dense(units: Int, activation: Activation)
    /// Additive Gaussian noise with standard deviation `std`, while training only.
    case noise(std: Double)
    /// Inverted dropout with drop probability `rate`, while training only.
    case dropout(rate: Double)
    case lstm(units: Int)
    /// A GRU in PyTorch's parameterisation (gates r, z, n).
    case gru(units: Int)

    /// The layer kind as the language names it.
    public var kind: String {
        switch self {
        case .dense: "dense"
        case .noise: "noise"
        case .dropout: "dropout"
        case .lstm: "lstm"
        case .gru: "gru"
        }
    }

    /// The layer as the language writes it, e.g. `dense 64 relu`.
    public var text: String {
        switch self {
        case let .dense(units, activation): "dense \(units) \(activation.rawValue)"
        case let .noise(std): "noise \(std)"
        case let .dropout(rate): "dropout \(rate)"
        case let .lstm(units): "lstm \(units)"
        case let .gru(units): "gru \(units)"
        }
    }

    /// Width of the layer's output for an input of width `inputWidth`.
    public func outputWidth(inputWidth: Int) -> Int {
        switch self {
        case let .dense(units, _), let .lstm(units), let .gru(units): units
        case .noise, .dropout: inputWidth
        }
    }

    /// Whether the layer carries state from chunk to chunk.
    public var isRecurrent: Bool {
        switch self {
        case .lstm, .gru: true
        case .dense, .noise, .dropout: false
        }
    }
}

/// A stack of layers: the typed form of `model LAYER -> LAYER …`.
public struct ModelSpec: Codable, Sendable, Equatable {
    /// Largest width of one layer; a larger one is refused before anything is allocated.
    public static let maxUnits = 65_536
    /// Largest total parameter count (400 MB of float32).
    public static let maxParameters = 100_000_000

    public var layers: [LayerSpec]

    public init(layers: [LayerSpec]) {
        self.layers = layers
    }

    /// The article's model: `dense 64 relu -> noise 0.1 -> dense 64 relu -> noise 0.1 ->
    /// lstm 64 -> noise 0.1 -> lstm 64 -> dense W`, with W the targets' width.
    public static func seed(outputWidth: Int) -> ModelSpec {
        ModelSpec(layers: [
            .dense(units: 64, activation: .relu), .noise(std: 0.1),
            .dense(units: 64, activation: .relu), .noise(std: 0.1),
            .lstm(units: 64), .noise(std: 0.1),
            .lstm(units: 64),
            .dense(units: outputWidth, activation: .linear),
        ])
    }

    /// The stack as the language writes it.
    public var text: String { layers.map(\.text).joined(separator: " -> ") }

    /// Width of the stack's output.
    public func outputWidth(inputWidth: Int) -> Int {
        layers.reduce(inputWidth) { $1.outputWidth(inputWidth: $0) }
    }

    /// Checks every width and rate and that the parameter count stays within limits,
    /// without allocating anything.
    public func validate(inputWidth: Int) throws {
        guard inputWidth >= 1 else { throw EngineError.invalidInputWidth(inputWidth) }
        guard inputWidth <= Self.maxUnits else {
            throw EngineError.tooLarge(what: "input width \(inputWidth)", limit: Self.maxUnits)
        }
        guard !layers.isEmpty else {
            throw EngineError.invalidLayer(index: 0, kind: "model", reason: "a model needs at least one layer")
        }
        var width = inputWidth
        var total = 0
        for (index, layer) in layers.enumerated() {
            switch layer {
            case let .dense(units, _), let .lstm(units), let .gru(units):
                guard units >= 1 else {
                    throw EngineError.invalidLayer(index: index, kind: layer.kind,
                                                   reason: "width must be at least 1 (found \(units))")
                }
                guard units <= Self.maxUnits else {
                    throw EngineError.invalidLayer(index: index, kind: layer.kind,
                                                   reason: "width \(units) exceeds the limit of \(Self.maxUnits)")
                }
            case let .noise(std):
                guard std.isFinite, std >= 0 else {
                    throw EngineError.invalidLayer(index: index, kind: layer.kind,
                                                   reason: "standard deviation must be finite and ≥ 0 (found \(std))")
                }
            case let .dropout(rate):
                guard rate >= 0, rate < 1 else {
                    throw EngineError.invalidLayer(index: index, kind: layer.kind,
                                                   reason: "rate must be in [0, 1) (found \(rate))")
                }
            }
            for shape in ParameterLayout.shapes(of: layer, inputWidth: width) {
                total += shape.reduce(1, *)     // each factor ≤ 4·maxUnits: no overflow per tensor
                guard total <= Self.maxParameters else {
                    throw EngineError.tooLarge(what: "parameter count of the model", limit: Self.maxParameters)
                }
            }
            width = layer.outputWidth(inputWidth: width)
        }
    }
}

/// Names and shapes of each layer's parameters, as safetensors stores them (SPEC §5):
/// dense `layers.{n}.weight` [out, in], `layers.{n}.bias` [out]; lstm `layers.{n}.weight_ih`
/// [4H, in], `layers.{n}.weight_hh` [4H, H], `layers.{n}.bias_ih` [4H], `layers.{n}.bias_hh` [4H];
/// gru the same names with 3H rows.
enum ParameterLayout {
    static func suffixes(of layer: LayerSpec) -> [String] {
        switch layer {
        case .dense: ["weight", "bias"]
        case .lstm, .gru: ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
        case .noise, .dropout: []
        }
    }

    static func shapes(of layer: LayerSpec, inputWidth: Int) -> [[Int]] {
        switch layer {
        case let .dense(units, _): [[units, inputWidth], [units]]
        case let .lstm(units): [[4 * units, inputWidth], [4 * units, units], [4 * units], [4 * units]]
        case let .gru(units): [[3 * units, inputWidth], [3 * units, units], [3 * units], [3 * units]]
        case .noise, .dropout: []
        }
    }
}
