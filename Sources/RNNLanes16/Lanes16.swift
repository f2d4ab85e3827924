import RNNLanes

/// The kernels at sixteen lanes, compiled for AVX-512 (this module alone is built with
/// `-target-cpu skylake-avx512`). Call them only when the CPU has AVX-512: the engine checks
/// once (`KernelLanes` in RNNEngine). Each entry is a plain function so its body is compiled
/// here, with this module's instruction set, and not inlined into a caller built for AVX2.
public enum Lanes16 {
    public typealias Vector = SIMD16<Float>

    @inline(never)
    public static func multiply(_ a: UnsafePointer<Float>, rowStride: Int, columnStride: Int, _ b: UnsafePointer<Float>,
                                ldb: Int, rows: Int, inner: Int, columns: Int, into c: UnsafeMutablePointer<Float>,
                                ldc: Int, accumulate: Bool) {
        RecurrentProduct.multiply(Vector.self, maxRows: 4, a, rowStride: rowStride, columnStride: columnStride, b,
                                  ldb: ldb, rows: rows, inner: inner, columns: columns, into: c, ldc: ldc,
                                  accumulate: accumulate)
    }

    @inline(never)
    public static func lstmForwardStep(gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
                                       cells: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
                                       batch: Int, width: Int) {
        LSTMLanes.forwardStep(Vector.self, gates: gates, cPrev: cPrev, cells: cells, hidden: hidden, batch: batch,
                              width: width)
    }

    @inline(never)
    public static func lstmActivateStep(gates: UnsafeMutablePointer<Float>, batch: Int, width: Int) {
        LSTMLanes.activateStep(Vector.self, gates: gates, batch: batch, width: width)
    }

    @inline(never)
    public static func lstmBackwardStep(gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
                                        cells: UnsafePointer<Float>, dh: UnsafePointer<Float>,
                                        dcNext: UnsafeMutablePointer<Float>, batch: Int, width: Int) {
        LSTMLanes.backwardStep(Vector.self, gates: gates, cPrev: cPrev, cells: cells, dh: dh, dcNext: dcNext,
                               batch: batch, width: width)
    }
}
