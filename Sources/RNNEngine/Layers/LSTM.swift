/// The recurrent state of one LSTM layer: `h` and `c`, each `(B, H)`.
public struct LSTMState: Sendable, Equatable, Codable {
    public var h: Tensor
    public var c: Tensor

    public init(h: Tensor, c: Tensor) {
        self.h = h
        self.c = c
    }

    public static func zeros(batch: Int, hidden: Int) -> LSTMState {
        LSTMState(h: Tensor(zeros: [batch, hidden]), c: Tensor(zeros: [batch, hidden]))
    }
}

/// The gate activations of a chunk, held by reference: backward overwrites them with the gate
/// gradients in place, so the largest buffer of the chunk is never copied however many copies
/// of the cache exist (a value would be copied on write). A cache is spent by one backward.
final class GateBuffer: @unchecked Sendable {
    var tensor: Tensor

    init(_ tensor: Tensor) {
        self.tensor = tensor
    }
}

/// A PyTorch-parameterised LSTM layer (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`; gates i, f, g, o).
struct LSTM: Sendable {
    let inputWidth: Int
    let units: Int

    struct Weights {
        let weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor
    }

    struct Cache: Sendable {
        let input: Tensor           // (T, B, in)
        /// (T, B, 4H) activated gates, which backward turns into gradients; nil when backward
        /// makes each block's gates again (`keepsGates(steps:batch:)`).
        let gates: GateBuffer?
        let cells: Tensor           // (T, B, H)
        let hidden: Tensor          // (T, B, H): the output
        let initial: LSTMState
    }

    /// The largest gate buffer a cache keeps, in bytes. Past it backward recomputes each time
    /// block's gates from the input and the hidden states it keeps anyway (the gates are 4H of
    /// the 6H floats per row an LSTM would keep): two thirds less cache for the layer's two
    /// forward products again (for the seed model a quarter more arithmetic per epoch), in
    /// products that do not wait step by step. Short chunks and recomputed segments (at most
    /// `MemoryPlan.segmentTarget`) keep their gates.
    static let gateCacheLimit = 64 << 20

    /// Whether a chunk of `steps × batch` rows keeps its gates under `limit` bytes (the
    /// recomputation needs the register-blocked recurrent kernel: 4H a multiple of 32).
    static func keepsGates(rows: Int, units: Int, limit: Int = gateCacheLimit) -> Bool {
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: 16 * units)
        return !RecurrentKernels.supports(n: 4 * units) || (!overflow && bytes <= limit)
    }

    /// b_ih + b_hh, which enter every step together.
    static func combinedBias(_ w: Weights) -> Tensor {
        var bias = w.biasIH
        for i in bias.values.indices { bias.values[i] += w.biasHH.values[i] }
        return bias
    }

    func forward(_ x: Tensor, weights w: Weights, state: LSTMState, gateCacheLimit: Int = gateCacheLimit,
                 isCancelled: () -> Bool) throws -> (Tensor, LSTMState, Cache) {
        let (steps, batch) = (x.shape[0], x.shape[1])
        let shape = LSTMKernels.Shape(steps: steps, batch: batch, input: inputWidth, hidden: units)
        let keeps = Self.keepsGates(rows: steps * batch, units: units, limit: gateCacheLimit)
        var gates = Tensor(uninitialized: [keeps ? steps : min(steps, TimeBlocks.steps), batch, 4 * units])
        var cells = Tensor(uninitialized: [steps, batch, units])
        var hidden = Tensor(uninitialized: [steps, batch, units])
        let bias = Self.combinedBias(w)
        try x.values.withUnsafeBufferPointer { xp in
            try w.weightIH.values.withUnsafeBufferPointer { wih in
                try w.weightHH.values.withUnsafeBufferPointer { whh in
                    try bias.values.withUnsafeBufferPointer { bp in
                        try state.h.values.withUnsafeBufferPointer { h0 in
                            try state.c.values.withUnsafeBufferPointer { c0 in
                                try gates.values.withUnsafeMutableBufferPointer { gp in
                                    try cells.values.withUnsafeMutableBufferPointer { cp in
                                        try hidden.values.withUnsafeMutableBufferPointer { hp in
                                            try LSTMKernels.forward(
                                                shape, x: xp.baseAddress!, weightIH: wih.baseAddress!,
                                                weightHH: whh.baseAddress!, bias: bp.baseAddress!,
                                                h0: h0.baseAddress!, c0: c0.baseAddress!, gates: gp.baseAddress!,
                                                keepsGates: keeps, cells: cp.baseAddress!, hidden: hp.baseAddress!,
                                                isCancelled: isCancelled)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let last = (steps - 1) * batch * units
        let final = LSTMState(h: Tensor(shape: [batch, units], values: Array(hidden.values[last...])),
                              c: Tensor(shape: [batch, units], values: Array(cells.values[last...])))
        return (hidden, final, Cache(input: x, gates: keeps ? GateBuffer(gates) : nil, cells: cells, hidden: hidden,
                                     initial: state))
    }

    /// Backpropagation through the chunk, truncated at its start. Accumulates the four
    /// parameter gradients (in `weight_ih, weight_hh, bias_ih, bias_hh` order); returns `dX` when
    /// asked for.
    /// The cache's gate buffer is reused for the gate gradients: the cache is spent afterwards.
    /// Without one, a block-sized buffer holds each block's recomputed gates and then their gradients.
    /// - Parameters:
    ///   - dOut: ∂L/∂h `(T, B, H)`, spent: when the input is as wide as the layer, dX is written
    ///     over it (each block's dX rows after that block's time loop has read its dOut rows), so
    ///     backward allocates no second chunk-sized gradient.
    ///   - carry: for a segment of a longer chunk, ∂L/∂(h, c) `(2, B, H)` after its last
    ///     step on entry and at its start on exit; nil truncates at the start.
    func backward(_ dOut: inout Tensor, cache: Cache, weights w: Weights, grads: inout [Tensor], at offset: Int,
                  inputGradient: Bool, carry: inout Tensor?, isCancelled: () -> Bool) throws -> Tensor? {
        let shape = LSTMKernels.Shape(steps: dOut.shape[0], batch: dOut.shape[1], input: inputWidth, hidden: units)
        let inPlace = inputGradient && inputWidth == units
        var dX = Tensor(uninitialized: inputGradient && !inPlace ? cache.input.shape : [0])
        if inPlace {
            dX = dOut
            dOut = Tensor(zeros: [0])         // dX now holds the only reference: written in place
        }
        var dWIH = grads[offset], dWHH = grads[offset + 1], dBIH = grads[offset + 2], dBHH = grads[offset + 3]
        for i in offset..<(offset + 4) { grads[i] = Tensor(zeros: []) }   // release, so the buffers stay unique
        defer { grads[offset] = dWIH; grads[offset + 1] = dWHH; grads[offset + 2] = dBIH; grads[offset + 3] = dBHH }
        let keeps = cache.gates != nil
        let gates = cache.gates ?? GateBuffer(Tensor(uninitialized: [min(shape.steps, TimeBlocks.steps), shape.batch, 4 * units]))
        let bias = Self.combinedBias(w)
        let carries = carry != nil
        var carried = carry?.values ?? []
        defer { if carries { carry = Tensor(shape: [2, shape.batch, units], values: carried) } }
        try carried.withUnsafeMutableBufferPointer { carryBuffer in
        try cache.input.values.withUnsafeBufferPointer { xp in
            try w.weightIH.values.withUnsafeBufferPointer { wih in
                try w.weightHH.values.withUnsafeBufferPointer { whh in
                  try bias.values.withUnsafeBufferPointer { bp in
                    try cache.initial.h.values.withUnsafeBufferPointer { h0 in
                        try cache.initial.c.values.withUnsafeBufferPointer { c0 in
                            try gates.tensor.values.withUnsafeMutableBufferPointer { gp in
                                try cache.cells.values.withUnsafeBufferPointer { cp in
                                    try cache.hidden.values.withUnsafeBufferPointer { hp in
                                        try dOut.values.withUnsafeBufferPointer { ownDOut in
                                            try dWIH.values.withUnsafeMutableBufferPointer { dwih in
                                                try dWHH.values.withUnsafeMutableBufferPointer { dwhh in
                                                    try dBIH.values.withUnsafeMutableBufferPointer { dbih in
                                                        try dBHH.values.withUnsafeMutableBufferPointer { dbhh in
                                                            try dX.values.withUnsafeMutableBufferPointer { dxp in
                                                                let dop = inPlace ? UnsafePointer(dxp.baseAddress!) : ownDOut.baseAddress!
                                                                try LSTMKernels.backward(
                                                                    shape, x: xp.baseAddress!, weightIH: wih.baseAddress!,
                                                                    weightHH: whh.baseAddress!, bias: bp.baseAddress!,
                                                                    h0: h0.baseAddress!, c0: c0.baseAddress!,
                                                                    gates: gp.baseAddress!, keepsGates: keeps,
                                                                    cells: cp.baseAddress!, hidden: hp.baseAddress!,
                                                                    dOut: dop, dWeightIH: dwih.baseAddress!,
                                                                    dWeightHH: dwhh.baseAddress!, dBiasIH: dbih.baseAddress!,
                                                                    dBiasHH: dbhh.baseAddress!, dX: inputGradient ? dxp.baseAddress! : nil,
                                                                    carry: carries ? carryBuffer.baseAddress! : nil,
                                                                    isCancelled: isCancelled)
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
                  }
        }
        }
        return inputGradient ? dX : nil
    }
}
