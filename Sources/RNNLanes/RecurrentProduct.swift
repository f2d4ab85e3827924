/// The small product of every time step, `C[r, ·] (+)= A[r, ·] · B` for a few rows (the
/// sequences of a batch) against a weight `B` laid out `(k, n)` row-major and reused for the
/// whole chunk. OpenBLAS repacks `B` on every call, which costs more than the arithmetic at
/// these sizes; here `B` streams straight from cache.
///
/// Columns go four vectors at a time, rows up to `maxRows` at a time, so each weight load
/// serves several rows (three rows for AVX2's 16 registers, four for AVX-512's 32). Every
/// value is the same chain of fused multiply-adds over k in order, whatever the blocking and
/// the lane width.
public enum RecurrentProduct {
    /// `C = A·B` (or `C += A·B` when `accumulate`): A `(m, k)` with `A[r, p]` at
    /// `a[r·rowStride + p·columnStride]` (so a transposed A is a pair of strides), B `(k, n)` with
    /// row stride `ldb`, C `(m, n)` with row stride `ldc`; `n` a multiple of the lane width.
    @inlinable @inline(__always)
    public static func multiply<V: FloatLanes>(_: V.Type, maxRows: Int, _ a: UnsafePointer<Float>, rowStride: Int,
                                               columnStride: Int, _ b: UnsafePointer<Float>, ldb: Int, rows m: Int,
                                               inner k: Int, columns n: Int, into c: UnsafeMutablePointer<Float>,
                                               ldc: Int, accumulate: Bool) {
        precondition(n % V.width == 0 && (1...4).contains(maxRows), "columns a multiple of the lane width")
        let a = Strided(base: a, row: rowStride, column: columnStride)
        var r = 0
        while r < m {
            let rows = min(maxRows, m - r)
            let (ar, cr) = (a.rows(from: r), c + r * ldc)
            switch rows {
            case 4: block(V.self, rows: 4, ar, b, ldb: ldb, k: k, n: n, cr, ldc: ldc, accumulate: accumulate)
            case 3: block(V.self, rows: 3, ar, b, ldb: ldb, k: k, n: n, cr, ldc: ldc, accumulate: accumulate)
            case 2: block(V.self, rows: 2, ar, b, ldb: ldb, k: k, n: n, cr, ldc: ldc, accumulate: accumulate)
            default: block(V.self, rows: 1, ar, b, ldb: ldb, k: k, n: n, cr, ldc: ldc, accumulate: accumulate)
            }
            r += rows
        }
    }

    /// A matrix read through a row and a column stride.
    @usableFromInline
    struct Strided {
        @usableFromInline let base: UnsafePointer<Float>, row: Int, column: Int

        @inlinable @inline(__always) init(base: UnsafePointer<Float>, row: Int, column: Int) {
            (self.base, self.row, self.column) = (base, row, column)
        }

        @inlinable @inline(__always) func rows(from r: Int) -> Strided {
            Strided(base: base + r * row, row: row, column: column)
        }

        /// Row `r`'s first value; its value p is `column · p` further.
        @inlinable @inline(__always) func start(_ r: Int) -> UnsafePointer<Float> { base + r * row }
    }

    /// One row's four accumulator vectors.
    @usableFromInline
    struct Quad<V: FloatLanes> {
        @usableFromInline var v0 = V(), v1 = V(), v2 = V(), v3 = V()

        @inlinable @inline(__always) init() {}

        @inlinable @inline(__always) init(_ p: UnsafePointer<Float>) {
            let lanes = WholeLanes<V>()
            v0 = lanes.load(p); v1 = lanes.load(p + V.width); v2 = lanes.load(p + 2 * V.width); v3 = lanes.load(p + 3 * V.width)
        }

        @inlinable @inline(__always) mutating func add(_ s: V, _ w: Quad) {
            v0.addProduct(s, w.v0); v1.addProduct(s, w.v1); v2.addProduct(s, w.v2); v3.addProduct(s, w.v3)
        }

        @inlinable @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) {
            let lanes = WholeLanes<V>()
            lanes.store(v0, p); lanes.store(v1, p + V.width); lanes.store(v2, p + 2 * V.width); lanes.store(v3, p + 3 * V.width)
        }
    }

    /// `rows` (1 to 4, a constant once inlined) rows of C: four vectors of columns at a time,
    /// then single vectors for the last columns.
    @inlinable @inline(__always)
    static func block<V: FloatLanes>(_: V.Type, rows: Int, _ a: Strided, _ b: UnsafePointer<Float>, ldb: Int,
                                     k: Int, n: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let (a0, a1, a2, a3) = (a.start(0), a.start(1), a.start(2), a.start(3)), step = a.column
        let (c1, c2, c3) = (c + ldc, c + 2 * ldc, c + 3 * ldc)
        var j = 0
        while j + 4 * V.width <= n {
            var x0 = Quad<V>(), x1 = Quad<V>(), x2 = Quad<V>(), x3 = Quad<V>()
            if accumulate {
                x0 = Quad(c + j)
                if rows > 1 { x1 = Quad(c1 + j) }
                if rows > 2 { x2 = Quad(c2 + j) }
                if rows > 3 { x3 = Quad(c3 + j) }
            }
            for p in 0..<k {
                let w = Quad<V>(b + p * ldb + j), q = p * step
                x0.add(V(repeating: a0[q]), w)
                if rows > 1 { x1.add(V(repeating: a1[q]), w) }
                if rows > 2 { x2.add(V(repeating: a2[q]), w) }
                if rows > 3 { x3.add(V(repeating: a3[q]), w) }
            }
            x0.store(c + j)
            if rows > 1 { x1.store(c1 + j) }
            if rows > 2 { x2.store(c2 + j) }
            if rows > 3 { x3.store(c3 + j) }
            j += 4 * V.width
        }
        let lanes = WholeLanes<V>()
        while j < n {
            for r in 0..<rows {
                let (ar, cr) = (a.start(r), c + r * ldc)
                var x = accumulate ? lanes.load(cr + j) : V()
                for p in 0..<k { x.addProduct(V(repeating: ar[p * step]), lanes.load(b + p * ldb + j)) }
                lanes.store(x, cr + j)
            }
            j += V.width
        }
    }
}
