import COpenBLAS

/// Row-major single-precision matrix products: `C = alpha · op(A) · op(B) + beta · C`,
/// with `op(A)` of shape `(m, k)` and `op(B)` of shape `(k, n)`.
public enum Gemm {

    /// Products at least this large (m·n·k) are split across the engine's threads.
    static let parallelThreshold = 1 << 22

    /// The product through OpenBLAS (`cblas_sgemm`, single-threaded), split by rows of C across
    /// the engine's threads when it is large. The split depends only on the thread count, so
    /// the result is the same every time for the same count.
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            scale(c, rows: m, cols: n, ldc: ldc, by: beta)
            return
        }
        if KernelLanes.widest == .sixteen, alpha == 1, beta == 0 || beta == 1, RecurrentKernels.supports(n: n) {
            registerBlocked(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                            accumulate: beta == 1, c: c, ldc: ldc)
            return
        }
        _ = BLASCore.configured        // OpenBLAS single-threaded (see `Threads`), its best kernels
        if m * n * k >= parallelThreshold, m >= 2 * 16, Threads.count > 1 {
            let p = UncheckedSendable((a, b, c))
            _ = Parallel.forEachRowGroup(rows: m) { rows, _ in
                let (a, b, c) = p.value
                let r0 = rows.lowerBound
                cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                            Int32(rows.count), Int32(n), Int32(k), alpha, transA ? a + r0 : a + r0 * lda, Int32(lda),
                            b, Int32(ldb), beta, c + r0 * ldc, Int32(ldc))
                return true
            }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The products of the model's shapes (every C as wide as a multiple of 32) by the time
    /// loop's register-blocked kernel, at the lane width in force: A and B stream from cache as
    /// they lie (a transposed A is read through its strides), where OpenBLAS would first copy
    /// both into its packed layout; only a transposed B, a weight, is laid out `(k, n)` first.
    /// Every value of C is one chain of fused multiply-adds over k in order, so C does not depend
    /// on the thread count, the lane width or the OpenBLAS build. Used on CPUs with AVX-512,
    /// where it beats OpenBLAS at these shapes (0.85 against 1.15 s per epoch of the bench at
    /// K = 100); at eight lanes OpenBLAS's packed kernels are faster (1.65 against 1.37 s).
    static func registerBlocked(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int, accumulate: Bool, c: UnsafeMutablePointer<Float>,
                                ldc: Int) {
        let laidOut = UnsafeMutablePointer<Float>.allocate(capacity: transB ? k * n : 0)
        defer { laidOut.deallocate() }
        if transB { for j in 0..<n { for p in 0..<k { laidOut[p * n + j] = b[j * ldb + p] } } }
        let lanes = KernelLanes.inForce
        let operands = UncheckedSendable((a, transB ? UnsafePointer(laidOut) : b, c))
        let (rowStride, columnStride) = transA ? (1, lda) : (lda, 1), bStride = transB ? n : ldb
        @Sendable func rows(_ rows: Range<Int>) {
            let (a, b, c) = operands.value
            lanes.multiply(a + rows.lowerBound * rowStride, rowStride: rowStride, columnStride: columnStride, b,
                           ldb: bStride, rows: rows.count, inner: k, columns: n, into: c + rows.lowerBound * ldc,
                           ldc: ldc, accumulate: accumulate)
        }
        if m * n * k >= parallelThreshold, m >= 2 * 16, Threads.count > 1 {
            _ = Parallel.forEachRowGroup(rows: m) { range, _ in rows(range); return true }
        } else {
            rows(0..<m)
        }
    }

    /// The same product by the textbook triple loop, accumulated in double: the reference for tests.
    public static func naive(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let aValue = transA ? a[p * lda + i] : a[i * lda + p]
                    let bValue = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(aValue) * Double(bValue)
                }
                let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                c[i * ldc + j] = Float(Double(alpha) * sum + old)
            }
        }
    }

    private static func scale(_ c: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ldc: Int, by beta: Float) {
        for i in 0..<rows {
            for j in 0..<cols { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] }
        }
    }
}
