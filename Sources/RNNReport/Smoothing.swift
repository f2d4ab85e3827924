import Foundation

/// Curve smoothing for noisy training metrics.
public enum Smoothing {
    /// TensorBoard's scalar smoothing: an exponential moving average whose start is
    /// de-biased, so the first values are not pulled towards zero.
    ///
    /// For each finite value v, with n the number of finite values seen so far:
    /// `last = last·w + (1 − w)·v` and the output is `last / (1 − wⁿ)`.
    /// Non-finite values are passed through unchanged and do not update the average, as in
    /// TensorBoard (`classicSmoothing` in its line chart), which also returns a constant
    /// series as it is rather than risking rounding noise.
    ///
    /// - Parameters:
    ///   - values: the raw values, in x order.
    ///   - weight: 0 returns the values unchanged; values towards 1 smooth more. Clamped to
    ///     0…0.999, because at exactly 1 the average never moves from zero.
    /// - Returns: one smoothed value per input value.
    public static func debiasedEMA(_ values: [Double], weight: Double) -> [Double] {
        let w = weight.isNaN ? 0 : min(max(weight, 0), 0.999)
        guard w > 0 else { return values }
        let finite = values.filter(\.isFinite)
        if let first = finite.first, finite.allSatisfy({ $0 == first }) { return values }

        var last = 0.0
        var count = 0.0
        return values.map { value in
            guard value.isFinite else { return value }
            last = last * w + (1 - w) * value
            count += 1
            return last / (1 - Foundation.pow(w, count))
        }
    }
}
