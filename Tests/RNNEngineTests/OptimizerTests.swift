import Foundation
import Testing
@testable import RNNEngine

/// Each optimizer against its written rule (SPEC §3), computed here in double, over several steps.
@Suite struct OptimizerTests {
    struct Case: Sendable, CustomStringConvertible {
        let config: OptimizerConfig
        var description: String { "\(config.kind) \(config.hyperparameters.map { "\($0.name)=\($0.value)" })" }
    }

    static var cases: [Case] {
        var momentum = OptimizerConfig(kind: .sgd); momentum.momentum = 0.9
        var nesterov = momentum; nesterov.nesterov = true
        // At Keras' default lr of 0.001 adadelta barely moves in six steps; lr 1 makes the test bite.
        var adadelta = OptimizerConfig(kind: .adadelta); adadelta.learningRate = 1
        return [OptimizerConfig(kind: .sgd), momentum, nesterov, OptimizerConfig(kind: .rmsprop),
                OptimizerConfig(kind: .adam), OptimizerConfig(kind: .adagrad), OptimizerConfig(kind: .adadelta), adadelta]
            .map(Case.init)
    }

    /// The reference: the rule as written, one scalar at a time, in double.
    static func reference(_ c: OptimizerConfig, weights: [Double], gradients: [[Double]]) -> [Double] {
        var w = weights
        var s1 = [Double](repeating: c.kind == .adagrad ? c.initialAccumulator : 0, count: w.count)
        var s2 = [Double](repeating: 0, count: w.count)
        for (t, g) in gradients.enumerated() {
            let step = Double(t + 1)
            for i in w.indices {
                switch c.kind {
                case .sgd:
                    s1[i] = c.momentum * s1[i] - c.learningRate * g[i]
                    w[i] += c.nesterov ? c.momentum * s1[i] - c.learningRate * g[i] : s1[i]
                case .rmsprop:
                    s1[i] = c.rho * s1[i] + (1 - c.rho) * g[i] * g[i]
                    w[i] -= c.learningRate * g[i] / (s1[i] + c.epsilon).squareRoot()
                case .adam:
                    s1[i] = c.beta1 * s1[i] + (1 - c.beta1) * g[i]
                    s2[i] = c.beta2 * s2[i] + (1 - c.beta2) * g[i] * g[i]
                    let alpha = c.learningRate * (1 - pow(c.beta2, step)).squareRoot() / (1 - pow(c.beta1, step))
                    w[i] -= alpha * s1[i] / (s2[i].squareRoot() + c.epsilon)
                case .adagrad:
                    s1[i] += g[i] * g[i]
                    w[i] -= c.learningRate * g[i] / (s1[i] + c.epsilon).squareRoot()
                case .adadelta:
                    s1[i] = c.rho * s1[i] + (1 - c.rho) * g[i] * g[i]
                    let d = -(s2[i] + c.epsilon).squareRoot() / (s1[i] + c.epsilon).squareRoot() * g[i]
                    s2[i] = c.rho * s2[i] + (1 - c.rho) * d * d
                    w[i] += c.learningRate * d
                }
            }
        }
        return w
    }

    @Test(arguments: cases)
    func followsItsWrittenRule(_ c: Case) throws {
        let start = randomTensor([3, 4], seed: 1)
        let gradients = (0..<6).map { randomTensor([3, 4], seed: 10 + UInt64($0), scale: 0.5) }
        var parameters = [start]
        var optimizer = try Optimizer(config: c.config, parameters: parameters)
        for g in gradients { optimizer.apply([g], to: &parameters) }
        let expected = Self.reference(c.config, weights: start.values.map(Double.init),
                                      gradients: gradients.map { $0.values.map(Double.init) })
        let moved = zip(start.values, expected).map { abs(Double($0) - $1) }.max()!
        #expect(moved > 1e-6)                                      // the steps really moved the weights
        let error = zip(parameters[0].values, expected).map { abs(Double($0) - $1) }.max()!
        #expect(error < 1e-6 + 1e-3 * moved, "max error \(error), movement \(moved)")
        #expect(optimizer.step == 6)
    }

    @Test func stateSurvivesSerialisation() throws {
        var parameters = [randomTensor([5], seed: 1)]
        var optimizer = try Optimizer(config: OptimizerConfig(kind: .adam), parameters: parameters)
        optimizer.apply([randomTensor([5], seed: 2)], to: &parameters)
        let restored = try JSONDecoder().decode(Optimizer.self, from: JSONEncoder().encode(optimizer))
        #expect(restored == optimizer)
        var a = parameters, b = parameters, copy = restored
        optimizer.apply([randomTensor([5], seed: 3)], to: &a)
        copy.apply([randomTensor([5], seed: 3)], to: &b)
        #expect(a == b)
    }

    @Test func kerasDefaults() {
        #expect(OptimizerConfig(kind: .sgd).learningRate == 0.01)
        #expect(OptimizerConfig(kind: .adam).learningRate == 0.001 && OptimizerConfig(kind: .adam).epsilon == 1e-7)
        #expect(OptimizerConfig(kind: .rmsprop).rho == 0.9)
        #expect(OptimizerConfig(kind: .adadelta).rho == 0.95)
        #expect(OptimizerConfig(kind: .adagrad).initialAccumulator == 0.1)
    }

    @Test func outOfRangeHyperparametersAreRefused() {
        var config = OptimizerConfig(kind: .sgd)
        config.learningRate = 0
        #expect(throws: EngineError.invalidHyperparameter(name: "lr", value: 0, expected: "lr > 0")) {
            try Optimizer(config: config, parameters: [])
        }
        config = OptimizerConfig(kind: .adam)
        config.beta1 = 1
        #expect(throws: EngineError.invalidHyperparameter(name: "beta1", value: 1, expected: "0 ≤ beta1 < 1")) {
            try Optimizer(config: config, parameters: [])
        }
    }
}

@Suite struct ClippingTests {
    let gradients = [Tensor(shape: [2], values: [3, 4]), Tensor(shape: [1], values: [12])]  // norms 5 and 12, total 13

    @Test func perTensorNormClipsEachOnItsOwn() {
        var g = gradients
        let before = Clipping.apply(.norm(6), to: &g)
        #expect(before == 13)
        #expect(g[0].values == [3, 4])                      // 5 ≤ 6: untouched
        #expect(g[1].values == [6])
    }

    @Test func globalNormScalesAllByOneFactor() {
        var g = gradients
        Clipping.apply(.global(1.3), to: &g)
        let factor = Float(1.3 / (13 + 1e-6))
        #expect(g[0].values == [3 * factor, 4 * factor])
        #expect(g[1].values == [12 * factor])
        var small = gradients
        Clipping.apply(.global(100), to: &small)
        #expect(small == gradients)
    }

    @Test func valueClipsElements() {
        var g = [Tensor(shape: [3], values: [-5, 0.5, 7])]
        Clipping.apply(.value(1), to: &g)
        #expect(g[0].values == [-1, 0.5, 1])
    }

    @Test func offOnlyMeasures() {
        var g = gradients
        #expect(Clipping.apply(.off, to: &g) == 13)
        #expect(g == gradients)
        #expect(!Clipping.allFinite([Tensor(shape: [1], values: [.nan])]))
        #expect(throws: EngineError.self) { try ClipSetting.norm(0).validate() }
    }
}

@Suite struct LossTests {
    @Test func maskedStepsContributeNothing() throws {
        let prediction = Tensor(shape: [2, 2, 1], values: [1, 2, 3, 4])
        let target = Tensor(shape: [2, 2, 1], values: [0, 0, 0, 100])
        let mask = Tensor(shape: [2, 2], values: [1, 1, 1, 0])
        let result = try #require(try MeanSquaredError.evaluate(prediction: prediction, target: target, mask: mask))
        let expectedGradient: [Float] = [2.0 / 3, 4.0 / 3, 6.0 / 3, 0]
        #expect(result.loss == 14.0 / 3)
        #expect(result.count == 3)
        #expect(result.gradient.values == expectedGradient)
        #expect(try MeanSquaredError.evaluate(prediction: prediction, target: target,
                                              mask: Tensor(zeros: [2, 2])) == nil)
    }

    @Test func mismatchedTargetIsAnError() {
        #expect(throws: EngineError.shapeMismatch(tensor: "target", expected: [1, 1, 2], found: [1, 1, 3])) {
            try MeanSquaredError.evaluate(prediction: Tensor(zeros: [1, 1, 2]), target: Tensor(zeros: [1, 1, 3]), mask: nil)
        }
    }
}

@Suite struct RandomTests {
    @Test func streamsAreSeededAndSeparate() {
        var a = Random(masterSeed: 1, purpose: .noise), b = Random(masterSeed: 1, purpose: .noise)
        var c = Random(masterSeed: 1, purpose: .data), d = Random(masterSeed: 2, purpose: .noise)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
        #expect(first != (0..<4).map { _ in d.next() })
    }

    @Test func stateRoundTripsMidStream() throws {
        var rng = Random(seed: 42)
        _ = rng.gaussian()                                   // leaves a spare value in the state
        let restored = try JSONDecoder().decode(Random.self, from: JSONEncoder().encode(rng))
        var copy = restored
        #expect((0..<10).map { _ in rng.gaussian() } == (0..<10).map { _ in copy.gaussian() })
    }

    @Test func gaussianHasUnitMoments() {
        var rng = Random(seed: 5)
        var values = [Float](repeating: 0, count: 200_000)
        rng.fillGaussian(&values)
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.02)
        let u = (0..<10_000).map { _ in rng.uniform() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
    }
}

@Suite struct GaussianKernelTests {
    @Test func logAndSinCosAreAccurate() {
        var worstLog = 0.0, worstTrig = 0.0
        for i in 1...4096 {
            let x = Float(i) / 4096
            let v = GaussianKernels.log(SIMD8<Float>(repeating: x))[0]
            worstLog = max(worstLog, abs(Double(v) - Foundation.log(Double(x))))
            let t = Float(i - 1) / 4096
            let (s, c) = GaussianKernels.sinCosOfTurns(SIMD8<Float>(repeating: t))
            worstTrig = max(worstTrig, abs(Double(s[0]) - sin(2 * .pi * Double(t))),
                            abs(Double(c[0]) - cos(2 * .pi * Double(t))))
        }
        #expect(worstLog < 1e-6)
        #expect(worstTrig < 1e-6)
    }

    @Test func tailsAndQuartilesAreGaussian() {
        var rng = Random(seed: 9)
        var values = [Float](repeating: 0, count: 100_003)          // not a multiple of 16
        rng.fillGaussian(&values)
        let sorted = values.sorted()
        func quantile(_ q: Double) -> Float { sorted[Int(q * Double(sorted.count))] }
        #expect(abs(quantile(0.5)) < 0.02)
        #expect(abs(quantile(0.75) - 0.6745) < 0.02)                // N(0,1) quartile
        #expect(abs(quantile(0.975) - 1.96) < 0.04)
        #expect(abs(quantile(0.025) + 1.96) < 0.04)
        #expect(sorted.last! > 3.5 && sorted.first! < -3.5)
    }
}

@Suite struct SquareRootKernelTests {
    @Test func matchesSqrtOverTheRadiusRange() {
        var worst = 0.0
        for i in 0...4000 {
            let x = Float(i) / 100                                   // −2 ln u ∈ [0, 32]
            let r = GaussianKernels.squareRoot(SIMD8<Float>(repeating: x))[0]
            worst = max(worst, abs(Double(r) - Double(x).squareRoot()) / max(1e-3, Double(x).squareRoot()))
        }
        #expect(worst < 1e-6)
    }
}
