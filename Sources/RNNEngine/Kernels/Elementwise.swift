/// Fused elementwise loops over contiguous rows: bias, activations and their derivatives,
/// column sums. Eight lanes at a time; a row's tail goes through the same vector code.
enum Elementwise {
    /// `x[r, j] += bias[j]` for every row.
    static func addBias(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * width
            var j = 0
            while j < width {
                let n = min(8, width - j)
                storeVector(loadVector(row + j, n) + loadVector(bias + j, n), row + j, n)
                j += 8
            }
        }
    }

    /// Applies `activation` in place to `count` values.
    static func activate(_ activation: Activation, _ x: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i < count {
            let n = min(8, count - i)
            let v = loadVector(x + i, n)
            let y: SIMD8<Float>
            switch activation {
            case .linear: return
            case .relu: y = v.replacing(with: 0, where: v .< 0)
            case .tanh: y = FastMath.tanh(v)
            case .sigmoid: y = FastMath.sigmoid(v)
            }
            storeVector(y, x + i, n)
            i += 8
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

    /// `sums[j] += Σ_r x[r, j]`, accumulated row by row in a fixed order (deterministic).
    static func accumulateColumnSums(_ x: UnsafePointer<Float>, rows: Int, width: Int,
                                     into sums: UnsafeMutablePointer<Float>) {
        var j = 0
        while j < width {
            let n = min(8, width - j)
            var acc = SIMD8<Float>()
            for r in 0..<rows { acc += loadVector(x + r * width + j, n) }
            storeVector(loadVector(sums + j, n) + acc, sums + j, n)
            j += 8
        }
    }

    /// `y[i] += x[i]`.
    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i < count {
            let n = min(8, count - i)
            storeVector(loadVector(y + i, n) + loadVector(x + i, n), y + i, n)
            i += 8
        }
    }

    /// One byte per value: 1 where the value is positive (a ReLU unit that was active).
    static func positiveMask(_ y: UnsafeBufferPointer<Float>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: y.count) { mask, initialized in
            for i in 0..<y.count { mask[i] = y[i] > 0 ? 1 : 0 }
            initialized = y.count
        }
    }

    /// Zeroes the gradient of every inactive unit.
    static func keepActive(_ mask: UnsafeBufferPointer<UInt8>, _ grad: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<grad.count where mask[i] == 0 { grad[i] = 0 }
    }
}
