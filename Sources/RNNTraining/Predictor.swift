import RNNData
import RNNEngine

/// Evaluation, predictions and forecasts of a model in the data's own units. The model runs in
/// inference mode over whole sequences from a zero state, in bounded chunks with the state carried.
/// Run under `Threads.withCount` for outputs that repeat bit for bit (the `Trainer` forms do).
public enum Predictor {
    /// The model's outputs `(L, S, W)` over every step.
    public static func outputs(model: Model, data: TrainingData, isCancelled: () -> Bool = { false }) throws -> Tensor {
        var state = model.zeroState
        var rng = Random(seed: 0)            // unused: inference draws no noise
        var parts: [Tensor] = []
        for range in TrainingData.chunkRanges(length: data.length,
                                              splits: (data.length + Trainer.inferenceChunk - 1) / Trainer.inferenceChunk) {
            let pass = try model.forward(data.inputs.steps(range), state: state, mode: .inference, rng: &rng,
                                         isCancelled: isCancelled)
            state = pass.state
            parts.append(pass.output)
        }
        return Tensor.concatenatingSteps(parts)
    }

    /// The run's loss and RMSE/MAE per target, unscaled, on the training steps and the tail.
    public static func evaluate(model: Model, data: TrainingData, context: PredictionContext, loss: LossKind = .mse,
                                isCancelled: () -> Bool = { false }) throws -> Evaluation {
        let out = try outputs(model: model, data: data, isCancelled: isCancelled)
        let all = 0..<data.length
        func runLoss(_ mask: Tensor) throws -> Double? {
            try Loss.evaluate(loss, prediction: out, target: data.targets, mask: data.lossMask(mask, steps: all))?.loss
        }
        func metrics(_ mask: Tensor) -> [TargetMetrics] {
            let w = data.targetWidth, s = data.sequenceCount
            var squares = [Double](repeating: 0, count: w), absolute = squares, counts = [Int](repeating: 0, count: w)
            for t in 0..<data.length {
                for q in 0..<s where mask.values[t * s + q] != 0 {
                    for a in 0..<w {
                        let e = (t * s + q) * w + a
                        if let m = data.targetMask, m.values[e] == 0 { continue }
                        let y = context.scaling.unscaledTarget(Double(data.targets.values[e]), index: a)
                        let p = context.scaling.unscaledTarget(Double(out.values[e]), index: a)
                        squares[a] += (p - y) * (p - y)
                        absolute[a] += abs(p - y)
                        counts[a] += 1
                    }
                }
            }
            return (0..<w).map { a in
                let n = Double(max(counts[a], 1))
                return TargetMetrics(name: a < context.targetNames.count ? context.targetNames[a] : "y\(a + 1)",
                                     rmse: (squares[a] / n).squareRoot(), mae: absolute[a] / n, count: counts[a])
            }
        }
        return Evaluation(loss: try runLoss(data.trainMask), validationLoss: try data.validationMask.flatMap(runLoss),
                          train: metrics(data.trainMask), validation: data.validationMask.map(metrics))
    }

    /// One row per step of every sequence (or of `sequence`, 0-based), within `steps` when given.
    public static func predict(model: Model, data: TrainingData, context: PredictionContext, sequence: Int? = nil,
                               steps: Range<Int>? = nil, isCancelled: () -> Bool = { false }) throws -> [PredictionRow] {
        let out = try outputs(model: model, data: data, isCancelled: isCancelled)
        let w = data.targetWidth, s = data.sequenceCount
        var rows: [PredictionRow] = []
        for q in sequence.map({ [$0] }) ?? Array(0..<s) {
            guard q >= 0, q < s else { throw TrainingError.invalidSetting("no sequence \(q + 1) (the data has \(s))") }
            let n = context.series.sequences[q].count
            let range = steps.map { $0.clamped(to: 0..<n) } ?? 0..<n
            for t in range {
                let r = t * s + q
                let counted = data.trainMask.values[r] != 0 || data.validationMask?.values[r] ?? 0 != 0
                var targets: [Double?] = [], predictions: [Double] = []
                for a in 0..<w {
                    let e = r * w + a
                    let known = counted && (data.targetMask?.values[e] ?? 1) != 0
                    targets.append(known ? context.scaling.unscaledTarget(Double(data.targets.values[e]), index: a) : nil)
                    predictions.append(context.scaling.unscaledTarget(Double(out.values[e]), index: a))
                }
                rows.append(PredictionRow(sequence: context.series.label(q), time: context.time(sequence: q, step: t),
                                          split: t < context.heads[q] ? .train : .validation,
                                          targets: targets, predictions: predictions))
            }
        }
        return rows
    }

    /// `steps` steps past the end of every sequence (or of `sequence`), each prediction fed back
    /// as the next input; the state is warmed on the whole series first. Refused (with the
    /// reason) unless the targets are `next horizon=1` on every column the features read.
    public static func forecast(model: Model, data: TrainingData, context: PredictionContext, steps: Int,
                                sequence: Int? = nil, isCancelled: () -> Bool = { false }) throws -> [ForecastRow] {
        if let reason = context.forecastRefusal { throw TrainingError.invalidSetting("cannot forecast: \(reason)") }
        guard steps >= 1, steps <= 1_000_000 else {
            throw TrainingError.invalidSetting("forecast steps must be from 1 to 1000000 (found \(steps))")
        }
        guard case let .next(_, _, form, _) = context.targets else { return [] }
        let features = context.features, window = features.window, s = data.sequenceCount
        let f = features.width(channelCount: context.series.channelCount)
        guard f == model.inputWidth else {
            throw TrainingError.dataMismatch("the model takes \(model.inputWidth) inputs, the features give \(f)")
        }
        var rows: [ForecastRow] = []
        for q in sequence.map({ [$0] }) ?? Array(0..<s) {
            guard q >= 0, q < s else { throw TrainingError.invalidSetting("no sequence \(q + 1) (the data has \(s))") }
            let n = context.series.sequences[q].count
            // Warm up on the whole sequence (batch 1).
            var x = Tensor(zeros: [n, 1, f])
            for t in 0..<n { for j in 0..<f { x.values[t * f + j] = data.inputs.values[(t * s + q) * f + j] } }
            var rng = Random(seed: 0)
            var state = model.zeroState
            var last = Tensor(zeros: [1, 1, model.outputWidth])
            for range in TrainingData.chunkRanges(length: n, splits: (n + Trainer.inferenceChunk - 1) / Trainer.inferenceChunk) {
                let pass = try model.forward(x.steps(range), state: state, mode: .inference, rng: &rng, isCancelled: isCancelled)
                state = pass.state
                last = pass.output.steps((range.count - 1)..<range.count)
            }
            var history = context.series.channels.map { $0[q] }     // extended as we go
            let times = context.series.time?.continued(sequence: q, count: steps)
            for k in 0..<steps {
                if isCancelled() { throw EngineError.cancelled }
                let predictions = (0..<model.outputWidth).map { context.scaling.unscaledTarget(Double(last.values[$0]), index: $0) }
                var values: [Double] = []
                for (a, c) in context.targetChannels.enumerated() {
                    let value = form == .value ? predictions[a] : history[c][history[c].count - 1] + predictions[a]
                    values.append(value)
                    history[c].append(value)
                }
                rows.append(ForecastRow(sequence: context.series.label(q), time: times?[k] ?? "\(n + k + 1)",
                                        predictions: predictions, values: values))
                guard k + 1 < steps else { break }
                // The features of step n + k from the extended history, scaled as in training.
                let t = n + k
                var input = Tensor(zeros: [1, 1, f])
                for (block, c) in context.featureChannels.enumerated() {
                    let p = history[c]
                    let (mean, std) = block < context.scaling.features.count ? context.scaling.features[block].affine : (0, 1)
                    for j in 0..<window {
                        let raw: Double = switch features.kind {
                        case .deltas: t - j >= 1 ? p[t - j] - p[t - j - 1] : 0
                        case .values: p[max(t - j, 0)]
                        }
                        input.values[block * window + j] = Float((raw - mean) / std)
                    }
                }
                let pass = try model.forward(input, state: state, mode: .inference, rng: &rng, isCancelled: isCancelled)
                state = pass.state
                last = pass.output
            }
        }
        return rows
    }
}

/// The same calls with this trainer's model, data, loss and thread count (the outputs are
/// bit-identical for the same thread count only, so each runs under `Threads.withCount`).
extension Trainer {
    public func evaluate(context: PredictionContext, isCancelled: () -> Bool = { false }) throws -> Evaluation {
        try Threads.withCount(state.threads) {
            try Predictor.evaluate(model: currentModel, data: data, context: context, loss: state.lossKind,
                                   isCancelled: isCancelled)
        }
    }

    public func predict(context: PredictionContext, sequence: Int? = nil, steps: Range<Int>? = nil,
                        isCancelled: () -> Bool = { false }) throws -> [PredictionRow] {
        try Threads.withCount(state.threads) {
            try Predictor.predict(model: currentModel, data: data, context: context, sequence: sequence, steps: steps,
                                  isCancelled: isCancelled)
        }
    }

    public func forecast(context: PredictionContext, steps: Int, sequence: Int? = nil,
                         isCancelled: () -> Bool = { false }) throws -> [ForecastRow] {
        try Threads.withCount(state.threads) {
            try Predictor.forecast(model: currentModel, data: data, context: context, steps: steps, sequence: sequence,
                                   isCancelled: isCancelled)
        }
    }
}
