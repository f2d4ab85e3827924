import Testing
@testable import RNNEngine

/// An LSTM whose cache drops its gates (a long chunk: `LSTM.gateCacheLimit`) gets from backward
/// exactly what the kept gates give: the gates are made again by forward's own calls.
@Suite(.serialized) struct GateRecomputationTests {
    /// Noise before and after the recurrent layers, dropout between them, and a last LSTM of 7
    /// units (4H = 28 suits no register-blocked kernel, so it keeps its gates whatever the limit).
    static let stack = ModelSpec(layers: [.dense(units: 8, activation: .relu), .noise(std: 0.3), .lstm(units: 32),
                                          .noise(std: 0.2), .dropout(rate: 0.2), .lstm(units: 8), .lstm(units: 7),
                                          .dense(units: 2, activation: .linear)])

    struct Pass: Equatable {
        let output: [UInt32], state: [[UInt32]], rng: Random, gradients: [[UInt32]], dX: [UInt32]
        let keptGates: [Bool]
    }

    static func bits(_ t: Tensor) -> [UInt32] { t.values.map(\.bitPattern) }

    /// One forward and backward over a `(steps, 3, 5)` chunk from a carried state.
    static func pass(steps: Int, gateCacheLimit: Int, segmentSteps: Int? = nil, threads: Int = 1) throws -> Pass {
        try Threads.withCount(threads) {
            var initRng = Random(masterSeed: 5, purpose: .initialization)
            let model = try Model(spec: stack, inputWidth: 5, rng: &initRng)
            var rng = Random(masterSeed: 5, purpose: .noise)
            let warm = try model.forward(randomTensor([30, 3, 5], seed: 21), state: model.zeroState,
                                         mode: .training, rng: &rng)
            var pass = try model.forward(randomTensor([steps, 3, 5], seed: 22), state: warm.state, mode: .training,
                                         rng: &rng, segmentSteps: segmentSteps, gateCacheLimit: gateCacheLimit,
                                         isCancelled: { false })
            let kept = pass.cache.layers.compactMap { layer -> Bool? in
                if case let .lstm(cache) = layer { return cache.gates != nil }
                return nil
            }
            var grads = model.zeroGradients()
            let dOut = randomTensor([steps, 3, model.outputWidth], seed: 23)
            let dX = try #require(try model.backward(dOut, cache: &pass.cache, gradients: &grads))
            return Pass(output: bits(pass.output),
                        state: pass.state.layers.map { $0.map { bits($0.h) + ($0.c.map(bits) ?? []) } ?? [] },
                        rng: rng, gradients: grads.map(bits), dX: bits(dX), keptGates: kept)
        }
    }

    /// 600 steps: blocks of 256, 256 and 88, so the last block is short.
    @Test(arguments: [1, 2])
    func recomputedGatesGiveTheKeptGatesGradients(threads: Int) throws {
        let kept = try Self.pass(steps: 600, gateCacheLimit: Int.max, threads: threads)
        let recomputed = try Self.pass(steps: 600, gateCacheLimit: 0, threads: threads)
        #expect(kept.keptGates == [true, true, true])
        #expect(recomputed.keptGates == [false, false, true])
        #expect(recomputed.output == kept.output && recomputed.state == kept.state && recomputed.rng == kept.rng)
        for (index, (r, k)) in zip(recomputed.gradients, kept.gradients).enumerated() {
            #expect(r == k, "gradient \(index) differs with \(threads) threads")
        }
        #expect(recomputed.dX == kept.dX)
        #expect(kept.gradients.allSatisfy { $0.contains { Float(bitPattern: $0) != 0 } })
    }

    /// A chunk shorter than a block, and recomputed segments whose gates are recomputed again.
    @Test func shortChunksAndSegmentsToo() throws {
        #expect(try Self.pass(steps: 100, gateCacheLimit: 0) == Self.pass(steps: 100, gateCacheLimit: Int.max)
            .with(keptGates: [false, false, true]))
        let plain = try Self.pass(steps: 700, gateCacheLimit: Int.max)
        let both = try Self.pass(steps: 700, gateCacheLimit: 0, segmentSteps: 512)
        #expect(both.gradients == plain.gradients && both.dX == plain.dX && both.output == plain.output)
    }
}

extension GateRecomputationTests.Pass {
    func with(keptGates: [Bool]) -> Self {
        Self(output: output, state: state, rng: rng, gradients: gradients, dX: dX, keptGates: keptGates)
    }
}

/// An LSTM as wide as its input writes dX over dOut: the same dX and gradients as the kernel
/// writing into a buffer of its own.
@Suite struct InPlaceInputGradientTests {
    @Test(arguments: [(1, Int.max), (2, Int.max), (2, 0)])
    func dXOverDOutEqualsASeparateBuffer(threads: Int, gateCacheLimit: Int) throws {
        try Threads.withCount(threads) {
            var initRng = Random(seed: 41)
            let model = try Model(spec: ModelSpec(layers: [.lstm(units: 16)]), inputWidth: 16, rng: &initRng)
            let w = model.lstmWeights(at: 0)
            let lstm = LSTM(inputWidth: 16, units: 16)
            let x = randomTensor([600, 3, 16], seed: 42), dOut = randomTensor([600, 3, 16], seed: 43)
            let start = LSTMState(h: randomTensor([3, 16], seed: 44), c: randomTensor([3, 16], seed: 45))
            func cache() throws -> LSTM.Cache {
                try lstm.forward(x, weights: w, state: start, gateCacheLimit: gateCacheLimit, isCancelled: { false }).2
            }
            var spent = dOut, noCarry: Tensor? = nil
            var grads = model.zeroGradients()
            let dX = try #require(try lstm.backward(&spent, cache: cache(), weights: w, grads: &grads, at: 0,
                                                    inputGradient: true, carry: &noCarry, isCancelled: { false }))
            #expect(spent.count == 0)        // its storage became dX
            // The reference: the kernel with dX in a buffer of its own.
            let reference = try cache()
            var dWIH = Tensor(zeros: [64, 16]), dWHH = Tensor(zeros: [64, 16]), dBIH = Tensor(zeros: [64])
            var dBHH = Tensor(zeros: [64]), refDX = Tensor(zeros: [600, 3, 16])
            let gates = reference.gates ?? GateBuffer(Tensor(zeros: [256, 3, 64]))
            let bias = LSTM.combinedBias(w)
            try LSTMKernels.backward(
                LSTMKernels.Shape(steps: 600, batch: 3, input: 16, hidden: 16), x: x.values, weightIH: w.weightIH.values,
                weightHH: w.weightHH.values, bias: bias.values, h0: start.h.values, c0: start.c.values,
                gates: &gates.tensor.values, keepsGates: reference.gates != nil, cells: reference.cells.values,
                hidden: reference.hidden.values, dOut: dOut.values, dWeightIH: &dWIH.values,
                dWeightHH: &dWHH.values, dBiasIH: &dBIH.values, dBiasHH: &dBHH.values,
                dX: &refDX.values, carry: nil, isCancelled: { false })
            #expect(dX.values.map(\.bitPattern) == refDX.values.map(\.bitPattern))
            #expect(grads.map { $0.values.map(\.bitPattern) } == [dWIH, dWHH, dBIH, dBHH].map { $0.values.map(\.bitPattern) })
            #expect(refDX.values.contains { $0 != 0 })
        }
    }
}
