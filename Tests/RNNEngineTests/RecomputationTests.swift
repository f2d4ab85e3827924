import Testing
@testable import RNNEngine

/// Segment recomputation gives exactly what backprop over the whole chunk's cache gives: the
/// output, the final state, the noise generator, every gradient and dX, bit for bit.
@Suite(.serialized) struct RecomputationTests {
    struct Pass: Equatable {
        let output: [UInt32], state: [[UInt32]], rng: Random, gradients: [[UInt32]], dX: [UInt32]
    }

    static func bits(_ t: Tensor) -> [UInt32] { t.values.map(\.bitPattern) }

    /// One forward and backward of `spec` over a `(steps, 3, 5)` chunk from a non-zero state.
    static func pass(_ spec: ModelSpec, steps: Int, segmentSteps: Int?, threads: Int = 1) throws -> Pass {
        try Threads.withCount(threads) {
            var initRng = Random(masterSeed: 7, purpose: .initialization)
            let model = try Model(spec: spec, inputWidth: 5, rng: &initRng)
            let x = randomTensor([steps, 3, 5], seed: 11)
            let dOut = randomTensor([steps, 3, model.outputWidth], seed: 12)
            // A state carried from an earlier chunk, so the first segment starts from it too.
            var rng = Random(masterSeed: 7, purpose: .noise)
            let warm = try model.forward(randomTensor([20, 3, 5], seed: 13), state: model.zeroState,
                                         mode: .training, rng: &rng)
            var pass = try model.forward(x, state: warm.state, mode: .training, rng: &rng, segmentSteps: segmentSteps)
            var grads = model.zeroGradients()
            let dX = try #require(try model.backward(dOut, cache: &pass.cache, gradients: &grads))
            return Pass(output: bits(pass.output), state: pass.state.layers.map { $0.map { bits($0.h) + ($0.c.map(bits) ?? []) } ?? [] },
                        rng: rng, gradients: grads.map(bits), dX: bits(dX))
        }
    }

    static let noiseStack = ModelSpec(layers: [.dense(units: 8, activation: .relu), .noise(std: 0.3), .lstm(units: 32),
                                               .noise(std: 0.2), .lstm(units: 7), .dense(units: 2, activation: .linear)])

    @Test(arguments: [256, 512, 768])
    func recomputedGradientsEqualPlainOnes(segmentSteps: Int) throws {
        // 1,000 steps: 768 leaves a last segment of 232; 256 and 512 do not divide it either.
        let plain = try Self.pass(Self.noiseStack, steps: 1_000, segmentSteps: nil)
        let recomputed = try Self.pass(Self.noiseStack, steps: 1_000, segmentSteps: segmentSteps)
        #expect(recomputed.output == plain.output)
        #expect(recomputed.state == plain.state)
        #expect(recomputed.rng == plain.rng)
        for (index, (r, p)) in zip(recomputed.gradients, plain.gradients).enumerated() {
            #expect(r == p, "gradient \(index) differs at segment \(segmentSteps)")
        }
        #expect(recomputed.dX == plain.dX)
        // The gradients are real: every tensor has non-zero entries.
        #expect(plain.gradients.allSatisfy { $0.contains { Float(bitPattern: $0) != 0 } })
    }

    @Test func dividingSegmentsAndTwoThreadsToo() throws {
        let plain = try Self.pass(Self.noiseStack, steps: 512, segmentSteps: nil, threads: 2)
        let recomputed = try Self.pass(Self.noiseStack, steps: 512, segmentSteps: 256, threads: 2)
        #expect(recomputed == plain)
    }

    @Test func dropoutDrawsAreReproduced() throws {
        let spec = ModelSpec(layers: [.dense(units: 6, activation: .tanh), .dropout(rate: 0.3), .lstm(units: 5),
                                      .noise(std: 0.1), .dropout(rate: 0.2), .dense(units: 3, activation: .sigmoid)])
        let plain = try Self.pass(spec, steps: 600, segmentSteps: nil)
        #expect(try Self.pass(spec, steps: 600, segmentSteps: 256) == plain)
    }

    @Test func aSegmentAsLongAsTheChunkIsPlainBackprop() throws {
        let plain = try Self.pass(Self.noiseStack, steps: 300, segmentSteps: nil)
        #expect(try Self.pass(Self.noiseStack, steps: 300, segmentSteps: 512) == plain)
    }

    @Test func segmentsMustBeWholeBlocks() throws {
        var initRng = Random(seed: 1)
        let model = try Model(spec: Self.noiseStack, inputWidth: 5, rng: &initRng)
        var rng = Random(seed: 2)
        for bad in [0, -256, 100, 300] {
            #expect(throws: EngineError.self) {
                try model.forward(randomTensor([600, 3, 5], seed: 1), state: model.zeroState, mode: .training,
                                  rng: &rng, segmentSteps: bad)
            }
        }
    }

    /// GRU backward carries no state gradient across a segment boundary, so recomputing a stack
    /// with a GRU layer would truncate its gradients: the engine refuses it, and a segment as
    /// long as the chunk (plain backprop) still runs.
    @Test func aGRUStackIsNotRecomputed() throws {
        var initRng = Random(seed: 1)
        let spec = ModelSpec(layers: [.gru(units: 6), .dense(units: 2, activation: .linear)])
        #expect(!spec.supportsRecomputation && Self.noiseStack.supportsRecomputation)
        let model = try Model(spec: spec, inputWidth: 5, rng: &initRng)
        var rng = Random(seed: 2)
        let x = randomTensor([600, 3, 5], seed: 1)
        #expect(throws: EngineError.self) {
            try model.forward(x, state: model.zeroState, mode: .training, rng: &rng, segmentSteps: 256)
        }
        let whole = try model.forward(x, state: model.zeroState, mode: .training, rng: &rng, segmentSteps: 768)
        #expect(whole.cache.checkpoints == nil)
    }

    /// Noise drawn in pieces of any size equals noise drawn in one call.
    @Test(arguments: [[1000], [37, 5, 958], [16, 16, 968], [999, 1], [3, 200, 797]])
    func gaussianStreamInPieces(pieces: [Int]) {
        var whole = [Float](repeating: 0.5, count: 1_000)
        var rngWhole = Random(seed: 9)
        rngWhole.addGaussian(to: &whole, std: 0.7)
        var split = [Float](repeating: 0.5, count: 1_000)
        var rngSplit = Random(seed: 9)
        var stream = GaussianStream(std: 0.7, seededFrom: &rngSplit)
        split.withUnsafeMutableBufferPointer { buffer in
            var offset = 0
            for piece in pieces {
                stream.add(to: buffer.baseAddress! + offset, count: piece)
                offset += piece
            }
        }
        #expect(split.map(\.bitPattern) == whole.map(\.bitPattern))
        #expect(rngSplit == rngWhole)
        #expect(Set(whole).count > 990)      // really noise
    }
}

/// The memory estimate from shapes alone.
@Suite struct MemoryEstimateTests {
    @Test func seedModelPerRow() {
        let seed = ModelSpec(layers: [.dense(units: 64, activation: .relu), .noise(std: 0.1),
                                      .dense(units: 64, activation: .relu), .noise(std: 0.1), .lstm(units: 64),
                                      .noise(std: 0.1), .lstm(units: 64), .dense(units: 2, activation: .linear)])
        // K = 100 (200 steps × 15): 2 × (256 output + 8 mask bytes) + 2 × 1,536 LSTM (gates, cells,
        // hidden) + 256 noise copy + 8 output, at the head's backward with 8 + 256 gradient bytes
        // (into and out of it), + 8 loss gradient.
        #expect(seed.trainingBytesPerRow(inputWidth: 128, rows: 200 * 15) == 528 + 3_072 + 256 + 8 + 264 + 8)
        // K = 1 (20,000 steps): each LSTM's 307 MB of gates are recomputed, 512 bytes (cells, hidden) kept.
        #expect(seed.trainingBytesPerRow(inputWidth: 128, rows: 20_000 * 15) == 528 + 1_024 + 256 + 8 + 264 + 8)
        // An LSTM narrower than its input needs its own dX: at its backward, the caches below it
        // (the dense layer's 40) + its own (4 × 24 + 8 + 8) + dOut 32 + dX 40, + 32 loss gradient.
        let narrow = ModelSpec(layers: [.dense(units: 10, activation: .linear), .lstm(units: 8)])
        #expect(narrow.trainingBytesPerRow(inputWidth: 3, rows: 100) == 40 + 4 * 48 + 32 + 40 + 32)
        #expect(LSTM.keepsGates(rows: 200 * 15, units: 64) && !LSTM.keepsGates(rows: 20_000 * 15, units: 64))
        #expect(seed.stateBytes(batch: 15) == 2 * 2 * 4 * 64 * 15)
    }

    @Test func dropoutHoldsOutputAndMask() {
        let spec = ModelSpec(layers: [.dense(units: 10, activation: .linear), .dropout(rate: 0.5)])
        // 40 output + 80 dropout + transient max(4·10 first layer, 4·(10 + 10)) + 40 loss gradient.
        #expect(spec.trainingBytesPerRow(inputWidth: 3, rows: 1_000) == 40 + 80 + 80 + 40)
    }
}

/// A noise layer fused into the dense layer before it adds what a separate pass would, and the
/// ReLU's derivative still comes from the output before the noise.
@Suite struct FusedNoiseTests {
    @Test(arguments: [Activation.relu, .linear])
    func fusedNoiseMatchesASeparatePass(activation: Activation) throws {
        var initRng = Random(seed: 5)
        let model = try Model(spec: ModelSpec(layers: [.dense(units: 6, activation: activation), .noise(std: 0.5)]),
                              inputWidth: 4, rng: &initRng)
        let x = randomTensor([300, 2, 4], seed: 6)          // two time blocks
        var unused = Random(seed: 0)
        let clean = try model.forward(x, state: model.zeroState, mode: .inference, rng: &unused).output
        var rng = Random(seed: 8), reference = Random(seed: 8)
        var pass = try model.forward(x, state: model.zeroState, mode: .training, rng: &rng)
        var expected = clean
        reference.addGaussian(to: &expected.values, std: 0.5)
        #expect(pass.output.values.map(\.bitPattern) == expected.values.map(\.bitPattern))
        #expect(rng == reference)
        // dL/db = Σ dOut ⊙ f′(clean output): the mask is taken before the noise.
        let dOut = randomTensor([300, 2, 6], seed: 9)
        var grads = model.zeroGradients()
        try model.backward(dOut, cache: &pass.cache, gradients: &grads)
        var biasGradient = [Double](repeating: 0, count: 6)
        for row in 0..<600 {
            for j in 0..<6 where activation == .linear || clean.values[row * 6 + j] > 0 {
                biasGradient[j] += Double(dOut.values[row * 6 + j])
            }
        }
        #expect(relativeError(grads[1].values, biasGradient.map { Float($0) }) < 1e-5)
    }
}
