/// The recurrent state of one GRU layer: `h`, `(B, H)`.
public struct GRUState: Sendable, Equatable, Codable {
    public var h: Tensor

    public init(h: Tensor) {
        self.h = h
    }

    public static func zeros(batch: Int, hidden: Int) -> GRUState {
        GRUState(h: Tensor(zeros: [batch, hidden]))
    }
}

/// A PyTorch-parameterised GRU layer (`weight_ih` [3H, in], `weight_hh` [3H, H], `bias_ih`,
/// `bias_hh` [3H]; gates r, z, n; the reset gate multiplies the recurrent candidate term
/// after its product, as `nn.GRU` and Keras' `reset_after=True`).
struct GRU: Sendable {
    let inputWidth: Int
    let units: Int

    struct Weights {
        let weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor
    }

    struct Cache: Sendable {
        let input: Tensor           // (T, B, in)
        let gates: GateBuffer       // (T, B, 3H) r, z, n; backward turns them into gradients
        let candidates: GateBuffer  // (T, B, H) W_hn·h + b_hn; likewise
        let hidden: Tensor          // (T, B, H): the output
        let initial: GRUState
    }

    func forward(_ x: Tensor, weights w: Weights, state: GRUState,
                 isCancelled: () -> Bool) throws -> (Tensor, GRUState, Cache) {
        let (steps, batch) = (x.shape[0], x.shape[1])
        let shape = GRUKernels.Shape(steps: steps, batch: batch, input: inputWidth, hidden: units)
        var gates = Tensor(uninitialized: [steps, batch, 3 * units])
        var candidates = Tensor(uninitialized: [steps, batch, units])
        var hidden = Tensor(uninitialized: [steps, batch, units])
        try x.values.withUnsafeBufferPointer { xp in
            try w.weightIH.values.withUnsafeBufferPointer { wih in
                try w.weightHH.values.withUnsafeBufferPointer { whh in
                    try w.biasIH.values.withUnsafeBufferPointer { bih in
                        try w.biasHH.values.withUnsafeBufferPointer { bhh in
                            try state.h.values.withUnsafeBufferPointer { h0 in
                                try gates.values.withUnsafeMutableBufferPointer { gp in
                                    try candidates.values.withUnsafeMutableBufferPointer { up in
                                        try hidden.values.withUnsafeMutableBufferPointer { hp in
                                            try GRUKernels.forward(
                                                shape, x: xp.baseAddress!, weightIH: wih.baseAddress!,
                                                weightHH: whh.baseAddress!, biasIH: bih.baseAddress!,
                                                biasHH: bhh.baseAddress!, h0: h0.baseAddress!, gates: gp.baseAddress!,
                                                candidates: up.baseAddress!, hidden: hp.baseAddress!,
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
        let final = GRUState(h: Tensor(shape: [batch, units], values: Array(hidden.values[last...])))
        return (hidden, final, Cache(input: x, gates: GateBuffer(gates), candidates: GateBuffer(candidates),
                                     hidden: hidden, initial: state))
    }

    /// Backpropagation through the chunk, truncated at its start. Accumulates the four
    /// parameter gradients (in `weight_ih, weight_hh, bias_ih, bias_hh` order); returns `dX` when
    /// asked for. The cache's buffers are reused for the gradients: the cache is spent afterwards.
    func backward(_ dOut: Tensor, cache: Cache, weights w: Weights, grads: inout [Tensor], at offset: Int,
                  inputGradient: Bool, isCancelled: () -> Bool) throws -> Tensor? {
        let shape = GRUKernels.Shape(steps: dOut.shape[0], batch: dOut.shape[1], input: inputWidth, hidden: units)
        var dX = Tensor(uninitialized: inputGradient ? cache.input.shape : [0])
        var dWIH = grads[offset], dWHH = grads[offset + 1], dBIH = grads[offset + 2], dBHH = grads[offset + 3]
        for i in offset..<(offset + 4) { grads[i] = Tensor(zeros: []) }   // release, so the buffers stay unique
        defer { grads[offset] = dWIH; grads[offset + 1] = dWHH; grads[offset + 2] = dBIH; grads[offset + 3] = dBHH }
        try cache.input.values.withUnsafeBufferPointer { xp in
            try w.weightIH.values.withUnsafeBufferPointer { wih in
                try w.weightHH.values.withUnsafeBufferPointer { whh in
                    try cache.initial.h.values.withUnsafeBufferPointer { h0 in
                        try cache.gates.tensor.values.withUnsafeMutableBufferPointer { gp in
                            try cache.candidates.tensor.values.withUnsafeMutableBufferPointer { up in
                                try cache.hidden.values.withUnsafeBufferPointer { hp in
                                    try dOut.values.withUnsafeBufferPointer { dop in
                                        try dWIH.values.withUnsafeMutableBufferPointer { dwih in
                                            try dWHH.values.withUnsafeMutableBufferPointer { dwhh in
                                                try dBIH.values.withUnsafeMutableBufferPointer { dbih in
                                                    try dBHH.values.withUnsafeMutableBufferPointer { dbhh in
                                                        try dX.values.withUnsafeMutableBufferPointer { dxp in
                                                            try GRUKernels.backward(
                                                                shape, x: xp.baseAddress!, weightIH: wih.baseAddress!,
                                                                weightHH: whh.baseAddress!, h0: h0.baseAddress!,
                                                                gates: gp.baseAddress!, candidates: up.baseAddress!,
                                                                hidden: hp.baseAddress!, dOut: dop.baseAddress!,
                                                                dWeightIH: dwih.baseAddress!, dWeightHH: dwhh.baseAddress!,
                                                                dBiasIH: dbih.baseAddress!, dBiasHH: dbhh.baseAddress!,
                                                                dX: inputGradient ? dxp.baseAddress! : nil,
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
        return inputGradient ? dX : nil
    }
}
