/// Additive Gaussian noise, `y = x + std·ε`, while training; the identity otherwise.
/// Its gradient is the identity either way.
struct GaussianNoise: Sendable {
    let std: Float

    /// Whether the layer draws anything: a chunk takes its stream only then.
    func draws(in mode: Mode) -> Bool { mode == .training && std > 0 }

    /// Adds the stream's next values in place: when nothing else holds `x` (a ReLU layer keeps
    /// only its mask), no second buffer is needed.
    func apply(to x: inout Tensor, stream: inout GaussianStream) {
        x.values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            stream.add(to: base, count: buffer.count)
        }
    }
}

/// Inverted dropout: while training, each value is zeroed with probability `rate` and the
/// survivors scaled by 1/(1 − rate), so inference needs no rescaling.
struct Dropout: Sendable {
    let rate: Float

    /// Whether the layer draws anything: one uniform per value, while training.
    func draws(in mode: Mode) -> Bool { mode == .training && rate > 0 }

    /// Returns the output and the per-value scale (0 or 1/(1 − rate)) that backward reuses.
    /// `rng` is the layer's stream: it advances by one word per value.
    func forward(_ x: Tensor, mode: Mode, rng: inout Random) -> (Tensor, [Float]?) {
        guard draws(in: mode) else { return (x, nil) }
        let keep = 1 / (1 - rate)
        var mask = [Float](repeating: 0, count: x.count)
        var y = x
        for i in mask.indices {
            mask[i] = rng.uniform() < Double(rate) ? 0 : keep
            y.values[i] *= mask[i]
        }
        return (y, mask)
    }

    func backward(_ dOut: Tensor, mask: [Float]?) -> Tensor {
        guard let mask else { return dOut }
        var dX = dOut
        for i in mask.indices { dX.values[i] *= mask[i] }
        return dX
    }
}
