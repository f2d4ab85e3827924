import RNNLanes
/// The LSTM's time loop: the input projection of a time block's steps is one product before
/// the block's loop, and only the recurrent product and the fused gate math run step by step.
/// The long loops poll the cancellation check once per block (`TimeBlocks.steps`).
///
/// Gate order i, f, g, o (PyTorch). Per step t, with `G_t` the `(B, 4H)` pre-activations:
/// `G_t = x_t·W_ihᵀ + b_ih + b_hh + h_{t−1}·W_hhᵀ`, `c_t = f⊙c_{t−1} + i⊙g`, `h_t = o⊙tanh(c_t)`.
enum LSTMKernels {
    struct Shape {
        let steps: Int, batch: Int, input: Int, hidden: Int
        var gateWidth: Int { 4 * hidden }
        var blockRows: Int { TimeBlocks.steps * batch }
    }

    /// Runs the chunk forward. Writes activated gates `(T·B, 4H)` — or, when `keepsGates` is
    /// false, one time block's `(blockRows, 4H)` at a time into a buffer of that size — cells
    /// `(T·B, H)` and hidden states `(T·B, H)`; the last step's `c` and `h` rows are the final state.
    static func forward(_ s: Shape, x: UnsafePointer<Float>,
                        weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>, h0: UnsafePointer<Float>, c0: UnsafePointer<Float>,
                        gates: UnsafeMutablePointer<Float>, keepsGates: Bool, cells: UnsafeMutablePointer<Float>,
                        hidden: UnsafeMutablePointer<Float>, isCancelled: () -> Bool) throws {
        let rows = s.steps * s.batch, gw = s.gateWidth, h = s.hidden
        precondition(keepsGates || RecurrentKernels.supports(n: gw), "recomputed gates need the fast kernel")
        // W_hhᵀ `(H, 4H)` once per chunk, for the per-step kernel.
        let fast = RecurrentKernels.supports(n: gw), lanes = KernelLanes.inForce
        let transposed = UnsafeMutablePointer<Float>.allocate(capacity: gw * h)
        defer { transposed.deallocate() }
        if fast { for n in 0..<gw { for k in 0..<h { transposed[k * gw + n] = weightHH[n * h + k] } } }
        let p = UncheckedSendable((h0, c0, cells, hidden, weightHH, UnsafePointer(transposed)))
        // Block by block, so the time loop reads the projection while it is still in cache: the
        // input projection of the block's steps as one product, then its time loop, each group
        // of sequences on its own thread.
        var stopped = false
        TimeBlocks.forEach(rows: rows, blockRows: s.blockRows) { first, n in
            guard !stopped else { return }
            let block = keepsGates ? gates + first * gw : gates      // the block's gate rows
            Elementwise.broadcastRows(bias, into: block, rows: n, width: gw)
            Gemm.sgemm(transA: false, transB: true, m: n, n: gw, k: s.input, alpha: 1, a: x + first * s.input,
                       lda: s.input, b: weightIH, ldb: s.input, beta: 1, c: block, ldc: gw)
            let steps = (first / s.batch)..<((first + n) / s.batch)
            let blockGates = UncheckedSendable(block)
            stopped = Parallel.forEachRowGroup(rows: s.batch, isCancelled: isCancelled) { rowRange, shouldStop in
                let (h0, c0, cells, hidden, weightHH, transposed) = p.value
                let r0 = rowRange.lowerBound, n = rowRange.count
                if steps.lowerBound > 0, shouldStop() { return false }
                for t in steps {
                    let row = t * s.batch + r0
                    let g = blockGates.value + (row - first) * gw
                    let hPrev = t == 0 ? h0 + r0 * h : UnsafePointer(hidden + (row - s.batch) * h)
                    let cPrev = t == 0 ? c0 + r0 * h : UnsafePointer(cells + (row - s.batch) * h)
                    if fast {
                        RecurrentKernels.multiply(hPrev, lda: h, transposed, rows: n, inner: h, columns: gw,
                                                  into: g, ldc: gw, accumulate: true, lanes: lanes)
                    } else {
                        Gemm.sgemm(transA: false, transB: true, m: n, n: gw, k: h, alpha: 1, a: hPrev, lda: h,
                                   b: weightHH, ldb: h, beta: 1, c: g, ldc: gw)
                    }
                    lanes.lstmForwardStep(gates: g, cPrev: cPrev, cells: cells + row * h, hidden: hidden + row * h,
                                batch: n, width: h)
                }
                return true
            }
        }
        if stopped { throw EngineError.cancelled }
    }

    /// Backpropagates through the chunk. Overwrites `gates` with the pre-activation gradients,
    /// accumulates the weight and bias gradients (one product per time block, last block
    /// first) and writes `dX` (unless nil).
    ///
    /// With `keepsGates` false, `gates` is one block's buffer `(blockRows, 4H)`: each block's
    /// gates are first made again from `x`, the kept hidden states and `bias` (b_ih + b_hh) by
    /// the very calls forward made — the block's projection as one product, then each step's
    /// recurrent product per group of sequences and the shared activation — so they are bit for
    /// bit forward's. With `h_{t−1}` known, that runs without the time loop's step-to-step wait.
    ///
    /// Without `carry` the chunk is truncated at its start (no gradient flows into `h0`, `c0`).
    /// With it (a segment of a longer chunk): `carry` `(2, B, H)` holds ∂L/∂h and ∂L/∂c after
    /// the last step on entry, and ∂L/∂h0, ∂L/∂c0 on exit — the same values backprop through
    /// the whole chunk carries across that step.
    static func backward(_ s: Shape, x: UnsafePointer<Float>,
                         weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                         h0: UnsafePointer<Float>, c0: UnsafePointer<Float>,
                         gates: UnsafeMutablePointer<Float>, keepsGates: Bool, cells: UnsafePointer<Float>,
                         hidden: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                         dWeightIH: UnsafeMutablePointer<Float>, dWeightHH: UnsafeMutablePointer<Float>,
                         dBiasIH: UnsafeMutablePointer<Float>, dBiasHH: UnsafeMutablePointer<Float>,
                         dX: UnsafeMutablePointer<Float>?, carry: UnsafeMutablePointer<Float>?,
                         isCancelled: () -> Bool) throws {
        let b = s.batch, h = s.hidden, gw = s.gateWidth, rows = s.steps * b, lanes = KernelLanes.inForce
        precondition(keepsGates || RecurrentKernels.supports(n: gw), "recomputed gates need the fast kernel")
        // ∂L/∂h_t, ∂L/∂h_{t+1} through W_hh and ∂L/∂c_{t+1} for every sequence, carried across blocks.
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * b * h)
        defer { scratch.deallocate() }
        let dhAll = scratch, dhNextAll = scratch + b * h, dcNextAll = scratch + 2 * b * h
        if let carry {
            dhNextAll.update(from: carry, count: b * h)
            dcNextAll.update(from: carry + b * h, count: b * h)
        } else {
            dhNextAll.initialize(repeating: 0, count: b * h)
            dcNextAll.initialize(repeating: 0, count: b * h)
        }
        // W_hhᵀ `(H, 4H)` for the recomputed recurrent products, as forward lays it out.
        let transposed = UnsafeMutablePointer<Float>.allocate(capacity: keepsGates ? 0 : gw * h)
        defer { transposed.deallocate() }
        if !keepsGates { for n in 0..<gw { for k in 0..<h { transposed[k * gw + n] = weightHH[n * h + k] } } }
        // The recurrent product of step 0 only matters when the gradient goes on to h0.
        let lastRecurrent = carry == nil ? 1 : 0
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: gw)
        defer { sums.deallocate() }
        let p = UncheckedSendable((c0, cells, dOut, weightHH, dhAll, dhNextAll, dcNextAll))
        // Block by block, last first, so the products read the block's gate gradients while they
        // are still in cache: the time loop over the block's steps (each group of sequences on
        // its own thread; rows are independent here), then the block's weight and bias gradients
        // and dX. Per block: dW_ih += dGᵀ·X, dW_hh += dG_{t0+1…}ᵀ·H_{t0…} + dG_{t0}ᵀ·h_{t0−1}, and
        // both biases (which enter every step the same way) add one column sum each.
        var stopped = false
        TimeBlocks.forEach(rows: rows, blockRows: s.blockRows, reversed: true) { first, n in
            guard !stopped else { return }
            let block = keepsGates ? gates + first * gw : gates      // the block's gate rows
            if !keepsGates {
                recomputeGates(s, block: block, first: first, rows: n, x: x, weightIH: weightIH,
                               transposedHH: UnsafePointer(transposed), bias: bias, h0: h0, hidden: hidden)
            }
            let steps = (first / b)..<((first + n) / b)
            let blockGates = UncheckedSendable(block)
            stopped = Parallel.forEachRowGroup(rows: b, isCancelled: isCancelled) { rowRange, shouldStop in
                let (c0, cells, dOut, weightHH, dhAll, dhNextAll, dcNextAll) = p.value
                let r0 = rowRange.lowerBound, n = rowRange.count
                if steps.upperBound < s.steps, shouldStop() { return false }
                let dh = dhAll + r0 * h, dhNext = dhNextAll + r0 * h, dcNext = dcNextAll + r0 * h
                for t in steps.reversed() {
                    let row = t * b + r0
                    for k in 0..<(n * h) { dh[k] = dOut[row * h + k] + dhNext[k] }
                    let cPrev = t == 0 ? c0 + r0 * h : cells + (row - b) * h
                    let g = blockGates.value + (row - first) * gw
                    lanes.lstmBackwardStep(gates: g, cPrev: cPrev, cells: cells + row * h, dh: dh, dcNext: dcNext, batch: n, width: h)
                    if t >= lastRecurrent, RecurrentKernels.supports(n: h) {
                        RecurrentKernels.multiply(g, lda: gw, weightHH, rows: n, inner: gw, columns: h,
                                                  into: dhNext, ldc: h, accumulate: false, lanes: lanes)
                    } else if t >= lastRecurrent {
                        Gemm.sgemm(transA: false, transB: false, m: n, n: h, k: gw,
                                   alpha: 1, a: g, lda: gw, b: weightHH, ldb: h, beta: 0, c: dhNext, ldc: h)
                    }
                }
                return true
            }
            guard !stopped else { return }
            let g = block
            Gemm.sgemm(transA: true, transB: false, m: gw, n: s.input, k: n,
                       alpha: 1, a: g, lda: gw, b: x + first * s.input, ldb: s.input, beta: 1, c: dWeightIH, ldc: s.input)
            Gemm.sgemm(transA: true, transB: false, m: gw, n: h, k: n - b,
                       alpha: 1, a: g + b * gw, lda: gw, b: hidden + first * h, ldb: h, beta: 1, c: dWeightHH, ldc: h)
            let hPrev = first == 0 ? h0 : hidden + (first - b) * h
            Gemm.sgemm(transA: true, transB: false, m: gw, n: h, k: b,
                       alpha: 1, a: g, lda: gw, b: hPrev, ldb: h, beta: 1, c: dWeightHH, ldc: h)
            sums.initialize(repeating: 0, count: gw)
            Elementwise.accumulateColumnSums(g, rows: n, width: gw, into: sums)
            Elementwise.add(sums, into: dBiasIH, count: gw)
            Elementwise.add(sums, into: dBiasHH, count: gw)
            guard let dX else { return }
            Gemm.sgemm(transA: false, transB: false, m: n, n: s.input, k: gw, alpha: 1, a: g, lda: gw,
                       b: weightIH, ldb: s.input, beta: 0, c: dX + first * s.input, ldc: s.input)
        }
        if stopped { throw EngineError.cancelled }
        if let carry {
            carry.update(from: dhNextAll, count: b * h)
            (carry + b * h).update(from: dcNextAll, count: b * h)
        }
    }

    /// Makes the activated gates of block rows `[first, first + rows)` again, into `block`: the
    /// block's projection by forward's very call, then the recurrent products and activations of
    /// all its rows at once (each row's values depend only on its own `h_{t−1}` row, whatever
    /// rows a kernel call holds), split between the threads.
    static func recomputeGates(_ s: Shape, block: UnsafeMutablePointer<Float>, first: Int, rows n: Int,
                               x: UnsafePointer<Float>, weightIH: UnsafePointer<Float>,
                               transposedHH: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               h0: UnsafePointer<Float>, hidden: UnsafePointer<Float>) {
        let b = s.batch, h = s.hidden, gw = s.gateWidth, lanes = KernelLanes.inForce
        Elementwise.broadcastRows(bias, into: block, rows: n, width: gw)
        Gemm.sgemm(transA: false, transB: true, m: n, n: gw, k: s.input, alpha: 1, a: x + first * s.input,
                   lda: s.input, b: weightIH, ldb: s.input, beta: 1, c: block, ldc: gw)
        let p = UncheckedSendable((block, transposedHH, h0, hidden))
        _ = Parallel.forEachRowGroup(rows: n) { range, _ in
            let (block, transposed, h0, hidden) = p.value
            // Row r's previous hidden state is row r − B, or h0's row r for the chunk's first step.
            var r = range.lowerBound
            while r < range.upperBound {
                let global = first + r
                let count = global < b ? min(range.upperBound, b - first) - r : range.upperBound - r
                let hPrev = global < b ? h0 + global * h : hidden + (global - b) * h
                RecurrentKernels.multiply(hPrev, lda: h, transposed, rows: count, inner: h, columns: gw,
                                          into: block + r * gw, ldc: gw, accumulate: true, lanes: lanes)
                r += count
            }
            lanes.lstmActivateStep(gates: block + range.lowerBound * gw, batch: range.count, width: h)
            return true
        }
    }
}
