import Testing
@testable import RNNEngine

/// The time loop's kernels at sixteen lanes (AVX-512) give the eight-lane kernels' values bit
/// for bit: every value is the same operations in the same order at either width.
@Suite(.serialized) struct KernelLanesTests {
    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    /// The comparison needs a CPU that runs both widths; on one without AVX-512 it cannot run.
    static func requireSixteen() throws {
        try #require(KernelLanes.widest == .sixteen,
                     "this CPU lacks AVX-512 (avx512f, cd, bw, dq, vl in /proc/cpuinfo), so the sixteen-lane kernels cannot run to be compared")
    }

    /// Rows 1 to 9 (every row blocking and remainder), inner sizes, and column counts whose
    /// last 32 columns are not a whole 64-column block at sixteen lanes.
    @Test(arguments: [32, 64, 96, 256])
    func recurrentProductsAgree(columns n: Int) throws {
        try Self.requireSixteen()
        for m in 1...9 {
            for k in [1, 7, 64, 256] {
                let a = randomTensor([m, k + 3], seed: UInt64(m * 1000 + k)).values
                let b = randomTensor([k, n], seed: UInt64(n + k)).values
                let start = randomTensor([m, n + 5], seed: 9).values
                var results: [[UInt32]] = []
                for lanes in [KernelLanes.eight, .sixteen] {
                    for accumulate in [false, true] {
                        var c = start
                        a.withUnsafeBufferPointer { a in
                            b.withUnsafeBufferPointer { b in
                                c.withUnsafeMutableBufferPointer { c in
                                    RecurrentKernels.multiply(a.baseAddress!, lda: k + 3, b.baseAddress!, rows: m, inner: k,
                                                              columns: n, into: c.baseAddress!, ldc: n + 5,
                                                              accumulate: accumulate, lanes: lanes)
                                }
                            }
                        }
                        results.append(Self.bits(c))
                    }
                }
                #expect(results[0] == results[2] && results[1] == results[3], "m \(m) k \(k) n \(n)")
                // And the product is right: against the double-precision reference.
                var reference = start
                Gemm.naive(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k + 3, b: b, ldb: n,
                           beta: 1, c: &reference, ldc: n + 5)
                let got = results[3].map { Float(bitPattern: $0) }
                #expect(relativeError(got, reference) < 1e-5)
            }
        }
    }

    /// A whole stack, forward and backward, with noise and dropout, LSTMs of 32, 8 and 7 units
    /// (whole vectors, a sixteen-lane kernel on 32 columns, tails) and a GRU; gates kept and
    /// recomputed, one and two threads.
    @Test(arguments: [(1, Int.max), (2, Int.max), (2, 0)])
    func aStackTrainsBitForBitAtBothWidths(threads: Int, gateCacheLimit: Int) throws {
        try Self.requireSixteen()
        let eight = try KernelLanes.with(.eight) {
            try GateRecomputationTests.pass(steps: 300, gateCacheLimit: gateCacheLimit, threads: threads)
        }
        let sixteen = try KernelLanes.with(.sixteen) {
            try GateRecomputationTests.pass(steps: 300, gateCacheLimit: gateCacheLimit, threads: threads)
        }
        #expect(sixteen.output == eight.output && sixteen.state == eight.state && sixteen.rng == eight.rng)
        #expect(sixteen.gradients == eight.gradients && sixteen.dX == eight.dX)
        #expect(eight.gradients.allSatisfy { $0.contains { Float(bitPattern: $0) != 0 } })
    }

    @Test func aGRUStepsBitForBitAtBothWidths() throws {
        try Self.requireSixteen()
        func pass() throws -> [[UInt32]] {
            var initRng = Random(seed: 12)
            let model = try Model(spec: ModelSpec(layers: [.gru(units: 32), .gru(units: 64), .dense(units: 2, activation: .linear)]),
                                  inputWidth: 5, rng: &initRng)
            var rng = Random(seed: 13)
            var pass = try model.forward(randomTensor([200, 4, 5], seed: 14), state: model.zeroState, mode: .training,
                                         rng: &rng)
            var grads = model.zeroGradients()
            _ = try model.backward(randomTensor([200, 4, 2], seed: 15), cache: &pass.cache, gradients: &grads)
            return [Self.bits(pass.output.values)] + grads.map { Self.bits($0.values) }
        }
        let eight = try KernelLanes.with(.eight) { try pass() }
        let sixteen = try KernelLanes.with(.sixteen) { try pass() }
        #expect(eight == sixteen)
    }

    /// The products the register-blocked kernel serves give the same bits for one thread and
    /// two, and at both lane widths.
    @Test func registerBlockedProductsDoNotDependOnThreadsOrLanes() throws {
        let a = randomTensor([3840, 256], seed: 4), b = randomTensor([3840, 64], seed: 5)
        func product() -> [UInt32] {
            var c = randomTensor([256, 64], seed: 6)
            a.values.withUnsafeBufferPointer { ap in
                b.values.withUnsafeBufferPointer { bp in
                    c.values.withUnsafeMutableBufferPointer { cp in
                        Gemm.sgemm(transA: true, transB: false, m: 256, n: 64, k: 3840, alpha: 1, a: ap.baseAddress!,
                                   lda: 256, b: bp.baseAddress!, ldb: 64, beta: 1, c: cp.baseAddress!, ldc: 64)
                    }
                }
            }
            return c.values.map(\.bitPattern)
        }
        try Self.requireSixteen()        // the kernel serves the products on AVX-512 CPUs only
        let one = try Threads.withCount(1) { product() }, two = try Threads.withCount(2) { product() }
        #expect(one == two)
        #expect(try KernelLanes.with(.eight) { try Threads.withCount(2) { product() } } == two)
    }
}
