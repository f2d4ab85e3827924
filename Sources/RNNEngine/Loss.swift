/// Mean squared error over the unmasked steps of a chunk.
public enum MeanSquaredError {
    public struct Result: Sendable {
        /// Mean over unmasked elements (steps × sequences × outputs).
        public var loss: Double
        /// Σ of squared errors, so an epoch loss can weight chunks by their size.
        public var sumOfSquares: Double
        /// Number of unmasked elements.
        public var count: Int
        /// ∂loss/∂prediction, `(T, B, W)`; zero at masked steps.
        public var gradient: Tensor
    }

    /// The loss and its gradient.
    /// - Parameters:
    ///   - prediction: `(T, B, W)`.
    ///   - target: `(T, B, W)`.
    ///   - mask: `(T, B)`, 1 for a step that counts and 0 for a padded or unknown one; `nil` counts all.
    /// - Returns: `nil` when nothing is unmasked (no loss, and no optimizer step should follow).
    public static func evaluate(prediction: Tensor, target: Tensor, mask: Tensor?) throws -> Result? {
        guard prediction.shape == target.shape else {
            throw EngineError.shapeMismatch(tensor: "target", expected: prediction.shape, found: target.shape)
        }
        let width = prediction.width, rows = prediction.rows
        if let mask, mask.count != rows {
            throw EngineError.shapeMismatch(tensor: "mask", expected: Array(prediction.shape.dropLast()), found: mask.shape)
        }
        var counted = 0
        for r in 0..<rows where mask == nil || mask!.values[r] != 0 { counted += 1 }
        guard counted > 0 else { return nil }
        let n = counted * width
        let scale = Float(2.0 / Double(n))
        var gradient = Tensor(zeros: prediction.shape)
        var sum = 0.0
        for r in 0..<rows where mask == nil || mask!.values[r] != 0 {
            for j in (r * width)..<((r + 1) * width) {
                let diff = prediction.values[j] - target.values[j]
                sum += Double(diff) * Double(diff)
                gradient.values[j] = scale * diff
            }
        }
        return Result(loss: sum / Double(n), sumOfSquares: sum, count: n, gradient: gradient)
    }
}

/// Which loss a run trains on (`loss mse|mae|huber [delta=1.0]`); `mse` is the article's.
public enum LossKind: Codable, Sendable, Equatable {
    /// Mean squared error (Keras `MeanSquaredError`, PyTorch `MSELoss`).
    case mse
    /// Mean absolute error (Keras `MeanAbsoluteError`, PyTorch `L1Loss`); the gradient at a
    /// zero difference is 0, as PyTorch's.
    case mae
    /// Huber loss (Keras `Huber`, PyTorch `HuberLoss`): ½d² for |d| ≤ δ, else δ(|d| − ½δ).
    case huber(delta: Double)

    /// The loss as the language writes it.
    public var text: String {
        switch self {
        case .mse: "mse"
        case .mae: "mae"
        case let .huber(delta): "huber delta=\(delta)"
        }
    }

    /// Huber's δ must be finite and positive.
    public func validate() throws {
        if case let .huber(delta) = self, !(delta.isFinite && delta > 0) {
            throw EngineError.invalidHyperparameter(name: "delta", value: delta, expected: "a finite number > 0")
        }
    }
}

/// The loss of a chunk for any `LossKind`, masked by steps or by single elements.
public enum Loss {
    public struct Result: Sendable {
        /// Mean over unmasked elements.
        public var loss: Double
        /// Σ of the per-element losses, so an epoch loss can weight chunks by their size.
        public var sum: Double
        /// Number of unmasked elements.
        public var count: Int
        /// ∂loss/∂prediction, `(T, B, W)`; zero where masked.
        public var gradient: Tensor
    }

    /// The loss and its gradient.
    /// - Parameters:
    ///   - prediction, target: `(T, B, W)`.
    ///   - mask: `(T, B)` (a step counts or not, as `MeanSquaredError`) or `(T, B, W)` (each
    ///     element on its own: a missing target value); 1 counts, 0 does not; `nil` counts all.
    /// - Returns: `nil` when nothing is unmasked. For `.mse` with a step mask the numbers are
    ///   exactly `MeanSquaredError.evaluate`'s.
    public static func evaluate(_ kind: LossKind, prediction: Tensor, target: Tensor, mask: Tensor?) throws -> Result? {
        guard prediction.shape == target.shape else {
            throw EngineError.shapeMismatch(tensor: "target", expected: prediction.shape, found: target.shape)
        }
        let width = prediction.width, rows = prediction.rows
        if case .mse = kind, mask == nil || mask!.count == rows {
            return try MeanSquaredError.evaluate(prediction: prediction, target: target, mask: mask).map {
                Result(loss: $0.loss, sum: $0.sumOfSquares, count: $0.count, gradient: $0.gradient)
            }
        }
        let perElement = mask.map { $0.count == rows * width && $0.count != rows } ?? false
        if let mask, mask.count != rows, !perElement {
            throw EngineError.shapeMismatch(tensor: "mask", expected: Array(prediction.shape.dropLast()), found: mask.shape)
        }
        func counts(_ j: Int) -> Bool {
            guard let mask else { return true }
            return mask.values[perElement ? j : j / width] != 0
        }
        var n = 0
        for j in 0..<(rows * width) where counts(j) { n += 1 }
        guard n > 0 else { return nil }
        let scale = 1 / Double(n)
        var gradient = Tensor(zeros: prediction.shape)
        var sum = 0.0
        for j in 0..<(rows * width) where counts(j) {
            let d = Double(prediction.values[j] - target.values[j])
            let (value, slope) = elementLoss(kind, d)
            sum += value
            gradient.values[j] = Float(scale * slope)
        }
        return Result(loss: sum / Double(n), sum: sum, count: n, gradient: gradient)
    }

    /// One element's loss and its derivative with respect to the prediction, at difference `d`.
    @inline(__always)
    static func elementLoss(_ kind: LossKind, _ d: Double) -> (value: Double, slope: Double) {
        switch kind {
        case .mse:
            return (d * d, 2 * d)
        case .mae:
            return (abs(d), d > 0 ? 1 : d < 0 ? -1 : 0)
        case let .huber(delta):
            return abs(d) <= delta ? (0.5 * d * d, d) : (delta * (abs(d) - 0.5 * delta), d > 0 ? delta : -delta)
        }
    }
}
