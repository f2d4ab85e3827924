/// The per-step recurrent product `C[r, ·] (+)= A[r, ·] · B` of the time loops, at the lane
/// width a time loop read once (`KernelLanes.inForce`; the kernel itself is `RecurrentProduct`).
enum RecurrentKernels {
    /// Whether `n` suits the kernel (a multiple of 32); callers use `Gemm` otherwise.
    static func supports(n: Int) -> Bool { n > 0 && n % 32 == 0 }

    /// `C = A·B` (or `C += A·B` when `accumulate`), A `(m, k)` with row stride `lda`, B `(k, n)`
    /// contiguous, C `(m, n)` with row stride `ldc`.
    static func multiply(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, rows m: Int, inner k: Int,
                         columns n: Int, into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                         lanes: KernelLanes) {
        lanes.multiply(a, rowStride: lda, columnStride: 1, b, ldb: n, rows: m, inner: k, columns: n, into: c, ldc: ldc,
                       accumulate: accumulate)
    }
}
