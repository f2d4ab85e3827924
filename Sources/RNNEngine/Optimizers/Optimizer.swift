import Foundation

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
        let c = config
        let lr = Float(c.learningRate), eps = Float(c.epsilon)
        for p in parameters.indices {
            let g = gradients[p].values
            switch c.kind {
            case .sgd:
                let mu = Float(c.momentum)
                for i in g.indices {
                    let v = mu * slots[0][p].values[i] - lr * g[i]
                    slots[0][p].values[i] = v
                    parameters[p].values[i] += c.nesterov ? mu * v - lr * g[i] : v
                }
            case .rmsprop:
                let rho = Float(c.rho)
                for i in g.indices {
                    let a = rho * slots[0][p].values[i] + (1 - rho) * g[i] * g[i]
                    slots[0][p].values[i] = a
                    parameters[p].values[i] -= lr * g[i] / (a + eps).squareRoot()
                }
            case .adam:
                let b1 = Float(c.beta1), b2 = Float(c.beta2)
                let t = Double(step)
                let alpha = Float(c.learningRate * (1 - Foundation.pow(c.beta2, t)).squareRoot()
                                  / (1 - Foundation.pow(c.beta1, t)))
                for i in g.indices {
                    let m = b1 * slots[0][p].values[i] + (1 - b1) * g[i]
                    let v = b2 * slots[1][p].values[i] + (1 - b2) * g[i] * g[i]
                    slots[0][p].values[i] = m
                    slots[1][p].values[i] = v
                    parameters[p].values[i] -= alpha * m / (v.squareRoot() + eps)
                }
            case .adagrad:
                for i in g.indices {
                    let a = slots[0][p].values[i] + g[i] * g[i]
                    slots[0][p].values[i] = a
                    parameters[p].values[i] -= lr * g[i] / (a + eps).squareRoot()
                }
            case .adadelta:
                let rho = Float(c.rho)
                for i in g.indices {
                    let a = rho * slots[0][p].values[i] + (1 - rho) * g[i] * g[i]
                    let d = -(slots[1][p].values[i] + eps).squareRoot() / (a + eps).squareRoot() * g[i]
                    slots[0][p].values[i] = a
                    slots[1][p].values[i] = rho * slots[1][p].values[i] + (1 - rho) * d * d
                    parameters[p].values[i] += lr * d
                }
            }
        }
    }
}
