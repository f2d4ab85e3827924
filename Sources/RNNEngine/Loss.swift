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
