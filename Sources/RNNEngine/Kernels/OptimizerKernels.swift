import Foundation

/// The optimizers' per-element updates (rules in `Optimizer`'s documentation), in float32
/// as Keras computes them; scalar factors that depend on the step are computed once in double.
enum OptimizerKernels {
    struct Rule {
        let kind: OptimizerKind
        let lr, eps, momentum, rho, beta1, beta2: Float
        let nesterov: Bool
        /// adam's step size lr·√(1−β₂ᵗ)/(1−β₁ᵗ).
        let adamAlpha: Float

        init(config c: OptimizerConfig, step: Int) {
            kind = c.kind
            lr = Float(c.learningRate); eps = Float(c.epsilon); momentum = Float(c.momentum)
            rho = Float(c.rho); beta1 = Float(c.beta1); beta2 = Float(c.beta2)
            nesterov = c.nesterov
            let t = Double(step)
            adamAlpha = Float(c.learningRate * (1 - pow(c.beta2, t)).squareRoot() / (1 - pow(c.beta1, t)))
        }
    }

    /// One step on `count` weights; `first` and `second` are the optimizer's slots.
    static func update(_ r: Rule, weights w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                       first s1: UnsafeMutablePointer<Float>, second s2: UnsafeMutablePointer<Float>?, count: Int) {
        switch r.kind {
        case .sgd:
            for i in 0..<count {
                let v = r.momentum * s1[i] - r.lr * g[i]
                s1[i] = v
                w[i] += r.nesterov ? r.momentum * v - r.lr * g[i] : v
            }
        case .rmsprop:
            for i in 0..<count {
                let a = r.rho * s1[i] + (1 - r.rho) * g[i] * g[i]
                s1[i] = a
                w[i] -= r.lr * g[i] / (a + r.eps).squareRoot()
            }
        case .adam:
            let s2 = s2!
            for i in 0..<count {
                let m = r.beta1 * s1[i] + (1 - r.beta1) * g[i]
                let v = r.beta2 * s2[i] + (1 - r.beta2) * g[i] * g[i]
                s1[i] = m
                s2[i] = v
                w[i] -= r.adamAlpha * m / (v.squareRoot() + r.eps)
            }
        case .adagrad:
            for i in 0..<count {
                let a = s1[i] + g[i] * g[i]
                s1[i] = a
                w[i] -= r.lr * g[i] / (a + r.eps).squareRoot()
            }
        case .adadelta:
            let s2 = s2!
            for i in 0..<count {
                let a = r.rho * s1[i] + (1 - r.rho) * g[i] * g[i]
                let d = -(s2[i] + r.eps).squareRoot() / (a + r.eps).squareRoot() * g[i]
                s1[i] = a
                s2[i] = r.rho * s2[i] + (1 - r.rho) * d * d
                w[i] += r.lr * d
            }
        }
    }
}
