import Foundation
import RNNEngine

/// Everything the trainer needs, sequence-major.
public struct PreparedData: Sendable, Equatable {
    /// (L, S, window): L = the longest sequence; zero at padded steps.
    public var inputs: Tensor
    /// (L, S, W): W = the targets' width; zero where undefined or padded.
    public var targets: Tensor
    /// (L, S): 1 where a step counts for the training loss (in the sequence, in the head
    /// when validating, target defined).
    public var trainMask: Tensor
    /// (L, S): 1 on the tail steps with a defined target; nil without validation.
    public var validationMask: Tensor?
    /// The z-score statistics used (fitted on training steps only), nil for scale none.
    public var featureStats: ZScoreStats?

    public init(inputs: Tensor, targets: Tensor, trainMask: Tensor, validationMask: Tensor?, featureStats: ZScoreStats?) {
        self.inputs = inputs
        self.targets = targets
        self.trainMask = trainMask
        self.validationMask = validationMask
        self.featureStats = featureStats
    }

    /// L: steps of the longest sequence.
    public var length: Int { inputs.shape[0] }
    /// S: number of sequences.
    public var sequenceCount: Int { inputs.shape[1] }
}

/// Series in, tensors out: features, targets, masks and the validation split.
public enum Preparation: Sendable {
    /// Largest number of values in the inputs or the targets (2 GB of float32); a larger
    /// request is refused before anything is allocated.
    public static let maxElements = 500_000_000

    /// Prepares a series for training (SPEC §2).
    ///
    /// - Parameters:
    ///   - series: the prices; every sequence needs at least 2 steps (3 with validation).
    ///   - features: the deltas window and scaling.
    ///   - targets: `q` or `next`; computed per segment — the whole sequence without
    ///     validation, head and tail separately with it, so no held-out price enters a
    ///     training target.
    ///   - validation: the held-out tail, or nil.
    ///   - stats: previously fitted z-score statistics to reuse exactly (a resumed run), or
    ///     nil to fit them on every feature value of the training steps (heads, in-sequence
    ///     steps; the zeros before a series starts included). Ignored for scale none.
    /// - Returns: inputs (L, S, window), targets (L, S, W), masks (L, S).
    public static func prepare(_ series: Series, features: FeatureSpec, targets: TargetSpec,
                               validation: ValidationSpec?, stats: ZScoreStats? = nil) throws(DataError) -> PreparedData {
        try features.validate()
        try targets.validate()
        try validation?.validate()
        if features.scale == .zscore { try stats?.validate() }
        try series.validate(minimumLength: 2)

        // Heads: the training part of every sequence.
        var heads: [Int] = []
        for (s, sequence) in series.sequences.enumerated() {
            let n = sequence.count
            var head = n
            if let validation {
                guard let tail = validation.tailLength(sequenceLength: n) else {
                    throw .sequenceTooShort(series.ref(s), length: n, needed: 3,
                                            reason: "validation needs a head of 2 steps and a tail of at least 1")
                }
                head = n - tail
            }
            if case let .next(horizon) = targets, horizon >= head {
                throw .horizonTooLong(series.ref(s), horizon: horizon, steps: head, inHead: validation != nil)
            }
            heads.append(head)
        }

        let steps = series.longest, count = series.count, window = features.window, width = targets.width
        for (what, depth) in [("inputs", window), ("targets", width)] {
            let (rows, overflowRows) = steps.multipliedReportingOverflow(by: count)
            let (total, overflow) = rows.multipliedReportingOverflow(by: depth)
            guard !overflowRows, !overflow, total <= maxElements else {
                throw .tooLarge(what: "the \(what) (\(steps) steps × \(count) sequences × \(depth))", limit: maxElements)
            }
        }

        let deltas = series.sequences.map(Features.deltas)
        for (s, d) in deltas.enumerated() {
            if let step = d.firstIndex(where: { !$0.isFinite }) {
                throw .notRepresentable(series.ref(s), step: step, what: "price change")
            }
        }

        // Z-score statistics: given, or fitted on the heads.
        var used: ZScoreStats?
        if features.scale == .zscore {
            if let stats {
                used = stats
            } else {
                var moments = Features.Moments()
                for (s, d) in deltas.enumerated() { moments.add(d, steps: heads[s], window: window) }
                let mean = moments.sum / moments.count
                var squares = 0.0
                for (s, d) in deltas.enumerated() {
                    squares += Features.squaredDeviations(d, steps: heads[s], window: window, mean: mean)
                }
                let std = (squares / moments.count).squareRoot()
                used = ZScoreStats(mean: mean, std: std > 0 && std.isFinite ? std : 1)
                try used?.validate()
            }
        }

        var inputs = [Float](repeating: 0, count: steps * count * window)
        var targetValues = [Float](repeating: 0, count: steps * count * width)
        var trainMask = [Float](repeating: 0, count: steps * count)
        var validationMask = [Float](repeating: 0, count: steps * count)
        let mean = used?.mean ?? 0, std = used?.std ?? 1
        let scaledZero = Float((0 - mean) / std)

        for s in 0..<count {
            let prices = series.sequences[s], d = deltas[s], n = prices.count, head = heads[s]
            for t in 0..<n {
                let base = (t * count + s) * window
                let available = min(window, t)
                for j in 0..<available {
                    let value = Float((d[t - j] - mean) / std)
                    guard value.isFinite else { throw .notRepresentable(series.ref(s), step: t, what: "feature") }
                    inputs[base + j] = value
                }
                if scaledZero != 0 {
                    for j in available..<window { inputs[base + j] = scaledZero }
                }
            }
            for range in head < n ? [0..<head, head..<n] : [0..<n] {
                let part = targets.segment(prices, range)
                for local in 0..<range.count {
                    let t = range.lowerBound + local
                    for a in 0..<width {
                        let value = Float(part.values[local * width + a])
                        guard value.isFinite else { throw .notRepresentable(series.ref(s), step: t, what: "target") }
                        targetValues[(t * count + s) * width + a] = value
                    }
                    if part.defined[local] {
                        if t < head { trainMask[t * count + s] = 1 } else { validationMask[t * count + s] = 1 }
                    }
                }
            }
        }

        if validation != nil, !validationMask.contains(1), case let .next(horizon) = targets {
            let longestTail = zip(series.lengths, heads).map { $0 - $1 }.max() ?? 0
            throw .noValidationTargets(horizon: horizon, longestTail: longestTail)
        }
        return PreparedData(inputs: Tensor(shape: [steps, count, window], values: inputs),
                            targets: Tensor(shape: [steps, count, width], values: targetValues),
                            trainMask: Tensor(shape: [steps, count], values: trainMask),
                            validationMask: validation == nil ? nil : Tensor(shape: [steps, count], values: validationMask),
                            featureStats: used)
    }
}
