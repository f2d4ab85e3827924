/// The small product of every time step, `C[r, ·] (+)= A[r, ·] · B` for a few rows (the
/// sequences of a batch) against a weight `B` laid out `(k, n)` row-major and reused for the
/// whole chunk. OpenBLAS repacks `B` on every call, which costs more than the arithmetic at
/// these sizes; here `B` streams straight from cache. Columns go 32 at a time (four vectors),
/// rows three at a time, so each weight load serves three rows.
enum RecurrentKernels {
    /// Whether `n` suits the kernel (a multiple of 32); callers use `Gemm` otherwise.
    static func supports(n: Int) -> Bool { n > 0 && n % 32 == 0 }

    /// `C = A·B` (or `C += A·B` when `accumulate`), A `(m, k)` with row stride `lda`, B `(k, n)`
    /// contiguous, C `(m, n)` with row stride `ldc`.
    static func multiply(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, rows m: Int, inner k: Int,
                         columns n: Int, into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        var r = 0
        while r + 3 <= m {
            threeRows(a + r * lda, lda: lda, b, k: k, n: n, c + r * ldc, ldc: ldc, accumulate: accumulate)
            r += 3
        }
        while r < m {
            oneRow(a + r * lda, b, k: k, n: n, c + r * ldc, accumulate: accumulate)
            r += 1
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    private static func threeRows(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, k: Int, n: Int,
                                  _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let c1 = c + ldc, c2 = c + 2 * ldc
        var j = 0
        while j < n {
            var x0 = SIMD8<Float>(), x1 = SIMD8<Float>(), x2 = SIMD8<Float>(), x3 = SIMD8<Float>()
            var y0 = SIMD8<Float>(), y1 = SIMD8<Float>(), y2 = SIMD8<Float>(), y3 = SIMD8<Float>()
            var z0 = SIMD8<Float>(), z1 = SIMD8<Float>(), z2 = SIMD8<Float>(), z3 = SIMD8<Float>()
            if accumulate {
                x0 = load(c + j); x1 = load(c + j + 8); x2 = load(c + j + 16); x3 = load(c + j + 24)
                y0 = load(c1 + j); y1 = load(c1 + j + 8); y2 = load(c1 + j + 16); y3 = load(c1 + j + 24)
                z0 = load(c2 + j); z1 = load(c2 + j + 8); z2 = load(c2 + j + 16); z3 = load(c2 + j + 24)
            }
            for p in 0..<k {
                let w = b + p * n + j
                let w0 = load(w), w1 = load(w + 8), w2 = load(w + 16), w3 = load(w + 24)
                let u = SIMD8<Float>(repeating: a[p]), v = SIMD8<Float>(repeating: a[lda + p])
                let s = SIMD8<Float>(repeating: a[2 * lda + p])
                x0.addProduct(u, w0); x1.addProduct(u, w1); x2.addProduct(u, w2); x3.addProduct(u, w3)
                y0.addProduct(v, w0); y1.addProduct(v, w1); y2.addProduct(v, w2); y3.addProduct(v, w3)
                z0.addProduct(s, w0); z1.addProduct(s, w1); z2.addProduct(s, w2); z3.addProduct(s, w3)
            }
            store(x0, c + j); store(x1, c + j + 8); store(x2, c + j + 16); store(x3, c + j + 24)
            store(y0, c1 + j); store(y1, c1 + j + 8); store(y2, c1 + j + 16); store(y3, c1 + j + 24)
            store(z0, c2 + j); store(z1, c2 + j + 8); store(z2, c2 + j + 16); store(z3, c2 + j + 24)
            j += 32
        }
    }

    private static func oneRow(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, k: Int, n: Int,
                               _ c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        var j = 0
        while j < n {
            var x0 = SIMD8<Float>(), x1 = SIMD8<Float>(), x2 = SIMD8<Float>(), x3 = SIMD8<Float>()
            if accumulate { x0 = load(c + j); x1 = load(c + j + 8); x2 = load(c + j + 16); x3 = load(c + j + 24) }
            for p in 0..<k {
                let w = b + p * n + j
                let u = SIMD8<Float>(repeating: a[p])
                x0.addProduct(u, load(w)); x1.addProduct(u, load(w + 8))
                x2.addProduct(u, load(w + 16)); x3.addProduct(u, load(w + 24))
            }
            store(x0, c + j); store(x1, c + j + 8); store(x2, c + j + 16); store(x3, c + j + 24)
            j += 32
        }
    }
}
