import RNNLanes
/// The GRU's time loop, shaped like the LSTM's: the input projection of every step is one
/// product before the loop; the loop does only the recurrent product and the fused gate math.
///
/// Gate order r, z, n (PyTorch). Per step t, with `a_t = x_t·W_ihᵀ + b_ih` and
/// `u_t = h_{t−1}·W_hhᵀ + b_hh` (each `(B, 3H)`): `r = σ(a_r + u_r)`, `z = σ(a_z + u_z)`,
/// `n = tanh(a_n + r⊙u_n)`, `h_t = (1 − z)⊙n + z⊙h_{t−1}`.
enum GRUKernels {
    struct Shape {
        let steps: Int, batch: Int, input: Int, hidden: Int
        var gateWidth: Int { 3 * hidden }
    }

    /// Runs the chunk forward. Writes the activated gates r, z, n `(T·B, 3H)`, the recurrent
    /// candidate term `u_n` `(T·B, H)` (backward needs it for ∂r) and the hidden states
    /// `(T·B, H)`; the last step's `h` rows are the final state.
    static func forward(_ s: Shape, x: UnsafePointer<Float>,
                        weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
                        biasIH: UnsafePointer<Float>, biasHH: UnsafePointer<Float>, h0: UnsafePointer<Float>,
                        gates: UnsafeMutablePointer<Float>, candidates: UnsafeMutablePointer<Float>,
                        hidden: UnsafeMutablePointer<Float>, isCancelled: () -> Bool) throws {
        let rows = s.steps * s.batch, gw = s.gateWidth, h = s.hidden
        Elementwise.broadcastRows(biasIH, into: gates, rows: rows, width: gw)
        Gemm.sgemm(transA: false, transB: true, m: rows, n: gw, k: s.input,
                   alpha: 1, a: x, lda: s.input, b: weightIH, ldb: s.input, beta: 1, c: gates, ldc: gw)
        // W_hhᵀ `(H, 3H)` once per chunk, for the per-step kernel.
        let fast = RecurrentKernels.supports(n: gw), lanes = KernelLanes.inForce
        let transposed = UnsafeMutablePointer<Float>.allocate(capacity: gw * h)
        defer { transposed.deallocate() }
        if fast { for n in 0..<gw { for k in 0..<h { transposed[k * gw + n] = weightHH[n * h + k] } } }
        let p = UncheckedSendable((h0, gates, candidates, hidden, weightHH, UnsafePointer(transposed), biasHH))
        let stopped = Parallel.forEachRowGroup(rows: s.batch, isCancelled: isCancelled) { rowRange, shouldStop in
            let (h0, gates, candidates, hidden, weightHH, transposed, biasHH) = p.value
            let r0 = rowRange.lowerBound, n = rowRange.count
            // u_t for this group's rows, one step at a time.
            let recurrent = UnsafeMutablePointer<Float>.allocate(capacity: n * gw)
            defer { recurrent.deallocate() }
            for t in 0..<s.steps {
                if t % TimeBlocks.steps == TimeBlocks.steps - 1, shouldStop() { return false }
                let row = t * s.batch + r0
                let hPrev = t == 0 ? h0 + r0 * h : UnsafePointer(hidden + (row - s.batch) * h)
                if fast {
                    RecurrentKernels.multiply(hPrev, lda: h, transposed, rows: n, inner: h, columns: gw,
                                              into: recurrent, ldc: gw, accumulate: false, lanes: lanes)
                } else {
                    Gemm.sgemm(transA: false, transB: true, m: n, n: gw, k: h,
                               alpha: 1, a: hPrev, lda: h, b: weightHH, ldb: h, beta: 0, c: recurrent, ldc: gw)
                }
                for b in 0..<n {
                    let g = gates + (row + b) * gw, u = UnsafePointer(recurrent + b * gw)
                    let hp = hPrev + b * h, un = candidates + (row + b) * h, out = hidden + (row + b) * h
                    var j = 0
                    while j + 8 <= h {
                        forwardLanes(FullLanes(), g + j, u + j, biasHH + j, hp + j, un + j, out + j, width: h)
                        j += 8
                    }
                    if j < h {
                        forwardLanes(PartialLanes(count: h - j), g + j, u + j, biasHH + j, hp + j, un + j, out + j,
                                     width: h)
                    }
                }
            }
            return true
        }
        if stopped { throw EngineError.cancelled }
    }

    /// Eight units of one sequence: `g` points at unit j's r pre-activation (z and n follow at
    /// strides of H), `u` likewise at the recurrent term without its bias.
    @inline(__always)
    static func forwardLanes<L: LaneAccess<SIMD8<Float>>>(_ lanes: L, _ g: UnsafeMutablePointer<Float>, _ u: UnsafePointer<Float>,
                                            _ bias: UnsafePointer<Float>, _ hPrev: UnsafePointer<Float>,
                                            _ candidate: UnsafeMutablePointer<Float>,
                                            _ out: UnsafeMutablePointer<Float>, width h: Int) {
        let r = FastMath.sigmoid(lanes.load(g) + lanes.load(u) + lanes.load(bias))
        let z = FastMath.sigmoid(lanes.load(g + h) + lanes.load(u + h) + lanes.load(bias + h))
        let un = lanes.load(u + 2 * h) + lanes.load(bias + 2 * h)
        let nv = FastMath.tanh(lanes.load(g + 2 * h) + r * un)
        lanes.store(r, g); lanes.store(z, g + h); lanes.store(nv, g + 2 * h)
        lanes.store(un, candidate)
        lanes.store(nv + z * (lanes.load(hPrev) - nv), out)
    }

    /// Backpropagates through the chunk, truncated at its start (no gradient flows into `h0`).
    /// Overwrites `gates` with the gradients of the input projection `a` and `candidates` with
    /// that of `u_n`; accumulates the weight and bias gradients (one product each over all
    /// steps) and writes `dX` (unless nil).
    static func backward(_ s: Shape, x: UnsafePointer<Float>,
                         weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>, h0: UnsafePointer<Float>,
                         gates: UnsafeMutablePointer<Float>, candidates: UnsafeMutablePointer<Float>,
                         hidden: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                         dWeightIH: UnsafeMutablePointer<Float>, dWeightHH: UnsafeMutablePointer<Float>,
                         dBiasIH: UnsafeMutablePointer<Float>, dBiasHH: UnsafeMutablePointer<Float>,
                         dX: UnsafeMutablePointer<Float>?, isCancelled: () -> Bool) throws {
        let b = s.batch, h = s.hidden, gw = s.gateWidth, rows = s.steps * b, lanes = KernelLanes.inForce
        let p = UncheckedSendable((h0, gates, candidates, hidden, dOut, weightHH))
        let stopped = Parallel.forEachRowGroup(rows: b, isCancelled: isCancelled) { rowRange, shouldStop in
            let (h0, gates, candidates, hidden, dOut, weightHH) = p.value
            let r0 = rowRange.lowerBound, n = rowRange.count
            // dh (n, H), ∂L/∂h_{t−1} being gathered (n, H), and ∂L/∂u_t (n, 3H) for its product.
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * n * h + n * gw)
            defer { scratch.deallocate() }
            let dh = scratch, dhNext = scratch + n * h, du = scratch + 2 * n * h
            dhNext.initialize(repeating: 0, count: n * h)
            for t in stride(from: s.steps - 1, through: 0, by: -1) {
                if t % TimeBlocks.steps == 0, t > 0, shouldStop() { return false }
                let row = t * b + r0
                for k in 0..<(n * h) { dh[k] = dOut[row * h + k] + dhNext[k] }
                let hPrev = t == 0 ? h0 + r0 * h : hidden + (row - b) * h
                for q in 0..<n {
                    let g = gates + (row + q) * gw, un = candidates + (row + q) * h
                    let hp = hPrev + q * h, d = UnsafePointer(dh + q * h), dn = dhNext + q * h, dq = du + q * gw
                    var j = 0
                    while j + 8 <= h {
                        backwardLanes(FullLanes(), g + j, un + j, hp + j, d + j, dn + j, dq + j, width: h)
                        j += 8
                    }
                    if j < h {
                        backwardLanes(PartialLanes(count: h - j), g + j, un + j, hp + j, d + j, dn + j, dq + j, width: h)
                    }
                }
                guard t > 0 else { continue }
                if RecurrentKernels.supports(n: h) {
                    RecurrentKernels.multiply(du, lda: gw, weightHH, rows: n, inner: gw, columns: h,
                                              into: dhNext, ldc: h, accumulate: true, lanes: lanes)
                } else {
                    Gemm.sgemm(transA: false, transB: false, m: n, n: h, k: gw,
                               alpha: 1, a: du, lda: gw, b: weightHH, ldb: h, beta: 1, c: dhNext, ldc: h)
                }
            }
            return true
        }
        if stopped { throw EngineError.cancelled }
        // dW_ih += ∂aᵀ·X. dW_hh's r and z rows take ∂a's r and z columns (∂u = ∂a there), its n
        // rows ∂u_n; each against h_{t−1} (h0 for the first step, then the hidden states).
        Gemm.sgemm(transA: true, transB: false, m: gw, n: s.input, k: rows,
                   alpha: 1, a: gates, lda: gw, b: x, ldb: s.input, beta: 1, c: dWeightIH, ldc: s.input)
        for (a, lda, m, c) in [(UnsafePointer(gates), gw, 2 * h, dWeightHH),
                               (UnsafePointer(candidates), h, h, dWeightHH + 2 * h * h)] {
            Gemm.sgemm(transA: true, transB: false, m: m, n: h, k: rows - b,
                       alpha: 1, a: a + b * lda, lda: lda, b: hidden, ldb: h, beta: 1, c: c, ldc: h)
            Gemm.sgemm(transA: true, transB: false, m: m, n: h, k: b,
                       alpha: 1, a: a, lda: lda, b: h0, ldb: h, beta: 1, c: c, ldc: h)
        }
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: gw + h)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: gw + h)
        Elementwise.accumulateColumnSums(gates, rows: rows, width: gw, into: sums)
        Elementwise.accumulateColumnSums(candidates, rows: rows, width: h, into: sums + gw)
        Elementwise.add(sums, into: dBiasIH, count: gw)
        Elementwise.add(sums, into: dBiasHH, count: 2 * h)
        Elementwise.add(sums + gw, into: dBiasHH + 2 * h, count: h)
        guard let dX else { return }
        Gemm.sgemm(transA: false, transB: false, m: rows, n: s.input, k: gw,
                   alpha: 1, a: gates, lda: gw, b: weightIH, ldb: s.input, beta: 0, c: dX, ldc: s.input)
    }

    /// One step of eight units. On entry `g` holds r, z, n and `candidate` u_n; on exit `g`
    /// holds ∂a (r, z, n), `candidate` ∂u_n, `du` ∂u (r, z, n) and `dhPrev` the direct part z⊙dh
    /// of ∂L/∂h_{t−1} (the recurrent product adds the rest).
    @inline(__always)
    static func backwardLanes<L: LaneAccess<SIMD8<Float>>>(_ lanes: L, _ g: UnsafeMutablePointer<Float>,
                                             _ candidate: UnsafeMutablePointer<Float>, _ hPrev: UnsafePointer<Float>,
                                             _ dh: UnsafePointer<Float>, _ dhPrev: UnsafeMutablePointer<Float>,
                                             _ du: UnsafeMutablePointer<Float>, width h: Int) {
        let r = lanes.load(g), z = lanes.load(g + h), nv = lanes.load(g + 2 * h)
        let un = lanes.load(candidate), d = lanes.load(dh)
        let dan = d * (1 - z) * (1 - nv * nv)
        let daz = d * (lanes.load(hPrev) - nv) * z * (1 - z)
        let dar = dan * un * r * (1 - r)
        let dun = dan * r
        lanes.store(dar, g); lanes.store(daz, g + h); lanes.store(dan, g + 2 * h)
        lanes.store(dun, candidate)
        lanes.store(dar, du); lanes.store(daz, du + h); lanes.store(dun, du + 2 * h)
        lanes.store(d * z, dhPrev)
    }
}
