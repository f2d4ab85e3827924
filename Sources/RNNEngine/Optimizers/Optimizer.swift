/// An optimizer with its state: hyperparameters, slots and step count. A plain value, so a
/// checkpoint restores it exactly.
///
/// Update rules (Keras 3; t counts steps from 1, g is the gradient after clipping):
/// - sgd: v ← μv − lr·g; w ← w + v (nesterov: w ← w + μv − lr·g). Robbins & Monro (1951).
/// - rmsprop: a ← ρa + (1−ρ)g²; w ← w − lr·g/√(a+ε). Tieleman & Hinton (2012).
/// - adam: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − lr·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v+ε). Kingma & Ba (2015).
/// - adagrad: a ← a + g²; w ← w − lr·g/√(a+ε), a starting at 0.1. Duchi et al. (2011).
/// - adadelta: a ← ρa + (1−ρ)g²; d ← −√(b+ε)/√(a+ε)·g; b ← ρb + (1−ρ)d²; w ← w + lr·d. Zeiler (2012).
public struct Optimizer: Codable, Sendable, Equatable {
    public var config: OptimizerConfig
    /// Number of steps taken.
    public private(set) var step: Int
    /// Per-slot, per-parameter state (sgd: velocity; rmsprop: a; adam: m, v; adagrad: a; adadelta: a, b).
    public private(set) var slots: [[Tensor]]

    /// A fresh optimizer for parameters of the given shapes.
    public init(config: OptimizerConfig, parameters: [Tensor]) throws {
        try config.validate()
        self.config = config
        step = 0
        let slotCount = config.kind == .adam || config.kind == .adadelta ? 2 : 1
        let start = Float(config.kind == .adagrad ? config.initialAccumulator : 0)
        slots = (0..<slotCount).map { _ in
            parameters.map { Tensor(shape: $0.shape, values: [Float](repeating: start, count: $0.count)) }
        }
    }

    /// The learning rate, which a schedule may lower between steps.
    public var learningRate: Double {
        get { config.learningRate }
        set { config.learningRate = newValue }
    }

    /// Applies one update to `parameters` from `gradients` (same shapes, same order).
    public mutating func apply(_ gradients: [Tensor], to parameters: inout [Tensor]) {
        precondition(gradients.count == parameters.count && slots.allSatisfy { $0.count == parameters.count })
        step += 1
        let rule = OptimizerKernels.Rule(config: config, step: step)
        var first = slots[0]
        var second = slots.count > 1 ? slots[1] : []
        slots = []                                   // the slot buffers stay unique while updated in place
        for p in parameters.indices {
            gradients[p].values.withUnsafeBufferPointer { g in
                parameters[p].values.withUnsafeMutableBufferPointer { w in
                    first[p].values.withUnsafeMutableBufferPointer { s1 in
                        if second.isEmpty {
                            OptimizerKernels.update(rule, weights: w.baseAddress!, gradient: g.baseAddress!,
                                                    first: s1.baseAddress!, second: nil, count: g.count)
                        } else {
                            second[p].values.withUnsafeMutableBufferPointer { s2 in
                                OptimizerKernels.update(rule, weights: w.baseAddress!, gradient: g.baseAddress!,
                                                        first: s1.baseAddress!, second: s2.baseAddress!, count: g.count)
                            }
                        }
                    }
                }
            }
        }
        slots = second.isEmpty ? [first] : [first, second]
    }
}
