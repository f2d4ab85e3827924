import Foundation
import RNNData
import RNNEngine
import Testing
@testable import RNNTraining

/// Evaluation, predictions and forecasts in the data's own units.
@Suite struct PredictorTests {
    /// A pure sine per sequence (period 25 steps, its own phase), with a date column.
    static func sine(length: Int = 300, phases: [Double] = [0, 1.3]) -> Series {
        let channels = [phases.map { phase in (0..<length).map { sin(2 * Double.pi * Double($0) / 25 + phase) } }]
        let day = 86_400.0
        let texts = phases.map { _ in (0..<length).map { TimeParserForTests.date(Double($0) * day) } }
        let values = phases.map { _ in (0..<length).map { Double($0) * day } }
        return Series(channels: channels, channelNames: ["y"], names: ["first", "second"],
                      time: SeriesTime(kind: .date, name: "date", texts: texts, values: values))
    }

    static func setup(series: Series, features: FeatureSpec, targets: TargetSpec, validation: ValidationSpec? = nil,
                      spec: ModelSpec, seed: UInt64 = 1) throws -> (Trainer, PredictionContext, PreparedData) {
        let prepared = try Preparation.prepare(series, features: features, targets: targets, validation: validation)
        let data = try TrainingData(prepared)
        var rng = Random(masterSeed: seed, purpose: .initialization)
        let model = try Model(spec: spec, inputWidth: data.featureWidth, rng: &rng)
        var config = OptimizerConfig(kind: .adam)
        config.learningRate = 0.01
        let state = try RunState(runName: "t", masterSeed: seed, model: model, optimizer: config, clip: .norm(1),
                                 splitSchedule: try SplitSchedule(splits: [1]), threads: 1)
        let context = try PredictionContext(series: series, prepared: prepared, features: features, targets: targets,
                                            validation: validation)
        return (try Trainer(state: state, data: data), context, prepared)
    }

    /// Trained on a pure sine (values features, `next as=value`), the forecast continues it:
    /// over 25 steps (one period) past the end, every value within 0.05 of the true sine
    /// (amplitude 1), and the time column continues by day.
    @Test func forecastContinuesAPureSine() throws {
        let series = Self.sine()
        var (trainer, context, _) = try Self.setup(
            series: series, features: FeatureSpec(kind: .values, window: 10, scale: .zscore),
            targets: .next(horizon: 1, form: .value, scale: .zscore),
            spec: ModelSpec(layers: [.gru(units: 16), .dense(units: 1, activation: .linear)]))
        _ = try trainer.train(epochs: 150)
        let rows = try trainer.forecast(context: context, steps: 25)
        #expect(rows.count == 50)
        var worst = 0.0
        for (q, phase) in [0, 1.3].enumerated() {
            let mine = rows.filter { $0.sequence == series.label(q) }
            #expect(mine.count == 25)
            for (k, row) in mine.enumerated() {
                let truth = sin(2 * Double.pi * Double(300 + k) / 25 + phase)
                worst = max(worst, abs(row.values[0] - truth))
                #expect(row.values == row.predictions)                  // as=value: the prediction is the value
            }
        }
        #expect(worst < 0.05, "largest forecast error \(worst)")
        #expect(rows.first?.time == TimeParserForTests.date(300 * 86_400))
        #expect(rows[24].time == TimeParserForTests.date(324 * 86_400))
    }

    /// Rows carry label, time, split, unscaled targets (nil when masked) and predictions, and
    /// the metrics agree with a recomputation from the rows.
    @Test func predictionsAndMetricsAreInTheDataUnits() throws {
        let series = Self.sine(length: 40)
        let targets = TargetSpec.next(horizon: 2, form: .value, scale: .minmax)
        var (trainer, context, prepared) = try Self.setup(
            series: series, features: FeatureSpec(kind: .values, window: 3, scale: .zscore), targets: targets,
            validation: ValidationSpec(tail: 0.25), spec: ModelSpec(layers: [.lstm(units: 4), .dense(units: 1, activation: .linear)]))
        _ = try trainer.train(epochs: 3)
        let rows = try trainer.predict(context: context)
        #expect(rows.count == 80)
        #expect(rows[0].sequence == "first" && rows[40].sequence == "second")
        #expect(rows[0].time == series.time!.texts[0][0])
        #expect(rows.prefix(40).map(\.split.rawValue) == Array(repeating: "train", count: 30) + Array(repeating: "validation", count: 10))
        // Each segment's last two steps have no target; the others are p(t+2) in the data's units.
        for (t, row) in rows.prefix(40).enumerated() {
            if [28, 29, 38, 39].contains(t) {
                #expect(row.targets == [nil])
            } else {
                #expect(abs(try #require(row.targets[0]) - series.sequences[0][t + 2]) < 1e-5, "step \(t)")
            }
        }
        let evaluation = try trainer.evaluate(context: context)
        func recomputed(_ split: PredictionRow.Split) -> (rmse: Double, mae: Double, count: Int) {
            let pairs = rows.filter { $0.split == split }.compactMap { r in r.targets[0].map { ($0, r.predictions[0]) } }
            let se = pairs.reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, ae = pairs.reduce(0) { $0 + abs($1.0 - $1.1) }
            return ((se / Double(pairs.count)).squareRoot(), ae / Double(pairs.count), pairs.count)
        }
        let train = recomputed(.train), validation = recomputed(.validation)
        #expect(evaluation.train[0].name == "y" && evaluation.train[0].count == train.count)
        #expect(abs(evaluation.train[0].rmse - train.rmse) < 1e-9 && abs(evaluation.train[0].mae - train.mae) < 1e-9)
        let v = try #require(evaluation.validation?.first)
        #expect(abs(v.rmse - validation.rmse) < 1e-9 && v.count == validation.count)
        #expect(try #require(evaluation.loss) > 0 && evaluation.validationLoss != nil)
        // A window of the rows: sequence 2, steps 5…9.
        let part = try trainer.predict(context: context, sequence: 1, steps: 5..<10)
        #expect(part.map(\.time) == Array(series.time!.texts[1][5..<10]))
        #expect(part.map(\.predictions) == Array(rows[45..<50]).map(\.predictions))
        #expect(prepared.scaling.targets.count == 1)
    }

    @Test func forecastRefusesWhatItCannotServe() throws {
        let two = Series(channels: [[Array(stride(from: 0.0, to: 30, by: 1))], [Array(repeating: 1.0, count: 30)]],
                         channelNames: ["a", "b"])
        let spec = ModelSpec(layers: [.dense(units: 2, activation: .linear)])
        let cases: [(FeatureSpec, TargetSpec, String)] = [
            (FeatureSpec(window: 2), .defaultQ,
             "cannot forecast: it needs 'targets next horizon=1' (the q targets are values of trades, not the next input)"),
            (FeatureSpec(window: 2), .next(horizon: 2, columns: ["a", "b"]),
             "cannot forecast: it needs 'targets next horizon=1' (found horizon=2: a prediction must be the next step's input)"),
            (FeatureSpec(window: 2), .next(horizon: 1, columns: ["a"]),
             "cannot forecast: the features read 'b', which the targets do not predict (expected 'targets next columns=' to name every column the features read)"),
        ]
        for (features, targets, message) in cases {
            let spec2 = ModelSpec(layers: spec.layers.dropLast() + [.dense(units: targets.width, activation: .linear)])
            let (trainer, context, _) = try Self.setup(series: two, features: features, targets: targets, spec: spec2)
            #expect(throws: TrainingError.invalidSetting(message)) {
                try trainer.forecast(context: context, steps: 3)
            }
        }
        // Both columns predicted: it runs, and a change target adds up (deltas of a line are 1).
        let (trainer, context, _) = try Self.setup(series: two, features: FeatureSpec(kind: .values, window: 1),
                                                   targets: .next(horizon: 1, columns: ["a", "b"]), spec: spec)
        let rows = try trainer.forecast(context: context, steps: 2)
        #expect(rows.map(\.time) == ["31", "32"])
        #expect(abs(rows[0].values[0] - (29 + rows[0].predictions[0])) < 1e-12)
        #expect(abs(rows[1].values[0] - (rows[0].values[0] + rows[1].predictions[0])) < 1e-12)
    }

    /// Missing targets (missing=mask) are left out of the loss element by element.
    @Test func maskedTargetsStayOutOfTheLoss() throws {
        let text = "a,b\n1,5\n2,\n4,6\nNA,8\n3,9\n5,9\n"
        let series = try Series.csv(bytes: Array(text.utf8), fileName: "m.csv",
                                    options: CSVOptions(columns: [.name("a"), .name("b")], missing: .mask))
        var (trainer, context, prepared) = try Self.setup(
            series: series, features: FeatureSpec(kind: .values, window: 1), targets: .next(horizon: 1, columns: ["a", "b"], form: .value),
            spec: ModelSpec(layers: [.dense(units: 2, activation: .linear)]))
        #expect(prepared.targetMask != nil)
        let before = try Threads.withCount(1) { try Predictor.outputs(model: trainer.currentModel, data: trainer.data) }
        let expected = try #require(try Loss.evaluate(.mse, prediction: before, target: trainer.data.targets,
                                                      mask: trainer.data.lossMask(trainer.data.trainMask, steps: 0..<6)))
        #expect(expected.count == 8)                                     // 5 steps × 2 − 2 missing
        let result = try trainer.train(epochs: 1)
        #expect(abs(result.epochs[0].loss - expected.loss) < 1e-12)
        let rows = try trainer.predict(context: context)
        #expect(rows[0].targets[1] == nil && rows[0].targets[0] == 2)
        #expect(rows[2].targets[0] == nil && rows[2].targets[1] == 8)
    }
}

/// ISO 8601 dates for the tests (through Foundation, as the reader).
enum TimeParserForTests {
    static func date(_ seconds: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        f.timeZone = TimeZone(identifier: "UTC")!
        return f.string(from: Date(timeIntervalSince1970: seconds))
    }
}
