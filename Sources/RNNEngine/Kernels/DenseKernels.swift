/// The dense layer's products over the `rows = T·B` rows of a chunk, in time blocks
/// (`TimeBlocks`: `blockRows` rows each).
enum DenseKernels {
    /// `y = f(x · Wᵀ + b)`; x `(rows, inWidth)`, W `(outWidth, inWidth)`, y `(rows, outWidth)`.
    /// Bias, product and activation run block by block, so the activation — and `after(firstRow,
    /// rowCount)`, the caller's own pass over the finished block — read the block from cache.
    static func forward(x: UnsafePointer<Float>, rows: Int, blockRows: Int, inWidth: Int, outWidth: Int,
                        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                        activation: Activation, y: UnsafeMutablePointer<Float>,
                        after: (Int, Int) -> Void = { _, _ in }) {
        TimeBlocks.forEach(rows: rows, blockRows: blockRows) { r0, n in
            let yBlock = y + r0 * outWidth
            Elementwise.broadcastRows(bias, into: yBlock, rows: n, width: outWidth)
            Gemm.sgemm(transA: false, transB: true, m: n, n: outWidth, k: inWidth,
                       alpha: 1, a: x + r0 * inWidth, lda: inWidth, b: weight, ldb: inWidth, beta: 1, c: yBlock, ldc: outWidth)
            Elementwise.activate(activation, yBlock, count: n * outWidth)
            after(r0, n)
        }
    }

    /// Accumulates the weight and bias gradients from the pre-activation gradient `dZ`
    /// `(rows, outWidth)` and writes `dX` (skipped when nil: nobody needs the first layer's).
    /// The gradients sum the blocks last first (`TimeBlocks`).
    static func backward(x: UnsafePointer<Float>, dZ: UnsafePointer<Float>, rows: Int, blockRows: Int,
                         inWidth: Int, outWidth: Int, weight: UnsafePointer<Float>,
                         dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                         dX: UnsafeMutablePointer<Float>?) {
        TimeBlocks.forEach(rows: rows, blockRows: blockRows, reversed: true) { r0, n in
            let dzBlock = dZ + r0 * outWidth
            Gemm.sgemm(transA: true, transB: false, m: outWidth, n: inWidth, k: n,
                       alpha: 1, a: dzBlock, lda: outWidth, b: x + r0 * inWidth, ldb: inWidth, beta: 1,
                       c: dWeight, ldc: inWidth)
            Elementwise.accumulateColumnSums(dzBlock, rows: n, width: outWidth, into: dBias)
            guard let dX else { return }
            Gemm.sgemm(transA: false, transB: false, m: n, n: inWidth, k: outWidth,
                       alpha: 1, a: dzBlock, lda: outWidth, b: weight, ldb: inWidth, beta: 0,
                       c: dX + r0 * inWidth, ldc: inWidth)
        }
    }
}
