/// Whether stochastic layers (noise, dropout) are active.
public enum Mode: Sendable {
    case training, inference
}

/// The carried state of one recurrent layer.
public enum LayerState: Sendable, Equatable, Codable {
    case lstm(LSTMState)
    case gru(GRUState)

    /// The hidden state `h`, `(B, H)`, whatever the kind.
    public var h: Tensor {
        switch self {
        case let .lstm(s): s.h
        case let .gru(s): s.h
        }
    }

    /// An LSTM's cell state `c`, `(B, H)`; a GRU has none.
    public var c: Tensor? {
        if case let .lstm(s) = self { return s.c }
        return nil
    }
}

/// The recurrent state of a whole stack: one entry per layer, `nil` for a layer without
/// state or a zero state (the start of an epoch).
public struct StackState: Sendable, Equatable, Codable {
    public var layers: [LayerState?]

    public init(layers: [LayerState?]) {
        self.layers = layers
    }

    /// The zero state of a stack with `layerCount` layers.
    public static func zero(layerCount: Int) -> StackState {
        StackState(layers: Array(repeating: nil, count: layerCount))
    }
}

/// What backward needs from one forward pass over a chunk. Backward consumes it.
public struct StackCache: Sendable {
    enum Layer: Sendable {
        case dense(Dense.Cache)
        case lstm(LSTM.Cache)
        case gru(GRU.Cache)
        case dropout(mask: [Float]?)
        case passthrough
    }
    var layers: [Layer]
    let inputShape: [Int]
}

/// A stack of layers with its parameters: one flat list of named tensors in layer order,
/// so optimizers and clipping are loops over that list.
public struct Model: Sendable, Equatable {
    public let spec: ModelSpec
    public let inputWidth: Int
    /// Names as safetensors stores them, e.g. `layers.4.weight_ih`.
    public let parameterNames: [String]
    public var parameters: [Tensor]
    /// Index of each layer's first parameter in `parameters`.
    let parameterOffsets: [Int]

    public static func == (lhs: Model, rhs: Model) -> Bool {
        lhs.spec == rhs.spec && lhs.inputWidth == rhs.inputWidth && lhs.parameters == rhs.parameters
    }

    /// A model with freshly initialised weights (SPEC §3): Glorot-uniform kernels, orthogonal
    /// recurrent kernels, zero biases except the forget-gate slice of an LSTM's `bias_ih`, set to 1.
    /// The same seed state and spec give the same weights.
    public init(spec: ModelSpec, inputWidth: Int, rng: inout Random) throws {
        try spec.validate(inputWidth: inputWidth)
        self.spec = spec
        self.inputWidth = inputWidth
        var names: [String] = [], tensors: [Tensor] = [], offsets: [Int] = []
        var width = inputWidth
        for (index, layer) in spec.layers.enumerated() {
            offsets.append(tensors.count)
            let shapes = ParameterLayout.shapes(of: layer, inputWidth: width)
            for (suffix, shape) in zip(ParameterLayout.suffixes(of: layer), shapes) {
                names.append("layers.\(index).\(suffix)")
                tensors.append(Initializers.initialTensor(layer: layer, suffix: suffix, shape: shape, rng: &rng))
            }
            width = layer.outputWidth(inputWidth: width)
        }
        parameterNames = names
        parameters = tensors
        parameterOffsets = offsets
    }

    public var outputWidth: Int { spec.outputWidth(inputWidth: inputWidth) }

    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Zero gradients shaped like the parameters.
    public func zeroGradients() -> [Tensor] {
        parameters.map { Tensor(zeros: $0.shape) }
    }

    /// The zero state for this stack.
    public var zeroState: StackState { .zero(layerCount: spec.layers.count) }

    /// Runs a chunk `x` of shape `(T, B, inputWidth)` from `state`.
    /// - Returns: the output `(T, B, outputWidth)`, the state after the last step, and the cache for `backward`.
    /// - Parameter isCancelled: polled every few hundred steps inside recurrent layers.
    public func forward(_ x: Tensor, state: StackState, mode: Mode, rng: inout Random,
                        isCancelled: () -> Bool = { false }) throws -> (output: Tensor, state: StackState, cache: StackCache) {
        guard x.shape.count == 3, x.shape[0] >= 1, x.shape[1] >= 1, x.shape[2] == inputWidth else {
            throw EngineError.shapeMismatch(tensor: "input", expected: [max(1, x.shape.first ?? 1),
                                            max(1, x.shape.count > 1 ? x.shape[1] : 1), inputWidth], found: x.shape)
        }
        guard state.layers.count == spec.layers.count else {
            throw EngineError.shapeMismatch(tensor: "state", expected: [spec.layers.count], found: [state.layers.count])
        }
        let batch = x.shape[1]
        var current = x
        var newState = StackState.zero(layerCount: spec.layers.count)
        var caches: [StackCache.Layer] = []
        caches.reserveCapacity(spec.layers.count)
        var width = inputWidth
        for (index, layer) in spec.layers.enumerated() {
            let p = parameterOffsets[index]
            switch layer {
            case let .dense(units, activation):
                let (y, cache) = Dense(inputWidth: width, units: units, activation: activation)
                    .forward(current, weight: parameters[p], bias: parameters[p + 1])
                caches.append(.dense(cache))
                current = y
            case let .lstm(units):
                let initial = try checkedLSTMState(state.layers[index], layer: index, batch: batch, units: units)
                let lstm = LSTM(inputWidth: width, units: units)
                let (y, final, cache) = try lstm.forward(current, weights: lstmWeights(at: p), state: initial,
                                                         isCancelled: isCancelled)
                newState.layers[index] = .lstm(final)
                caches.append(.lstm(cache))
                current = y
            case let .gru(units):
                let initial = try checkedGRUState(state.layers[index], layer: index, batch: batch, units: units)
                let gru = GRU(inputWidth: width, units: units)
                let (y, final, cache) = try gru.forward(current, weights: gruWeights(at: p), state: initial,
                                                        isCancelled: isCancelled)
                newState.layers[index] = .gru(final)
                caches.append(.gru(cache))
                current = y
            case let .noise(std):
                GaussianNoise(std: Float(std)).apply(to: &current, mode: mode, rng: &rng)
                caches.append(.passthrough)
            case let .dropout(rate):
                let (y, mask) = Dropout(rate: Float(rate)).forward(current, mode: mode, rng: &rng)
                caches.append(.dropout(mask: mask))
                current = y
            }
            width = layer.outputWidth(inputWidth: width)
        }
        return (current, newState, StackCache(layers: caches, inputShape: x.shape))
    }

    /// Backpropagates `dOut` `(T, B, outputWidth)` through the chunk the cache came from,
    /// adding each parameter's gradient into `gradients` (zero them first: this accumulates).
    /// Consumes the cache, releasing each layer's buffers as soon as they are used.
    /// - Parameter inputGradient: whether to compute `dX`; training needs none (the data has no
    ///   gradient), which saves the first layer's largest product and buffer.
    /// - Returns: `dX`, the gradient with respect to the chunk's input, when asked for.
    @discardableResult
    public func backward(_ dOut: Tensor, cache: inout StackCache, gradients: inout [Tensor],
                         inputGradient: Bool = true, isCancelled: () -> Bool = { false }) throws -> Tensor? {
        let expected = [cache.inputShape[0], cache.inputShape[1], outputWidth]
        guard dOut.shape == expected else {
            throw EngineError.shapeMismatch(tensor: "dOut", expected: expected, found: dOut.shape)
        }
        guard gradients.map(\.shape) == parameters.map(\.shape) else {
            throw EngineError.shapeMismatch(tensor: "gradients", expected: [parameters.count], found: [gradients.count])
        }
        var grad = dOut
        // Below the first layer with parameters nothing needs a gradient unless dX is asked for.
        let firstTrained = spec.layers.firstIndex { !ParameterLayout.suffixes(of: $0).isEmpty } ?? 0
        var widths = [inputWidth]
        for layer in spec.layers { widths.append(layer.outputWidth(inputWidth: widths.last!)) }
        for index in stride(from: spec.layers.count - 1, through: 0, by: -1) {
            let p = parameterOffsets[index]
            switch (spec.layers[index], cache.layers[index]) {
            case let (.dense(units, activation), .dense(denseCache)):
                cache.layers[index] = .passthrough      // release the buffers once used
                guard let dX = Dense(inputWidth: widths[index], units: units, activation: activation)
                    .backward(&grad, cache: denseCache, weight: parameters[p], grads: &gradients, at: p,
                              inputGradient: inputGradient || index > firstTrained) else { return nil }
                grad = dX
            case let (.lstm(units), .lstm(lstmCache)):
                cache.layers[index] = .passthrough      // release the buffers once used
                guard let dX = try LSTM(inputWidth: widths[index], units: units)
                    .backward(grad, cache: lstmCache, weights: lstmWeights(at: p), grads: &gradients, at: p,
                              inputGradient: inputGradient || index > firstTrained, isCancelled: isCancelled)
                else { return nil }
                grad = dX
            case let (.gru(units), .gru(gruCache)):
                cache.layers[index] = .passthrough      // release the buffers once used
                guard let dX = try GRU(inputWidth: widths[index], units: units)
                    .backward(grad, cache: gruCache, weights: gruWeights(at: p), grads: &gradients, at: p,
                              inputGradient: inputGradient || index > firstTrained, isCancelled: isCancelled)
                else { return nil }
                grad = dX
            case let (.dropout, .dropout(mask)):
                grad = Dropout(rate: 0).backward(grad, mask: mask)
            default:
                break   // noise: the identity
            }
        }
        return grad
    }

    private func lstmWeights(at p: Int) -> LSTM.Weights {
        LSTM.Weights(weightIH: parameters[p], weightHH: parameters[p + 1],
                     biasIH: parameters[p + 2], biasHH: parameters[p + 3])
    }

    private func gruWeights(at p: Int) -> GRU.Weights {
        GRU.Weights(weightIH: parameters[p], weightHH: parameters[p + 1],
                    biasIH: parameters[p + 2], biasHH: parameters[p + 3])
    }

    private func checkedLSTMState(_ state: LayerState?, layer: Int, batch: Int, units: Int) throws -> LSTMState {
        guard let state else { return .zeros(batch: batch, hidden: units) }
        guard case let .lstm(s) = state else {
            throw EngineError.stateMismatch(layer: layer, expected: "lstm", found: "gru")
        }
        for (name, tensor) in [("h", s.h), ("c", s.c)] where tensor.shape != [batch, units] {
            throw EngineError.shapeMismatch(tensor: "layers.\(layer).\(name)", expected: [batch, units], found: tensor.shape)
        }
        return s
    }

    private func checkedGRUState(_ state: LayerState?, layer: Int, batch: Int, units: Int) throws -> GRUState {
        guard let state else { return .zeros(batch: batch, hidden: units) }
        guard case let .gru(s) = state else {
            throw EngineError.stateMismatch(layer: layer, expected: "gru", found: "lstm")
        }
        guard s.h.shape == [batch, units] else {
            throw EngineError.shapeMismatch(tensor: "layers.\(layer).h", expected: [batch, units], found: s.h.shape)
        }
        return s
    }
}
