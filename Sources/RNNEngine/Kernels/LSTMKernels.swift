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
        let fast = RecurrentKernels.supports(n: gw)
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
                                                  into: g, ldc: gw, accumulate: true)
                    } else {
                        Gemm.sgemm(transA: false, transB: true, m: n, n: gw, k: h, alpha: 1, a: hPrev, lda: h,
                                   b: weightHH, ldb: h, beta: 1, c: g, ldc: gw)
                    }
                    forwardStep(gates: g, cPrev: cPrev, cells: cells + row * h, hidden: hidden + row * h,
                                batch: n, width: h)
                }
                return true
            }
        }
        if stopped { throw EngineError.cancelled }
    }

    /// Gate activations and the cell update of one step, in place on the gate rows.
    @inline(__always)
    static func forwardStep(gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
                            cells: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
                            batch: Int, width h: Int) {
        for b in 0..<batch {
            var j = 0
            while j + 8 <= h {
                forwardLanes(FullLanes(), gates + b * 4 * h + j, cPrev + b * h + j, cells + b * h + j,
                             hidden + b * h + j, width: h)
                j += 8
            }
            if j < h {
                forwardLanes(PartialLanes(count: h - j), gates + b * 4 * h + j, cPrev + b * h + j, cells + b * h + j,
                             hidden + b * h + j, width: h)
            }
        }
    }

    /// Eight units of one sequence: `row` points at unit j's input gate; the f, g, o gates
    /// follow at strides of H.
    @inline(__always)
    static func forwardLanes<L: LaneAccess>(_ lanes: L, _ row: UnsafeMutablePointer<Float>, _ cPrev: UnsafePointer<Float>,
                                            _ cell: UnsafeMutablePointer<Float>, _ hidden: UnsafeMutablePointer<Float>,
                                            width h: Int) {
        let (i, f, g, o) = activateLanes(lanes, row, width: h)
        let c = f * lanes.load(cPrev) + i * g
        lanes.store(c, cell)
        lanes.store(o * FastMath.tanh(c), hidden)
    }

    /// The four gate activations of eight units in place; forward and the recomputation in
    /// backward share this code, so recomputed gates are the very values forward made.
    @inline(__always)
    static func activateLanes<L: LaneAccess>(_ lanes: L, _ row: UnsafeMutablePointer<Float>, width h: Int)
        -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let i = FastMath.sigmoid(lanes.load(row))
        let f = FastMath.sigmoid(lanes.load(row + h))
        let g = FastMath.tanh(lanes.load(row + 2 * h))
        let o = FastMath.sigmoid(lanes.load(row + 3 * h))
        lanes.store(i, row); lanes.store(f, row + h); lanes.store(g, row + 2 * h); lanes.store(o, row + 3 * h)
        return (i, f, g, o)
    }

    /// Activates the gate rows of one step (`batch` rows of 4H pre-activations) in place.
    @inline(__always)
    static func activateStep(gates: UnsafeMutablePointer<Float>, batch: Int, width h: Int) {
        for b in 0..<batch {
            var j = 0
            while j + 8 <= h {
                _ = activateLanes(FullLanes(), gates + b * 4 * h + j, width: h)
                j += 8
            }
            if j < h { _ = activateLanes(PartialLanes(count: h - j), gates + b * 4 * h + j, width: h) }
        }
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
        let b = s.batch, h = s.hidden, gw = s.gateWidth, rows = s.steps * b
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
                    backwardStep(gates: g, cPrev: cPrev, cells: cells + row * h, dh: dh, dcNext: dcNext, batch: n, width: h)
                    if t >= lastRecurrent, RecurrentKernels.supports(n: h) {
                        RecurrentKernels.multiply(g, lda: gw, weightHH, rows: n, inner: gw, columns: h,
                                                  into: dhNext, ldc: h, accumulate: false)
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
        let b = s.batch, h = s.hidden, gw = s.gateWidth
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
                                          into: block + r * gw, ldc: gw, accumulate: true)
                r += count
            }
            activateStep(gates: block + range.lowerBound * gw, batch: range.count, width: h)
            return true
        }
    }

    /// One step's gate gradients, written over the activated gates of that step.
    /// On entry `dcNext` holds ∂L/∂c_t from step t+1; on exit ∂L/∂c_{t−1}.
    @inline(__always)
    static func backwardStep(gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
                             cells: UnsafePointer<Float>, dh: UnsafePointer<Float>,
                             dcNext: UnsafeMutablePointer<Float>, batch: Int, width h: Int) {
        for b in 0..<batch {
            var j = 0
            while j + 8 <= h {
                let k = b * h + j
                backwardLanes(FullLanes(), gates + b * 4 * h + j, cPrev + k, cells + k, dh + k, dcNext + k, width: h)
                j += 8
            }
            if j < h {
                let k = b * h + j
                backwardLanes(PartialLanes(count: h - j), gates + b * 4 * h + j, cPrev + k, cells + k, dh + k,
                              dcNext + k, width: h)
            }
        }
    }

    @inline(__always)
    static func backwardLanes<L: LaneAccess>(_ lanes: L, _ row: UnsafeMutablePointer<Float>, _ cPrev: UnsafePointer<Float>,
                                             _ cell: UnsafePointer<Float>, _ dh: UnsafePointer<Float>,
                                             _ dcNext: UnsafeMutablePointer<Float>, width h: Int) {
        let i = lanes.load(row), f = lanes.load(row + h), g = lanes.load(row + 2 * h), o = lanes.load(row + 3 * h)
        let tc = FastMath.tanh(lanes.load(cell))
        let dhv = lanes.load(dh)
        let dc = dhv * o * (1 - tc * tc) + lanes.load(dcNext)
        lanes.store(dc * g * i * (1 - i), row)
        lanes.store(dc * lanes.load(cPrev) * f * (1 - f), row + h)
        lanes.store(dc * i * (1 - g * g), row + 2 * h)
        lanes.store(dhv * tc * o * (1 - o), row + 3 * h)
        lanes.store(dc * f, dcNext)
    }
}
