/// The optimizers of SPEC §3, with Keras 3's update rules and defaults.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case sgd, rmsprop, adam, adagrad, adadelta
}

/// An optimizer's name and every hyperparameter in use. Unused fields keep their defaults.
public struct OptimizerConfig: Codable, Sendable, Equatable {
    public var kind: OptimizerKind
    public var learningRate: Double
    /// sgd: momentum μ (0 = plain SGD) and Nesterov's variant.
    public var momentum: Double
    public var nesterov: Bool
    /// rmsprop and adadelta: decay of the squared-gradient average.
    public var rho: Double
    /// adam: decays of the first and second moments.
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// adagrad: starting value of the accumulator.
    public var initialAccumulator: Double

    /// Keras 3 defaults (`keras/src/optimizers/`).
    public init(kind: OptimizerKind) {
        self.kind = kind
        learningRate = kind == .sgd ? 0.01 : 0.001
        momentum = 0
        nesterov = false
        rho = kind == .adadelta ? 0.95 : 0.9
        beta1 = 0.9
        beta2 = 0.999
        epsilon = 1e-7
        initialAccumulator = 0.1
    }

    /// The hyperparameters this optimizer reads, in display order (for `show optimizer`).
    public var hyperparameters: [(name: String, value: String)] {
        var list: [(String, String)] = [("lr", "\(learningRate)")]
        switch kind {
        case .sgd: list += [("momentum", "\(momentum)"), ("nesterov", "\(nesterov)")]
        case .rmsprop: list += [("rho", "\(rho)"), ("eps", "\(epsilon)")]
        case .adam: list += [("beta1", "\(beta1)"), ("beta2", "\(beta2)"), ("eps", "\(epsilon)")]
        case .adagrad: list += [("initial_accumulator", "\(initialAccumulator)"), ("eps", "\(epsilon)")]
        case .adadelta: list += [("rho", "\(rho)"), ("eps", "\(epsilon)")]
        }
        return list
    }

    /// Checks every value is in its range.
    public func validate() throws {
        func check(_ name: String, _ value: Double, _ ok: Bool, _ expected: String) throws {
            guard value.isFinite, ok else {
                throw EngineError.invalidHyperparameter(name: name, value: value, expected: expected)
            }
        }
        try check("lr", learningRate, learningRate > 0, "lr > 0")
        try check("momentum", momentum, (0..<1).contains(momentum), "0 ≤ momentum < 1")
        try check("rho", rho, (0..<1).contains(rho), "0 ≤ rho < 1")
        try check("beta1", beta1, (0..<1).contains(beta1), "0 ≤ beta1 < 1")
        try check("beta2", beta2, (0..<1).contains(beta2), "0 ≤ beta2 < 1")
        try check("eps", epsilon, epsilon > 0, "eps > 0")
        try check("initial_accumulator", initialAccumulator, initialAccumulator >= 0, "initial_accumulator ≥ 0")
    }
}
