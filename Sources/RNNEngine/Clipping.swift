/// Gradient clipping (SPEC §3). Norms are accumulated in double, in a fixed order.
public enum ClipSetting: Codable, Sendable, Equatable {
    case off
    /// Each tensor on its own: g ← g·c / max(‖g‖, c) (Keras `clipnorm`).
    case norm(Double)
    /// All tensors by one factor c / (‖g‖_total + 1e-6) when the total exceeds c (PyTorch `clip_grad_norm_`).
    case global(Double)
    /// Each element into [−c, c] (Keras `clipvalue`).
    case value(Double)

    public func validate() throws {
        switch self {
        case .off: return
        case let .norm(c), let .global(c), let .value(c):
            guard c.isFinite, c > 0 else {
                throw EngineError.invalidHyperparameter(name: "clip", value: c, expected: "a threshold > 0")
            }
        }
    }
}

public enum Clipping {
    /// The L2 norm of all gradients together.
    public static func globalNorm(_ gradients: [Tensor]) -> Double {
        gradients.reduce(0) { $0 + squaredNorm($1) }.squareRoot()
    }

    static func squaredNorm(_ t: Tensor) -> Double {
        t.values.reduce(0) { $0 + Double($1) * Double($1) }
    }

    /// Clips `gradients` in place.
    /// - Returns: the global gradient norm before clipping (for the metrics).
    @discardableResult
    public static func apply(_ setting: ClipSetting, to gradients: inout [Tensor]) -> Double {
        let squares = gradients.map(squaredNorm)
        let total = squares.reduce(0, +).squareRoot()
        switch setting {
        case .off:
            break
        case let .norm(c):
            for i in gradients.indices {
                let norm = squares[i].squareRoot()
                if norm > c { scale(&gradients[i], by: Float(c / norm)) }
            }
        case let .global(c):
            let factor = c / (total + 1e-6)
            if factor < 1 { for i in gradients.indices { scale(&gradients[i], by: Float(factor)) } }
        case let .value(c):
            let limit = Float(c)
            for i in gradients.indices {
                for j in gradients[i].values.indices {
                    gradients[i].values[j] = min(max(gradients[i].values[j], -limit), limit)
                }
            }
        }
        return total
    }

    private static func scale(_ t: inout Tensor, by factor: Float) {
        for j in t.values.indices { t.values[j] *= factor }
    }

    /// Whether every gradient value is finite.
    public static func allFinite(_ gradients: [Tensor]) -> Bool {
        gradients.allSatisfy { $0.values.allSatisfy(\.isFinite) }
    }
}
