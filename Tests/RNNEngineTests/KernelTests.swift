import Foundation
import Testing
@testable import RNNEngine

@Suite struct GemmTests {
    struct Case: Sendable, CustomStringConvertible {
        let transA: Bool, transB: Bool, m: Int, n: Int, k: Int, beta: Float
        var description: String { "\(transA ? "T" : "N")\(transB ? "T" : "N") \(m)x\(n)x\(k) β=\(beta)" }
    }

    @Test(arguments: [
        Case(transA: false, transB: false, m: 7, n: 5, k: 3, beta: 0),
        Case(transA: false, transB: true, m: 33, n: 64, k: 17, beta: 1),
        Case(transA: true, transB: false, m: 12, n: 9, k: 40, beta: 0.5),
        Case(transA: true, transB: true, m: 1, n: 1, k: 1, beta: 0),
        Case(transA: false, transB: true, m: 300, n: 256, k: 64, beta: 1),
        // C a multiple of 32 wide: the register-blocked kernel, in every layout, split across
        // the threads when large (the weight-gradient and projection shapes of a time block).
        Case(transA: false, transB: false, m: 9, n: 32, k: 5, beta: 0),
        Case(transA: true, transB: false, m: 256, n: 64, k: 3840, beta: 1),
        Case(transA: true, transB: true, m: 7, n: 96, k: 33, beta: 0),
        Case(transA: false, transB: true, m: 3840, n: 256, k: 64, beta: 1),
        Case(transA: false, transB: false, m: 3840, n: 64, k: 256, beta: 0),
    ])
    func blasMatchesNaiveReference(_ c: Case) {
        let a = randomTensor(c.transA ? [c.k, c.m] : [c.m, c.k], seed: 1)
        let b = randomTensor(c.transB ? [c.n, c.k] : [c.k, c.n], seed: 2)
        let start = randomTensor([c.m, c.n], seed: 3)
        var fast = start, slow = start
        let lda = c.transA ? c.m : c.k, ldb = c.transB ? c.k : c.n
        a.values.withUnsafeBufferPointer { ap in
            b.values.withUnsafeBufferPointer { bp in
                fast.values.withUnsafeMutableBufferPointer { cp in
                    Gemm.sgemm(transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: 1,
                               a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                               beta: c.beta, c: cp.baseAddress!, ldc: c.n)
                }
                slow.values.withUnsafeMutableBufferPointer { cp in
                    Gemm.naive(transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: 1,
                               a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                               beta: c.beta, c: cp.baseAddress!, ldc: c.n)
                }
            }
        }
        #expect(relativeError(fast.values, slow.values) < 1e-5)
    }
}

@Suite struct FastMathTests {
    /// Every 1/64 from −30 to 30: the fast functions stay within a few float ulps of libm.
    @Test func matchesLibmAcrossTheRange() {
        var worstExp = 0.0, worstSigmoid = 0.0, worstTanh = 0.0
        for step in -1920...1920 {
            let x = Float(step) / 64
            let e = Foundation.exp(Double(x))
            if x < 80 { worstExp = max(worstExp, abs(Double(FastMath.exp(x)) - e) / e) }
            worstSigmoid = max(worstSigmoid, abs(Double(FastMath.sigmoid(x)) - 1 / (1 + Foundation.exp(-Double(x)))))
            worstTanh = max(worstTanh, abs(Double(FastMath.tanh(x)) - Foundation.tanh(Double(x))))
        }
        #expect(worstExp < 5e-7)
        #expect(worstSigmoid < 3e-7)
        #expect(worstTanh < 5e-7)
    }

    /// tanh is odd to the bit, −0 and NaN included (the sign comes from the input's sign bit).
    @Test func tanhIsOddToTheBit() {
        for step in -2000...2000 {
            let x = Float(step) / 37
            #expect(FastMath.tanh(-x).bitPattern == (-FastMath.tanh(x)).bitPattern, "x \(x)")
        }
        #expect(FastMath.tanh(-0.0).sign == .minus && FastMath.tanh(0.0).sign == .plus)
        #expect(FastMath.tanh(.nan).isNaN)
        #expect(FastMath.exp(.nan).isNaN)
        #expect(FastMath.sigmoid(.nan).isNaN)
        #expect(FastMath.tanh(.infinity) == 1 && FastMath.tanh(-.infinity) == -1)
    }

    @Test func saturatesWithoutOverflow() {
        #expect(FastMath.tanh(1e6) == 1)
        #expect(FastMath.tanh(-1e6) == -1)
        #expect(FastMath.sigmoid(-1e6) >= 0 && FastMath.sigmoid(-1e6) < 1e-30)
        #expect(FastMath.sigmoid(1e6) == 1)
        #expect(FastMath.exp(-1000).isFinite && FastMath.exp(1000).isFinite)
    }
}

@Suite struct RecurrentKernelTests {
    struct Case: Sendable, CustomStringConvertible {
        let rows: Int, inner: Int, columns: Int, accumulate: Bool
        var description: String { "\(rows)×\(inner)·\(inner)×\(columns)\(accumulate ? " +=" : "")" }
    }

    /// The per-step kernel against the textbook product, for row counts around its groups of three.
    @Test(arguments: [Case(rows: 1, inner: 64, columns: 256, accumulate: true),
                      Case(rows: 7, inner: 64, columns: 256, accumulate: true),
                      Case(rows: 8, inner: 256, columns: 64, accumulate: false),
                      Case(rows: 15, inner: 32, columns: 32, accumulate: true)])
    func matchesNaiveProduct(_ c: Case) {
        let a = randomTensor([c.rows, c.inner], seed: 1), b = randomTensor([c.inner, c.columns], seed: 2)
        let start = randomTensor([c.rows, c.columns], seed: 3)
        var fast = start, slow = start
        #expect(RecurrentKernels.supports(n: c.columns))
        a.values.withUnsafeBufferPointer { ap in
            b.values.withUnsafeBufferPointer { bp in
                fast.values.withUnsafeMutableBufferPointer { cp in
                    RecurrentKernels.multiply(ap.baseAddress!, lda: c.inner, bp.baseAddress!, rows: c.rows, inner: c.inner,
                                              columns: c.columns, into: cp.baseAddress!, ldc: c.columns,
                                              accumulate: c.accumulate, lanes: .inForce)
                }
                slow.values.withUnsafeMutableBufferPointer { cp in
                    Gemm.naive(transA: false, transB: false, m: c.rows, n: c.columns, k: c.inner, alpha: 1,
                               a: ap.baseAddress!, lda: c.inner, b: bp.baseAddress!, ldb: c.columns,
                               beta: c.accumulate ? 1 : 0, c: cp.baseAddress!, ldc: c.columns)
                }
            }
        }
        #expect(relativeError(fast.values, slow.values) < 1e-5)
        #expect(!RecurrentKernels.supports(n: 20))
    }
}

/// ReLU masks as bits: filled in pieces that start mid-byte, read back eight values at a time
/// and one by one, they zero exactly the gradients of the values that were not positive.
@Suite struct MaskBitTests {
    @Test(arguments: [[1_003], [5, 300, 698], [8, 3, 992]])
    func bitsZeroTheInactiveGradients(pieces: [Int]) {
        let y = randomTensor([1_003], seed: 31).values.enumerated().map { $0.offset % 17 == 0 ? 0 : $0.element }
        var mask = [UInt8](repeating: 0, count: (y.count + 7) / 8)
        y.withUnsafeBufferPointer { yp in
            mask.withUnsafeMutableBufferPointer { mp in
                var first = 0
                for piece in pieces {
                    Elementwise.positiveBits(yp.baseAddress! + first, count: piece, into: mp.baseAddress!, first: first)
                    first += piece
                }
            }
        }
        var grad = randomTensor([1_003], seed: 32).values
        let expected = zip(grad, y).map { $1 > 0 ? $0 : 0 }
        mask.withUnsafeBufferPointer { m in grad.withUnsafeMutableBufferPointer { Elementwise.keepActive(bits: m, $0) } }
        #expect(grad.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(expected.contains(0) && expected.contains { $0 != 0 })
    }
}
