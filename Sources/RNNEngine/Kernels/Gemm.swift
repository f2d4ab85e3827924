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
