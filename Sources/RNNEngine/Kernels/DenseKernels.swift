/// The dense layer's products over all `rows = T·B` rows at once.
enum DenseKernels {
    /// `y = f(x · Wᵀ + b)`; x `(rows, inWidth)`, W `(outWidth, inWidth)`, y `(rows, outWidth)`.
    static func forward(x: UnsafePointer<Float>, rows: Int, inWidth: Int, outWidth: Int,
                        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                        activation: Activation, y: UnsafeMutablePointer<Float>) {
        Elementwise.broadcastRows(bias, into: y, rows: rows, width: outWidth)
        Gemm.sgemm(transA: false, transB: true, m: rows, n: outWidth, k: inWidth,
                   alpha: 1, a: x, lda: inWidth, b: weight, ldb: inWidth, beta: 1, c: y, ldc: outWidth)
        Elementwise.activate(activation, y, count: rows * outWidth)
    }

    /// Accumulates the weight and bias gradients from the pre-activation gradient `dZ`
    /// `(rows, outWidth)` and writes `dX` (skipped when nil: nobody needs the first layer's).
    static func backward(x: UnsafePointer<Float>, dZ: UnsafePointer<Float>, rows: Int, inWidth: Int, outWidth: Int,
                         weight: UnsafePointer<Float>,
                         dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                         dX: UnsafeMutablePointer<Float>?) {
        Gemm.sgemm(transA: true, transB: false, m: outWidth, n: inWidth, k: rows,
                   alpha: 1, a: dZ, lda: outWidth, b: x, ldb: inWidth, beta: 1, c: dWeight, ldc: inWidth)
        Elementwise.accumulateColumnSums(dZ, rows: rows, width: outWidth, into: dBias)
        guard let dX else { return }
        Gemm.sgemm(transA: false, transB: false, m: rows, n: inWidth, k: outWidth,
                   alpha: 1, a: dZ, lda: outWidth, b: weight, ldb: inWidth, beta: 0, c: dX, ldc: inWidth)
    }
}
