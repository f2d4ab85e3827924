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
///
/// Either every layer's cache for the whole chunk, or — with recomputation — only the
/// checkpoints at segment boundaries, from which backward runs each segment forward again.
public struct StackCache: Sendable {
    enum Layer: Sendable {
        case dense(Dense.Cache)
        case lstm(LSTM.Cache)
        case gru(GRU.Cache)
        case dropout(mask: [Float]?)
        case passthrough
    }
    var layers: [Layer]
    var checkpoints: Checkpoints?
    let inputShape: [Int]
}

/// The random draws of a chunk's stochastic layers: one stream per layer, taken from the run's
/// noise generator in layer order before the chunk runs (the order in which the layers draw over
/// a whole chunk, so the generator ends where it always did). A segment can then start from any
/// layer's stream position, which is what recomputation keeps.
struct LayerStreams: Sendable {
    enum Stream: Sendable {
        case none
        case gaussian(GaussianStream)
        case dropout(Random)
    }
    var layers: [Stream]
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
    /// - Parameters:
    ///   - segmentSteps: recompute in segments of this many steps (a positive multiple of
    ///     `TimeBlocks.steps`): the cache keeps only each segment's starting state and random
    ///     streams, and backward runs each segment forward again. Gradients are bit-identical to
    ///     a whole-chunk cache (nil, or a segment at least as long as the chunk). Refused for a
    ///     stack with a GRU layer (`ModelSpec.supportsRecomputation`).
    ///   - isCancelled: polled every few hundred steps inside recurrent layers.
    /// - Returns: the output `(T, B, outputWidth)`, the state after the last step, and the cache for `backward`.
    public func forward(_ x: Tensor, state: StackState, mode: Mode, rng: inout Random, segmentSteps: Int? = nil,
                        isCancelled: () -> Bool = { false }) throws -> (output: Tensor, state: StackState, cache: StackCache) {
        try forward(x, state: state, mode: mode, rng: &rng, segmentSteps: segmentSteps,
                    gateCacheLimit: LSTM.gateCacheLimit, isCancelled: isCancelled)
    }

    /// The largest gate buffer an LSTM layer's cache keeps by default, in bytes: past it,
    /// backward recomputes each time block's gates (the results are the same either way).
    public static var gateCacheLimit: Int { LSTM.gateCacheLimit }

    /// `forward` with the largest LSTM gate buffer a cache keeps (`gateCacheLimit`): 0 always
    /// recomputes, `Int.max` always keeps. Gradients are bit-identical either way.
    public func forward(_ x: Tensor, state: StackState, mode: Mode, rng: inout Random, segmentSteps: Int?,
                 gateCacheLimit: Int,
                 isCancelled: () -> Bool) throws -> (output: Tensor, state: StackState, cache: StackCache) {
        guard x.shape.count == 3, x.shape[0] >= 1, x.shape[1] >= 1, x.shape[2] == inputWidth else {
            throw EngineError.shapeMismatch(tensor: "input", expected: [max(1, x.shape.first ?? 1),
                                            max(1, x.shape.count > 1 ? x.shape[1] : 1), inputWidth], found: x.shape)
        }
        guard state.layers.count == spec.layers.count else {
            throw EngineError.shapeMismatch(tensor: "state", expected: [spec.layers.count], found: [state.layers.count])
        }
        if let segmentSteps, segmentSteps < 1 || segmentSteps % TimeBlocks.steps != 0 {
            throw EngineError.invalidHyperparameter(name: "segment steps", value: Double(segmentSteps),
                                                    expected: "a positive multiple of \(TimeBlocks.steps)")
        }
        var streams = layerStreams(steps: x.shape[0], batch: x.shape[1], mode: mode, rng: &rng)
        if let segmentSteps, segmentSteps < x.shape[0] {
            guard spec.supportsRecomputation else {
                throw EngineError.invalidHyperparameter(
                    name: "segment steps", value: Double(segmentSteps),
                    expected: "none for a stack with a GRU layer (recomputation carries only LSTM state gradients "
                        + "across segments; train it with a whole-chunk cache or more chunks K)")
            }
            return try checkpointedForward(x, state: state, streams: streams, segmentSteps: segmentSteps,
                                           gateCacheLimit: gateCacheLimit, isCancelled: isCancelled)
        }
        let (output, final, layers) = try run(x, state: state, streams: &streams, gateCacheLimit: gateCacheLimit,
                                              isCancelled: isCancelled)
        return (output, final, StackCache(layers: layers, checkpoints: nil, inputShape: x.shape))
    }

    /// The layers' random streams for a chunk of `steps × batch` rows, drawn from `rng` in layer order.
    func layerStreams(steps: Int, batch: Int, mode: Mode, rng: inout Random) -> LayerStreams {
        var streams: [LayerStreams.Stream] = []
        var width = inputWidth
        for layer in spec.layers {
            switch layer {
            case let .noise(std) where GaussianNoise(std: Float(std)).draws(in: mode):
                streams.append(.gaussian(GaussianStream(std: Float(std), seededFrom: &rng)))
            case let .dropout(rate) where Dropout(rate: Float(rate)).draws(in: mode):
                streams.append(.dropout(rng))
                for _ in 0..<(steps * batch * width) { _ = rng.next() }   // one word per value
            default:
                streams.append(.none)
            }
            width = layer.outputWidth(inputWidth: width)
        }
        return LayerStreams(layers: streams)
    }

    /// The layers over `x` from `state`, each stochastic layer drawing from its stream (which
    /// advances); returns the output, the final state and every layer's cache.
    func run(_ x: Tensor, state: StackState, streams: inout LayerStreams, gateCacheLimit: Int,
             isCancelled: () -> Bool) throws -> (Tensor, StackState, [StackCache.Layer]) {
        let batch = x.shape[1]
        var current = x
        var newState = StackState.zero(layerCount: spec.layers.count)
        var caches: [StackCache.Layer] = []
        caches.reserveCapacity(spec.layers.count)
        var width = inputWidth
        var fused = -1           // a noise layer already added by the dense layer before it
        for (index, layer) in spec.layers.enumerated() {
            let p = parameterOffsets[index]
            switch (layer, streams.layers[index]) {
            case let (.dense(units, activation), _):
                let dense = Dense(inputWidth: width, units: units, activation: activation)
                var noise: GaussianStream?
                if dense.fusesNoise, index + 1 < spec.layers.count, case .gaussian(let next) = streams.layers[index + 1] {
                    noise = next
                }
                let (y, cache) = dense.forward(current, weight: parameters[p], bias: parameters[p + 1], noise: &noise)
                if let noise {
                    streams.layers[index + 1] = .gaussian(noise)
                    fused = index + 1
                }
                caches.append(.dense(cache))
                current = y
            case (.noise, .gaussian) where index == fused:
                caches.append(.passthrough)
            case let (.lstm(units), _):
                let initial = try checkedLSTMState(state.layers[index], layer: index, batch: batch, units: units)
                let lstm = LSTM(inputWidth: width, units: units)
                let (y, final, cache) = try lstm.forward(current, weights: lstmWeights(at: p), state: initial,
                                                         gateCacheLimit: gateCacheLimit, isCancelled: isCancelled)
                newState.layers[index] = .lstm(final)
                caches.append(.lstm(cache))
                current = y
            case let (.gru(units), _):
                let initial = try checkedGRUState(state.layers[index], layer: index, batch: batch, units: units)
                let gru = GRU(inputWidth: width, units: units)
                let (y, final, cache) = try gru.forward(current, weights: gruWeights(at: p), state: initial,
                                                        isCancelled: isCancelled)
                newState.layers[index] = .gru(final)
                caches.append(.gru(cache))
                current = y
            case (.noise(let std), .gaussian(var stream)):
                GaussianNoise(std: Float(std)).apply(to: &current, stream: &stream)
                streams.layers[index] = .gaussian(stream)
                caches.append(.passthrough)
            case (.dropout(let rate), .dropout(var stream)):
                let (y, mask) = Dropout(rate: Float(rate)).forward(current, mode: .training, rng: &stream)
                streams.layers[index] = .dropout(stream)
                caches.append(.dropout(mask: mask))
                current = y
            case (.noise, _), (.dropout, _):
                caches.append(.passthrough)       // inference, or a rate of 0: the identity
            }
            width = layer.outputWidth(inputWidth: width)
        }
        return (current, newState, caches)
    }

    /// Backpropagates `dOut` `(T, B, outputWidth)` through the chunk the cache came from,
    /// adding each parameter's gradient into `gradients` (zero them first: this accumulates).
    /// Consumes the cache, releasing each layer's buffers as soon as they are used; a
    /// checkpointed cache runs each segment forward again, last segment first.
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
        if let checkpoints = cache.checkpoints {
            cache.checkpoints = nil
            return try checkpointedBackward(dOut, checkpoints: checkpoints, gradients: &gradients,
                                            inputGradient: inputGradient, isCancelled: isCancelled)
        }
        var carries = [Tensor?](repeating: nil, count: spec.layers.count)
        return try backwardLayers(dOut, layers: &cache.layers, gradients: &gradients, inputGradient: inputGradient,
                                  carries: &carries, isCancelled: isCancelled)
    }

    /// Backward through every layer's cache. `carries` holds, per LSTM layer, the state gradient
    /// across the cache's first and last steps (nil: truncated, a whole chunk).
    func backwardLayers(_ dOut: Tensor, layers: inout [StackCache.Layer], gradients: inout [Tensor],
                        inputGradient: Bool, carries: inout [Tensor?], isCancelled: () -> Bool) throws -> Tensor? {
        var grad = dOut
        // Below the first layer with parameters nothing needs a gradient unless dX is asked for.
        let firstTrained = spec.layers.firstIndex { !ParameterLayout.suffixes(of: $0).isEmpty } ?? 0
        var widths = [inputWidth]
        for layer in spec.layers { widths.append(layer.outputWidth(inputWidth: widths.last!)) }
        for index in stride(from: spec.layers.count - 1, through: 0, by: -1) {
            let p = parameterOffsets[index]
            switch (spec.layers[index], layers[index]) {
            case let (.dense(units, activation), .dense(denseCache)):
                layers[index] = .passthrough      // release the buffers once used
                guard let dX = Dense(inputWidth: widths[index], units: units, activation: activation)
                    .backward(&grad, cache: denseCache, weight: parameters[p], grads: &gradients, at: p,
                              inputGradient: inputGradient || index > firstTrained) else { return nil }
                grad = dX
            case let (.lstm(units), .lstm(lstmCache)):
                layers[index] = .passthrough      // release the buffers once used
                guard let dX = try LSTM(inputWidth: widths[index], units: units)
                    .backward(&grad, cache: lstmCache, weights: lstmWeights(at: p), grads: &gradients, at: p,
                              inputGradient: inputGradient || index > firstTrained, carry: &carries[index],
                              isCancelled: isCancelled)
                else { return nil }
                grad = dX
            case let (.gru(units), .gru(gruCache)):
                layers[index] = .passthrough      // release the buffers once used
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

    func lstmWeights(at p: Int) -> LSTM.Weights {
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
