import Foundation
import Testing
@testable import RNNEngine

@Suite struct LossKindTests {
    static let prediction = randomTensor([5, 3, 2], seed: 1)
    static let target = randomTensor([5, 3, 2], seed: 2)
    static var stepMask: Tensor {
        Tensor(shape: [5, 3], values: (0..<15).map { $0 % 4 == 1 ? 0 : 1 })
    }

    /// The default keeps today's numbers bit for bit.
    @Test func mseWithAStepMaskIsMeanSquaredErrorExactly() throws {
        for mask in [nil, Self.stepMask] {
            let old = try #require(try MeanSquaredError.evaluate(prediction: Self.prediction, target: Self.target, mask: mask))
            let new = try #require(try Loss.evaluate(.mse, prediction: Self.prediction, target: Self.target, mask: mask))
            #expect(new.loss == old.loss && new.sum == old.sumOfSquares && new.count == old.count)
            #expect(new.gradient == old.gradient)
        }
    }

    @Test func valuesFollowTheirFormulas() throws {
        let p = Tensor(shape: [1, 1, 4], values: [0, 1, -3, 0.5])
        let t = Tensor(shape: [1, 1, 4], values: [0, 0, 0, 2])
        // d = 0, 1, −3, −1.5
        let mae = try #require(try Loss.evaluate(.mae, prediction: p, target: t, mask: nil))
        #expect(abs(mae.loss - 5.5 / 4) < 1e-12)
        #expect(mae.gradient.values == [0, 0.25, -0.25, -0.25])
        let huber = try #require(try Loss.evaluate(.huber(delta: 1), prediction: p, target: t, mask: nil))
        #expect(abs(huber.sum - (0 + 0.5 + (3 - 0.5) + (1.5 - 0.5))) < 1e-12)
        #expect(huber.gradient.values == [0, 0.25, -0.25, -0.25])
        let wide = try #require(try Loss.evaluate(.huber(delta: 10), prediction: p, target: t, mask: nil))
        let mse = try #require(try Loss.evaluate(.mse, prediction: p, target: t, mask: nil))
        #expect(abs(wide.loss - mse.loss / 2) < 1e-12)      // δ beyond every |d|: half the squared error
    }

    struct Kind: Sendable, CustomStringConvertible {
        let kind: LossKind
        var description: String { kind.text }
    }

    /// The gradient against central differences of the loss, element by element, with a step
    /// and an element mask (masked elements have zero gradient and do not count).
    @Test(arguments: [Kind(kind: .mse), Kind(kind: .mae), Kind(kind: .huber(delta: 0.7))])
    func gradientsMatchCentralDifferences(_ c: Kind) throws {
        var elementMask = Tensor(zeros: [5, 3, 2])
        for j in elementMask.values.indices { elementMask.values[j] = j % 3 == 0 ? 0 : 1 }
        for mask in [nil, Self.stepMask, elementMask] {
            let result = try #require(try Loss.evaluate(c.kind, prediction: Self.prediction, target: Self.target, mask: mask))
            let eps: Float = 1e-3
            for j in Self.prediction.values.indices {
                var plus = Self.prediction, minus = Self.prediction
                plus.values[j] += eps
                minus.values[j] -= eps
                let lp = try #require(try Loss.evaluate(c.kind, prediction: plus, target: Self.target, mask: mask)).loss
                let lm = try #require(try Loss.evaluate(c.kind, prediction: minus, target: Self.target, mask: mask)).loss
                let numeric = (lp - lm) / (2 * Double(plus.values[j] - Self.prediction.values[j]))
                let analytic = Double(result.gradient.values[j])
                #expect(abs(analytic - numeric) <= 1e-4 + 1e-2 * abs(numeric), "\(c) element \(j): \(analytic) vs \(numeric)")
            }
            if mask == nil { #expect(result.count == 30) }
        }
        let masked = try #require(try Loss.evaluate(c.kind, prediction: Self.prediction, target: Self.target, mask: elementMask))
        #expect(masked.count == 20)
        #expect(elementMask.values.indices.allSatisfy { elementMask.values[$0] != 0 || masked.gradient.values[$0] == 0 })
    }

    @Test func nothingUnmaskedAndBadSettingsAreRefused() throws {
        #expect(try Loss.evaluate(.mae, prediction: Self.prediction, target: Self.target,
                                  mask: Tensor(zeros: [5, 3, 2])) == nil)
        #expect(throws: EngineError.invalidHyperparameter(name: "delta", value: 0, expected: "a finite number > 0")) {
            try LossKind.huber(delta: 0).validate()
        }
        #expect(throws: EngineError.shapeMismatch(tensor: "mask", expected: [5, 3], found: [7])) {
            try Loss.evaluate(.huber(delta: 1), prediction: Self.prediction, target: Self.target, mask: Tensor(zeros: [7]))
        }
        #expect(LossKind.huber(delta: 1.5).text == "huber delta=1.5")
        let decoded = try JSONDecoder().decode(LossKind.self, from: JSONEncoder().encode(LossKind.huber(delta: 2)))
        #expect(decoded == .huber(delta: 2))
    }
}
