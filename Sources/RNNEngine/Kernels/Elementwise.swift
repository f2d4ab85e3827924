import RNNLanes
/// Fused elementwise loops over contiguous rows: bias, activations and their derivatives,
/// column sums. Eight lanes at a time; a row's tail goes through the same vector code.
enum Elementwise {
    /// `x[r, ·] = bias` for every row: products then accumulate onto it (β = 1), which saves
    /// both a zeroing pass and a bias pass over the output.
    static func broadcastRows(_ bias: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows { (x + r * width).update(from: bias, count: width) }
    }

    /// Applies `activation` in place to `count` values.
    static func activate(_ activation: Activation, _ x: UnsafeMutablePointer<Float>, count: Int) {
        guard activation != .linear else { return }
        var i = 0
        while i + 8 <= count {
            activateLanes(FullLanes(), activation, x + i)
            i += 8
        }
        if i < count { activateLanes(PartialLanes(count: count - i), activation, x + i) }
    }

    @inline(__always)
    static func activateLanes<L: LaneAccess<SIMD8<Float>>>(_ lanes: L, _ activation: Activation, _ p: UnsafeMutablePointer<Float>) {
        let v = lanes.load(p)
        switch activation {
        case .linear: return
        case .relu: lanes.store(v.replacing(with: 0, where: v .< 0), p)
        case .tanh: lanes.store(FastMath.tanh(v), p)
        case .sigmoid: lanes.store(FastMath.sigmoid(v), p)
        }
    }

    /// `grad ← grad · f′` in place, with the derivative written through the activation's output `y`.
    static func multiplyByDerivative(_ activation: Activation, output y: UnsafePointer<Float>,
                                     _ grad: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i < count {
            let n = min(8, count - i)
            let yv = loadVector(y + i, n), g = loadVector(grad + i, n)
            let d: SIMD8<Float>
            switch activation {
            case .linear: return
            case .relu: d = g.replacing(with: 0, where: yv .<= 0)
            case .tanh: d = g * (1 - yv * yv)
            case .sigmoid: d = g * yv * (1 - yv)
            }
            storeVector(d, grad + i, n)
            i += 8
        }
    }

    /// `sums[j] += Σ_r x[r, j]`, row after row in one streaming pass (each column still sums
    /// its rows in order, so the result is deterministic).
    static func accumulateColumnSums(_ x: UnsafePointer<Float>, rows: Int, width: Int,
                                     into sums: UnsafeMutablePointer<Float>) {
        let acc = UnsafeMutablePointer<Float>.allocate(capacity: width)
        defer { acc.deallocate() }
        acc.initialize(repeating: 0, count: width)
        for r in 0..<rows { add(x + r * width, into: acc, count: width) }
        add(acc, into: sums, count: width)
    }

    /// `y[i] += x[i]`.
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let full = FullLanes()
        while i + 8 <= count {
            full.store(full.load(y + i) + full.load(x + i), y + i)
            i += 8
        }
        if i < count {
            let tail = PartialLanes(count: count - i)
            tail.store(tail.load(y + i) + tail.load(x + i), y + i)
        }
    }

    /// One bit per value, value `first + i` at bit `(first + i) % 8` of byte `(first + i) / 8`:
    /// set where the value is positive (a ReLU unit that was active). The bits of
    /// `[first, first + count)` must be clear on entry (a zeroed mask, filled in order).
    static func positiveBits(_ y: UnsafePointer<Float>, count: Int, into mask: UnsafeMutablePointer<UInt8>, first: Int) {
        func set(_ i: Int) {
            if y[i] > 0 { mask[(first + i) >> 3] |= UInt8(1) << UInt8((first + i) & 7) }
        }
        var i = 0
        while i < count, (first + i) & 7 != 0 { set(i); i += 1 }
        while i + 8 <= count {            // whole bytes, without a branch per value
            var byte: UInt8 = 0
            for j in 0..<8 { byte |= (y[i + j] > 0 ? 1 : 0) << UInt8(j) }
            mask[(first + i) >> 3] = byte
            i += 8
        }
        while i < count { set(i); i += 1 }
    }

    /// Zeroes the gradient of every inactive unit (a clear bit of `positiveBits`).
    static func keepActive(bits mask: UnsafeBufferPointer<UInt8>, _ grad: UnsafeMutableBufferPointer<Float>) {
        guard let g = grad.baseAddress else { return }
        // Lane j shifts bit j of the byte to the sign bit; an arithmetic shift spreads it over the
        // lane: all ones keeps the value, zero clears it. Integer shifts and ands vectorise (a
        // generic SIMD comparison compiles lane by lane through memory).
        let toSign = SIMD8<UInt32>(31, 30, 29, 28, 27, 26, 25, 24), full = FullLanes()
        var i = 0
        while i + 8 <= grad.count {       // one mask byte per eight values
            let bits = SIMD8<UInt32>(repeating: UInt32(mask[i >> 3])) &<< toSign
            let keep = unsafeBitCast(unsafeBitCast(bits, to: SIMD8<Int32>.self) &>> 31, to: SIMD8<UInt32>.self)
            let kept = unsafeBitCast(full.load(g + i), to: SIMD8<UInt32>.self) & keep
            full.store(unsafeBitCast(kept, to: SIMD8<Float>.self), g + i)
            i += 8
        }
        while i < grad.count {
            if mask[i >> 3] & (UInt8(1) << UInt8(i & 7)) == 0 { g[i] = 0 }
            i += 1
        }
    }
}
