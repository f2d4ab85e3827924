import Foundation

/// One plot axis: a domain covering the data, the ticks inside it and their labels.
///
/// Linear axes use "nice" steps of 1, 2 or 5 × 10ᵏ (Heckbert, *Nice Numbers for Graph
/// Labels*, Graphics Gems, 1990) and widen the domain to round ends when that wastes less
/// than 30% of it; logarithmic axes use decades, adding 2 and 5 within each
/// decade when the data spans only a few. Every input is accepted: non-finite bounds fall
/// back to 0…1 (1…10 on a log axis), equal bounds are widened, nothing traps.
public struct Axis: Sendable, Equatable {
    /// How values map to positions along the axis.
    public enum Scale: Sendable, Equatable {
        /// Equal differences take equal lengths.
        case linear
        /// Equal ratios take equal lengths (log10); only positive values can be shown.
        case logarithmic
    }

    /// Linear or logarithmic.
    public let scale: Scale
    /// The domain's ends: ticks themselves when rounding was cheap, else the data's range
    /// plus a margin.
    public let lower: Double
    /// The domain's upper end.
    public let upper: Double
    /// Tick values in increasing order.
    public let ticks: [Double]
    /// One label per tick, formatted consistently for the whole axis.
    public let labels: [String]

    /// Where `value` falls in the domain: 0 at `lower`, 1 at `upper` (log10 on a log axis).
    public func fraction(of value: Double) -> Double {
        switch scale {
        case .linear:
            // Halves keep the span finite even for bounds near ±Double.greatestFiniteMagnitude.
            return (value / 2 - lower / 2) / (upper / 2 - lower / 2)
        case .logarithmic:
            return (Foundation.log10(value) - Foundation.log10(lower))
                / (Foundation.log10(upper) - Foundation.log10(lower))
        }
    }

    /// A linear axis covering `lower…upper` (in either order) with at most `maxTicks` ticks.
    ///
    /// - Parameters:
    ///   - roundEnds: always widen the domain to ticks at both ends, which keeps ticks evenly
    ///     spread over a plot only a few rows high.
    ///   - integers: ticks at whole numbers only (an axis of epochs has no epoch 1.5).
    ///   - endsAtData: the domain is exactly the data's range, with the nice ticks inside it (an
    ///     axis of steps or epochs: 1,235 steps end at step 1,234, not at 1,400).
    public static func linear(covering lower: Double, _ upper: Double, maxTicks: Int, roundEnds: Bool = false,
                              integers: Bool = false, endsAtData: Bool = false) -> Axis {
        guard lower.isFinite, upper.isFinite else { return linear(covering: 0, 1, maxTicks: maxTicks) }
        var lo = min(lower, upper)
        var hi = max(lower, upper)
        if lo == hi {
            // A constant: centre it in a small band of its own magnitude.
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
            guard lo.isFinite, hi.isFinite else { return plain(lower: lo.isFinite ? lo : -.greatestFiniteMagnitude,
                                                               upper: hi.isFinite ? hi : .greatestFiniteMagnitude) }
        }
        let count = max(2, maxTicks)
        var steps = niceSteps(span: hi / 2 - lo / 2, maxTicks: count)
        if integers {
            steps = steps.filter { $0 >= 1 }
            if steps.isEmpty { steps = [1, 2, 5, 10] }
        }
        if endsAtData, !roundEnds {
            return tightLinear(lo, hi, steps: steps, maxTicks: count, minimumTicks: 2) ?? plain(lower: lo, upper: hi)
        }
        // Round ends when they cost little space; otherwise the data's range with a 5% margin
        // and the ticks inside it (-0.05…1.02 would otherwise become -1…2 with four ticks).
        if let loose = looseLinear(lo, hi, steps: steps, maxTicks: count),
           roundEnds || (hi / 2 - lo / 2) / (loose.upper / 2 - loose.lower / 2) >= 0.7 {
            return loose
        }
        let margin = (hi / 2 - lo / 2) * 0.1
        let (paddedLower, paddedUpper) = (lo - margin, hi + margin)
        if paddedLower.isFinite, paddedUpper.isFinite,
           let tight = tightLinear(paddedLower, paddedUpper, steps: steps, maxTicks: count) {
            return tight
        }
        return looseLinear(lo, hi, steps: steps, maxTicks: count) ?? plain(lower: lo, upper: hi)
    }

    /// Steps of 1, 2 or 5 × 10ᵏ in increasing order, from a little below the step that would
    /// split `2 · span` into `maxTicks − 1` parts to a little above it.
    private static func niceSteps(span halfSpan: Double, maxTicks: Int) -> [Double] {
        let exponent = Foundation.floor(Foundation.log10(halfSpan / Double(maxTicks - 1) * 2))
        guard exponent.isFinite else { return [] }
        return stride(from: exponent - 1, through: exponent + 2, by: 1).flatMap { power in
            [1.0, 2.0, 5.0].map { $0 * Foundation.pow(10, power) }
        }.filter { $0 > 0 && $0.isFinite }
    }

    /// The domain widened to the nearest multiples of the smallest step that gives at most
    /// `maxTicks` ticks; every tick is a multiple, both ends included.
    private static func looseLinear(_ lo: Double, _ hi: Double, steps: [Double], maxTicks: Int) -> Axis? {
        for step in steps {
            // The slack absorbs rounding such as 0.3 / 0.1 = 2.9999999999999996.
            let first = Foundation.floor(lo / step + 1e-9)
            let last = Foundation.ceil(hi / step - 1e-9)
            guard first.isFinite, last.isFinite, last - first + 1 <= Double(maxTicks) else { continue }
            let ticks = stride(from: first, through: last, by: 1).map { $0 * step }
            guard let lower = ticks.first, let upper = ticks.last, lower.isFinite, upper.isFinite, lower < upper
            else { continue }
            return Axis(scale: .linear, lower: lower, upper: upper, ticks: ticks, labels: TickLabel.linear(ticks, step: step))
        }
        return nil
    }

    /// The domain as given, with the multiples of the smallest step that fit inside it:
    /// at most `maxTicks`, and at least `minimumTicks` when `maxTicks` allows.
    private static func tightLinear(_ lo: Double, _ hi: Double, steps: [Double], maxTicks: Int,
                                    minimumTicks: Int = 3) -> Axis? {
        for step in steps {
            let first = Foundation.ceil(lo / step - 1e-9)
            let last = Foundation.floor(hi / step + 1e-9)
            guard first.isFinite, last.isFinite, last - first + 1 <= Double(maxTicks) else { continue }
            // Larger steps only give fewer ticks; too few, and the rounded ends serve better.
            guard last - first + 1 >= Double(min(minimumTicks, maxTicks)) else { return nil }
            let ticks = stride(from: first, through: last, by: 1).map { $0 * step }
            return Axis(scale: .linear, lower: min(lo, ticks[0]), upper: max(hi, ticks[ticks.count - 1]), ticks: ticks,
                        labels: TickLabel.linear(ticks, step: step))
        }
        return nil
    }

    /// A logarithmic axis covering `lower…upper`; both must be positive and finite, else the
    /// axis falls back to 1…10. Callers drop non-positive values before asking.
    public static func logarithmic(covering lower: Double, _ upper: Double, maxTicks: Int) -> Axis {
        var lo = min(lower, upper)
        var hi = max(lower, upper)
        guard lo > 0, hi.isFinite, lo.isFinite else { return logarithmic(covering: 1, 10, maxTicks: maxTicks) }
        if lo == hi {
            lo /= 2
            hi = min(hi * 2, .greatestFiniteMagnitude)
        }
        let count = max(2, maxTicks)
        // The smallest positive normal is 2.2e-308; decades below it cannot be represented.
        let lowDecade = max(Foundation.floor(Foundation.log10(lo) + 1e-9), -307)
        let highDecade = min(max(Foundation.ceil(Foundation.log10(hi) - 1e-9), lowDecade + 1), 308)
        let decades = highDecade - lowDecade

        if decades < 3 {
            let oneTwoFive = subdecadeTicks(lo, hi, lowDecade, highDecade, mantissas: [1, 2, 5])
            if oneTwoFive.count < 3 {
                let allDigits = subdecadeTicks(lo, hi, lowDecade, highDecade, mantissas: [1, 2, 3, 4, 5, 6, 7, 8, 9])
                if allDigits.count <= count { return logAxis(allDigits) }
            }
            if oneTwoFive.count <= count { return logAxis(oneTwoFive) }
        }
        // Decades, every `every`-th one when there are more than `count`.
        let every = max(1, Foundation.ceil(decades / Double(count - 1)))
        let top = min(lowDecade + Foundation.ceil(decades / every) * every, 308)
        let ticks = stride(from: lowDecade, through: top, by: every).map { Foundation.pow(10, $0) }
        return logAxis(ticks)
    }

    /// Ticks m·10ᵈ from the largest one at or below `lo` to the smallest one at or above `hi`.
    private static func subdecadeTicks(_ lo: Double, _ hi: Double, _ lowDecade: Double, _ highDecade: Double,
                                       mantissas: [Double]) -> [Double] {
        let candidates = stride(from: lowDecade - 1, through: highDecade, by: 1).flatMap { decade in
            mantissas.map { $0 * Foundation.pow(10, decade) }
        }.filter { $0 > 0 && $0.isFinite }
        let tolerance = 1e-9
        let start = candidates.last { $0 <= lo * (1 + tolerance) } ?? candidates.first ?? lo
        let end = candidates.first { $0 >= hi * (1 - tolerance) } ?? candidates.last ?? hi
        return candidates.filter { $0 >= start && $0 <= end }
    }

    private static func logAxis(_ ticks: [Double]) -> Axis {
        Axis(scale: .logarithmic, lower: ticks.first ?? 1, upper: ticks.last ?? 10, ticks: ticks,
             labels: ticks.map(TickLabel.shortest))
    }

    /// The fallback when no round step fits (spans near the largest Double): the bounds themselves.
    private static func plain(lower: Double, upper: Double) -> Axis {
        Axis(scale: .linear, lower: lower, upper: upper, ticks: [lower, upper],
             labels: [TickLabel.shortest(lower), TickLabel.shortest(upper)])
    }
}
