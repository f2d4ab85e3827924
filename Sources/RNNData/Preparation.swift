import Foundation
import RNNEngine

/// Everything the trainer needs, sequence-major.
public struct PreparedData: Sendable, Equatable {
    /// (L, S, N·C): L = the longest sequence, N the window, C the feature columns; zero at padded steps.
    public var inputs: Tensor
    /// (L, S, W): W = the targets' width; zero where undefined or padded; scaled when asked.
    public var targets: Tensor
    /// (L, S): 1 where a step counts for the training loss (in the sequence, in the head
    /// when validating, target defined).
    public var trainMask: Tensor
    /// (L, S): 1 on the tail steps with a defined target; nil without validation.
    public var validationMask: Tensor?
    /// The z-score statistics used for one-column z-scored features (the form runs stored
    /// before several columns could be read), nil otherwise.
    public var featureStats: ZScoreStats?
    /// Every scaling used, per feature column and per target (fitted on training steps only).
    public var scaling = DataScaling()
    /// (L, S, W): 0 where a target element is unknown although its step counts (a missing
    /// value under `missing=mask`); nil when there is none.
    public var targetMask: Tensor?
    /// One name per target: the action or the column.
    public var targetNames: [String] = []
    /// The columns the features read, in input order.
    public var featureColumns: [String] = []
    /// The columns the targets are computed from (one for q), in output order.
    public var targetColumns: [String] = []

    /// The safetensors `__metadata__` entries `features` and `targets` of this preparation.
    public func metadata(features: FeatureSpec, targets: TargetSpec) -> [String: String] {
        scaling.metadata(features: features, targets: targets, featureColumns: featureColumns,
                         targetColumns: targetColumns, targetNames: targetNames)
    }

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

    /// The training part of every sequence: all of it, or its head when validating.
    public static func heads(_ series: Series, validation: ValidationSpec?) throws(DataError) -> [Int] {
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
            heads.append(head)
        }
        return heads
    }

    /// Prepares a series for training (SPEC §2, §8).
    ///
    /// - Parameters:
    ///   - series: the values; every sequence needs at least 2 steps (3 with validation).
    ///   - features: deltas or values, the window, the columns and the scaling.
    ///   - targets: `q` or `next`; computed per segment — the whole sequence without
    ///     validation, head and tail separately with it, so no held-out value enters a
    ///     training target.
    ///   - validation: the held-out tail, or nil.
    ///   - stats: previously fitted one-column z-score statistics to reuse exactly (a run
    ///     stored before `scaling`), or nil. Ignored unless the features are z-scored.
    ///   - scaling: previously fitted scalings to reuse exactly (a resumed run), or nil to fit
    ///     them on the training steps (heads, in-sequence steps) of each column.
    ///   - isCancelled: polled every `Interruption.stride` steps; `.interrupted` when it says so.
    /// - Returns: inputs (L, S, N·C), targets (L, S, W), masks (L, S), the scalings.
    public static func prepare(_ series: Series, features: FeatureSpec, targets: TargetSpec,
                               validation: ValidationSpec?, stats: ZScoreStats? = nil,
                               scaling: DataScaling? = nil, isCancelled: () -> Bool = { false }) throws(DataError) -> PreparedData {
        try features.validate()
        try targets.validate()
        try validation?.validate()
        if features.scale == .zscore { try stats?.validate() }
        try series.validate(minimumLength: 2)
        let featureChannels = try features.channels(of: series)
        let targetChannels = try targets.channels(of: series)
        let targetNames = try targets.names(for: series)

        let heads = try heads(series, validation: validation)
        if case let .next(horizon, _, _, _) = targets {
            for (s, head) in heads.enumerated() where horizon >= head {
                throw .horizonTooLong(series.ref(s), horizon: horizon, steps: head, inHead: validation != nil)
            }
        }

        let steps = series.longest, count = series.count, window = features.window, width = targets.width
        let (featureWidth, overflowWidth) = window.multipliedReportingOverflow(by: featureChannels.count)
        for (what, depth) in [("inputs", featureWidth), ("targets", width)] {
            let (rows, overflowRows) = steps.multipliedReportingOverflow(by: count)
            let (total, overflow) = rows.multipliedReportingOverflow(by: depth)
            guard !overflowWidth, !overflowRows, !overflow, total <= maxElements else {
                throw .tooLarge(what: "the \(what) (\(steps) steps × \(count) sequences × \(depth))", limit: maxElements)
            }
        }

        // Per feature column, per sequence: the deltas or the values the lags read.
        let sources = featureChannels.map { c in series.channels[c].map { Features.source(features.kind, $0) } }
        for source in sources {
            for (s, d) in source.enumerated() {
                if let step = d.firstIndex(where: { !$0.isFinite }) {
                    throw .notRepresentable(series.ref(s), step: step, what: "price change")
                }
            }
        }

        // Feature scalings: given, or fitted on the heads.
        var featureScaling: [ColumnScaling] = []
        var legacyStats: ZScoreStats?
        if features.scale != .none {
            if let given = scaling?.features, given.count == featureChannels.count {
                featureScaling = given
            } else if features.scale == .zscore, featureChannels.count == 1, let stats {
                featureScaling = [ColumnScaling(column: series.channelNames[featureChannels[0]], kind: .zscore,
                                                mean: stats.mean, std: stats.std)]
            } else {
                featureScaling = zip(featureChannels, sources).map { c, source in
                    fitFeature(features, column: series.channelNames[c], source, heads: heads)
                }
            }
            for f in featureScaling { try f.validate() }
            if features.scale == .zscore, featureChannels.count == 1, let f = featureScaling.first {
                legacyStats = ZScoreStats(mean: f.mean ?? 0, std: f.std ?? 1)
            }
        }

        var inputs = [Float](repeating: 0, count: steps * count * featureWidth)
        var targetValues = [Float](repeating: 0, count: steps * count * width)
        var definedElements = [Bool](repeating: true, count: steps * count * width)
        var trainMask = [Float](repeating: 0, count: steps * count)
        var validationMask = [Float](repeating: 0, count: steps * count)

        for (block, source) in sources.enumerated() {
            let (mean, std) = featureScaling.isEmpty ? (0, 1) : featureScaling[block].affine
            let scaledZero = Float((0 - mean) / std)
            for s in 0..<count {
                let d = source[s], n = d.count
                for t in 0..<n {
                    if t % Interruption.stride == 0, isCancelled() { throw .interrupted }
                    let base = (t * count + s) * featureWidth + block * window
                    if features.kind == .deltas {
                        let available = min(window, t)
                        for j in 0..<available {
                            let value = Float((d[t - j] - mean) / std)
                            guard value.isFinite else { throw .notRepresentable(series.ref(s), step: t, what: "feature") }
                            inputs[base + j] = value
                        }
                        if scaledZero != 0 {
                            for j in available..<window { inputs[base + j] = scaledZero }
                        }
                    } else {
                        for j in 0..<window {
                            let value = Float((d[max(t - j, 0)] - mean) / std)
                            guard value.isFinite else { throw .notRepresentable(series.ref(s), step: t, what: "feature") }
                            inputs[base + j] = value
                        }
                    }
                }
            }
        }

        // Targets, unscaled first; their scalings are fitted on the defined head elements.
        var raw = [Double](repeating: 0, count: steps * count * width)
        let maskMissing = series.missing?.mode == .mask
        for s in 0..<count {
            let n = series.sequences[s].count, head = heads[s]
            let columns = targetChannels.map { series.channels[$0][s] }
            let missing = maskMissing ? targetChannels.map { series.missing!.cells[$0][s] } : nil
            for range in head < n ? [0..<head, head..<n] : [0..<n] {
                let part = targets.segment(columns, range, missing: missing)
                for local in 0..<range.count {
                    let t = range.lowerBound + local
                    if t % Interruption.stride == 0, isCancelled() { throw .interrupted }
                    var stepDefined = false
                    for a in 0..<width {
                        let e = (t * count + s) * width + a
                        raw[e] = part.values[local * width + a]
                        definedElements[e] = part.defined[local * width + a]
                        stepDefined = stepDefined || definedElements[e]
                    }
                    // A step counts while any of its targets is defined (q: the last step's 0 too).
                    if stepDefined {
                        if t < head { trainMask[t * count + s] = 1 } else { validationMask[t * count + s] = 1 }
                    }
                }
            }
        }
        var targetScaling: [ColumnScaling] = []
        if targets.scale != .none {
            if let given = scaling?.targets, given.count == width {
                targetScaling = given
            } else {
                targetScaling = (0..<width).map { a in
                    fitTarget(targets.scale, column: targetNames[a], raw, index: a, width: width, count: count,
                              heads: heads, defined: definedElements, trainMask: trainMask)
                }
            }
            for t in targetScaling { try t.validate() }
        }
        for s in 0..<count {
            for t in 0..<series.sequences[s].count {
                for a in 0..<width {
                    let e = (t * count + s) * width + a
                    let y = targetScaling.isEmpty ? raw[e] : targetScaling[a].apply(raw[e])
                    let value = Float(y)
                    guard value.isFinite else { throw .notRepresentable(series.ref(s), step: t, what: "target") }
                    targetValues[e] = definedElements[e] || targetScaling.isEmpty ? value : 0
                }
            }
        }

        if validation != nil, !validationMask.contains(1), case let .next(horizon, _, _, _) = targets {
            let longestTail = zip(series.lengths, heads).map { $0 - $1 }.max() ?? 0
            throw .noValidationTargets(horizon: horizon, longestTail: longestTail)
        }
        var prepared = PreparedData(
            inputs: Tensor(shape: [steps, count, featureWidth], values: inputs),
            targets: Tensor(shape: [steps, count, width], values: targetValues),
            trainMask: Tensor(shape: [steps, count], values: trainMask),
            validationMask: validation == nil ? nil : Tensor(shape: [steps, count], values: validationMask),
            featureStats: legacyStats)
        prepared.scaling = DataScaling(features: featureScaling, targets: targetScaling)
        prepared.targetNames = targetNames
        prepared.featureColumns = featureChannels.map { series.channelNames[$0] }
        prepared.targetColumns = targetChannels.map { series.channelNames[$0] }
        // Element masks only where a counted step has an unknown target (missing=mask).
        var elementMask = [Float](repeating: 1, count: steps * count * width)
        var partial = false
        for r in 0..<(steps * count) where trainMask[r] != 0 || validationMask[r] != 0 {
            for a in 0..<width where !definedElements[r * width + a] {
                elementMask[r * width + a] = 0
                partial = true
            }
        }
        if partial { prepared.targetMask = Tensor(shape: [steps, count, width], values: elementMask) }
        return prepared
    }

    /// One feature column's scaling over the heads: deltas weighted as the window sees them
    /// (the zeros before the start included, as the one-column fit always was); values over the
    /// head's values.
    static func fitFeature(_ features: FeatureSpec, column: String, _ source: [[Double]], heads: [Int]) -> ColumnScaling {
        let window = features.window
        if features.kind == .deltas {
            var moments = Features.Moments()
            var lo = 0.0, hi = 0.0
            for (s, d) in source.enumerated() {
                moments.add(d, steps: heads[s], window: window)
                for k in 1..<max(1, heads[s]) { lo = min(lo, d[k]); hi = max(hi, d[k]) }
            }
            return ColumnScaling.fitted(
                column: column, kind: features.scale, moments: (moments.count, moments.sum),
                squaredDeviations: { mean in
                    var squares = 0.0
                    for (s, d) in source.enumerated() {
                        squares += Features.squaredDeviations(d, steps: heads[s], window: window, mean: mean)
                    }
                    return squares
                }, range: (lo, hi))
        }
        var n = 0.0, sum = 0.0, lo = Double.infinity, hi = -Double.infinity
        for (s, p) in source.enumerated() {
            for t in 0..<heads[s] { n += 1; sum += p[t]; lo = min(lo, p[t]); hi = max(hi, p[t]) }
        }
        return ColumnScaling.fitted(column: column, kind: features.scale, moments: (n, sum), squaredDeviations: { mean in
            var squares = 0.0
            for (s, p) in source.enumerated() { for t in 0..<heads[s] { squares += (p[t] - mean) * (p[t] - mean) } }
            return squares
        }, range: (lo, hi))
    }

    /// One target's scaling over its defined training elements.
    static func fitTarget(_ kind: FeatureScale, column: String, _ raw: [Double], index a: Int, width: Int, count: Int,
                          heads: [Int], defined: [Bool], trainMask: [Float]) -> ColumnScaling {
        var values: [Double] = []
        for s in 0..<count {
            for t in 0..<heads[s] {
                let r = t * count + s, e = r * width + a
                if trainMask[r] != 0, defined[e] { values.append(raw[e]) }
            }
        }
        if values.isEmpty { values = [0] }
        let sum = values.reduce(0, +)
        return ColumnScaling.fitted(column: column, kind: kind, moments: (Double(values.count), sum), squaredDeviations: { mean in
            values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        }, range: (values.min()!, values.max()!))
    }
}
