/// A time-distributed dense layer, `y = f(x·Wᵀ + b)`, as one product over all `T·B` rows.
struct Dense: Sendable {
    let inputWidth: Int
    let units: Int
    let activation: Activation

    struct Cache: Sendable {
        let input: Tensor   // (T, B, in)
        let derivative: Derivative
    }

    /// What backward needs for f′: nothing (linear), which units were active (relu: one bit
    /// each, so the output itself can be released — or noised in place — by the next layer),
    /// or the output (tanh, sigmoid).
    enum Derivative: Sendable {
        case identity
        case active([UInt8])
        case output(Tensor)
    }

    /// Rows per time block of a `(T, B, D)` tensor (`TimeBlocks`).
    static func blockRows(_ shape: [Int]) -> Int {
        TimeBlocks.steps * (shape.count == 3 ? shape[1] : 1)
    }

    /// Whether a noise layer after this one can be fused into its output: the cache must not
    /// keep the output itself (ReLU keeps a mask taken before the noise, linear nothing).
    var fusesNoise: Bool { activation == .relu || activation == .linear }

    /// `y = f(x·Wᵀ + b)`, block by block (`TimeBlocks`); with `noise` (only when `fusesNoise`),
    /// the next layer's noise is added to each block while it is in cache — the same values in
    /// the same order as a separate pass, with the ReLU mask taken before it.
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor, noise: inout GaussianStream?) -> (Tensor, Cache) {
        precondition(noise == nil || fusesNoise)
        var y = Tensor(uninitialized: [x.shape[0], x.shape[1], units])
        var mask = [UInt8]()
        if activation == .relu { mask = [UInt8](repeating: 0, count: (y.count + 7) / 8) }
        let width = units, relu = activation == .relu
        x.values.withUnsafeBufferPointer { xp in
            weight.values.withUnsafeBufferPointer { wp in
                bias.values.withUnsafeBufferPointer { bp in
                    y.values.withUnsafeMutableBufferPointer { yp in
                        mask.withUnsafeMutableBufferPointer { mp in
                            DenseKernels.forward(x: xp.baseAddress!, rows: x.rows, blockRows: Self.blockRows(x.shape),
                                                 inWidth: inputWidth, outWidth: units,
                                                 weight: wp.baseAddress!, bias: bp.baseAddress!,
                                                 activation: activation, y: yp.baseAddress!) { r0, n in
                                let block = yp.baseAddress! + r0 * width
                                if relu, let m = mp.baseAddress {
                                    Elementwise.positiveBits(block, count: n * width, into: m, first: r0 * width)
                                }
                                noise?.add(to: block, count: n * width)
                            }
                        }
                    }
                }
            }
        }
        let derivative: Derivative
        switch activation {
        case .linear: derivative = .identity
        case .relu: derivative = .active(mask)
        case .tanh, .sigmoid: derivative = .output(y)
        }
        return (y, Cache(input: x, derivative: derivative))
    }

    /// Accumulates the weight and bias gradients into `grads[offset]` and `grads[offset + 1]`;
    /// returns `dX` when asked for. `dZ` enters as ∂L/∂y and is turned into the pre-activation gradient in place.
    func backward(_ dZ: inout Tensor, cache: Cache, weight: Tensor, grads: inout [Tensor], at offset: Int,
                  inputGradient: Bool) -> Tensor? {
        switch cache.derivative {
        case .identity:
            break
        case let .active(mask):
            mask.withUnsafeBufferPointer { m in
                dZ.values.withUnsafeMutableBufferPointer { Elementwise.keepActive(bits: m, $0) }
            }
        case let .output(y):
            y.values.withUnsafeBufferPointer { yp in
                dZ.values.withUnsafeMutableBufferPointer { dzp in
                    Elementwise.multiplyByDerivative(activation, output: yp.baseAddress!, dzp.baseAddress!, count: dzp.count)
                }
            }
        }
        var dX = Tensor(uninitialized: inputGradient ? cache.input.shape : [0])
        var dWeight = grads[offset], dBias = grads[offset + 1]
        grads[offset] = Tensor(zeros: []); grads[offset + 1] = Tensor(zeros: [])   // keep the buffers unique
        defer { grads[offset] = dWeight; grads[offset + 1] = dBias }
        cache.input.values.withUnsafeBufferPointer { xp in
            weight.values.withUnsafeBufferPointer { wp in
                dZ.values.withUnsafeBufferPointer { dzp in
                    dWeight.values.withUnsafeMutableBufferPointer { dwp in
                        dBias.values.withUnsafeMutableBufferPointer { dbp in
                            dX.values.withUnsafeMutableBufferPointer { dxp in
                                DenseKernels.backward(
                                    x: xp.baseAddress!, dZ: dzp.baseAddress!, rows: cache.input.rows,
                                    blockRows: Self.blockRows(cache.input.shape), inWidth: inputWidth, outWidth: units, weight: wp.baseAddress!,
                                    dWeight: dwp.baseAddress!, dBias: dbp.baseAddress!, dX: inputGradient ? dxp.baseAddress! : nil)
                            }
                        }
                    }
                }
            }
        }
        return inputGradient ? dX : nil
    }
}
