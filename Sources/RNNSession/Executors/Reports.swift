import Foundation
import RNNData
import RNNReport
import RNNScript
import RNNTraining

/// `evaluate`, `predict` and `forecast` in the data's own units (targets unscaled), from the
/// training layer's `Predictor`.
enum Reports {
    /// The trainer of the current weights and the context that maps its outputs to the data.
    static func context(_ w: Workspace) throws -> (Trainer, PredictionContext) {
        let trainer = try TrainingExecutor.evaluationTrainer(w)
        guard let data = w.data, let settings = trainer.state.dataSettings else { throw SessionError.noData }
        let prepared = try Preparation.prepare(data.series, features: settings.features, targets: settings.targets,
                                               validation: settings.validation, stats: settings.featureStats,
                                               scaling: settings.scaling)
        return (trainer, try PredictionContext(settings: settings, series: data.series, prepared: prepared))
    }

    /// The loss as trained, then RMSE and MAE per target in the data's units.
    static func evaluation(_ w: Workspace, isCancelled: () -> Bool) throws -> String {
        let (trainer, prediction) = try Self.context(w)
        let e = try trainer.evaluate(context: prediction, isCancelled: isCancelled)
        var text = "loss \(e.loss.map { NumberText.fixed($0, 6) } ?? "–")"
        if trainer.data.validationMask != nil { text += "  val \(e.validationLoss.map { NumberText.fixed($0, 6) } ?? "–")" }
        for (split, metrics) in [("train", e.train), ("validation", e.validation ?? [])] {
            for m in metrics {
                text += "\n  \(split) \(m.name): rmse \(NumberText.fixed(m.rmse, 6))  mae \(NumberText.fixed(m.mae, 6))  "
                    + "(\(Plural.count(m.count, "step")))"
            }
        }
        return text
    }

    /// Rows of one sequence (or every one), within `start`…`end` or the final `last` steps.
    private static func rows(_ options: PredictOptions, sequence: Int?, defaultLast: Int?, _ w: Workspace,
                             _ context: ExecutionContext) throws -> (rows: [PredictionRow], names: [String]) {
        let (trainer, prediction) = try Self.context(w)
        let count = trainer.data.sequenceCount
        if let sequence, sequence > count { throw SessionError.sequenceOutOfRange(sequence, count: count) }
        let length = trainer.data.length
        let first = (options.start ?? 1) - 1
        let end = min(options.end ?? length, length)
        var rows = try trainer.predict(context: prediction, sequence: sequence.map { $0 - 1 },
                                       steps: first < end ? first..<end : first..<first, isCancelled: context.isCancelled)
        if let last = options.last ?? (options.end == nil ? defaultLast : nil) {
            let perSequence = Dictionary(grouping: rows.indices, by: { rows[$0].sequence })
            let kept = Set(perSequence.values.flatMap { $0.suffix(last) })
            rows = rows.indices.filter(kept.contains).map { rows[$0] }
        }
        return (rows, prediction.targetNames)
    }

    static func predictionTable(_ options: PredictOptions, _ w: Workspace, _ context: ExecutionContext) throws -> TextTable {
        let sequence = options.sequence ?? 1
        let (rows, names) = try Self.rows(options, sequence: sequence, defaultLast: 10, w, context)
        let what = options.last != nil || (options.end == nil && options.start == nil) ? "last \(Plural.count(rows.count, "step"))"
            : "steps \(options.start ?? 1)–\(options.end ?? (options.start ?? 1) + rows.count - 1)"
        return TextTable(title: "sequence \(sequence), \(what)",
                         columns: ["time", "split"] + names.map { "target \($0)" } + names.map { "output \($0)" },
                         rows: rows.map { r in
                             [r.time, r.split.rawValue] + r.targets.map { $0.map { NumberText.fixed($0, 5) } ?? "" }
                                 + r.predictions.map { NumberText.fixed($0, 5) }
                         })
    }

    /// SPEC §8's CSV: `sequence,time,split`, then `NAME,NAME_pred` per target; a masked target empty.
    static func predictionCSV(_ options: PredictOptions, _ w: Workspace, _ context: ExecutionContext) throws -> (String, Int) {
        let (rows, names) = try Self.rows(options, sequence: options.sequence, defaultLast: nil, w, context)
        var lines = [(["sequence", "time", "split"] + names.flatMap { [$0, $0 + "_pred"] }).map(CSVField.quoted).joined(separator: ",")]
        for r in rows {
            var fields = [r.sequence, r.time, r.split.rawValue].map(CSVField.quoted)
            for (target, predicted) in zip(r.targets, r.predictions) {
                fields += [target.map { "\($0)" } ?? "", "\(predicted)"]
            }
            lines.append(fields.joined(separator: ","))
        }
        return (lines.joined(separator: "\n") + "\n", rows.count)
    }

    /// `predict plot`: each target and the model's output for it over the sequence's steps.
    static func predictionFigure(sequence: Int, _ w: Workspace, _ context: ExecutionContext) throws -> Figure {
        var options = PredictOptions()
        options.sequence = sequence
        let (rows, names) = try Self.rows(options, sequence: sequence, defaultLast: nil, w, context)
        var series: [PlotSeries] = []
        for (i, name) in names.enumerated() {
            let targets = rows.enumerated().compactMap { t, r in r.targets[i].map { PlotPoint(x: Double(t + 1), y: $0) } }
            series.append(PlotSeries(name: "target \(name)", points: targets))
            series.append(PlotSeries(name: "output \(name)",
                                     points: rows.enumerated().map { t, r in PlotPoint(x: Double(t + 1), y: r.predictions[i]) }))
        }
        let run = w.active.map { " (run '\($0.name)')" } ?? ""
        return Figure(title: "predictions for sequence \(sequence)\(run)", xLabel: "step", yLabel: "target / output",
                      series: series, xEndsAtData: true)
    }

    /// The forecast rows and the target names.
    private static func forecastRows(_ options: ForecastOptions, _ w: Workspace,
                                     _ context: ExecutionContext) throws -> (rows: [ForecastRow], names: [String], series: Series) {
        let (trainer, prediction) = try Self.context(w)
        if let refusal = prediction.forecastRefusal { throw SessionError.cannotForecast(refusal) }
        if let sequence = options.sequence, sequence > trainer.data.sequenceCount {
            throw SessionError.sequenceOutOfRange(sequence, count: trainer.data.sequenceCount)
        }
        let rows = try trainer.forecast(context: prediction, steps: options.steps ?? 1, sequence: options.sequence.map { $0 - 1 },
                                        isCancelled: context.isCancelled)
        return (rows, prediction.targetNames, prediction.series)
    }

    /// `forecast … plot`: one sequence's values (the first target column) and the forecast
    /// after them, over steps from 1.
    static func forecastFigure(_ options: ForecastOptions, _ w: Workspace, _ context: ExecutionContext) throws -> Figure {
        var one = options
        one.sequence = options.sequence ?? 1
        let (rows, names, series) = try forecastRows(one, w, context)
        let s = (one.sequence ?? 1) - 1
        let channel = series.channelNames.firstIndex(of: names.first ?? "") ?? 0
        let history = series.channels[channel][s]
        let known = PlotSeries(name: series.channelNames[channel],
                               points: history.enumerated().map { PlotPoint(x: Double($0.offset + 1), y: $0.element) })
        let ahead = PlotSeries(name: "forecast", points: rows.enumerated().map { t, r in
            PlotPoint(x: Double(history.count + t + 1), y: r.values.first ?? r.predictions[0])
        })
        return Figure(title: "forecast of sequence \(s + 1), \(Plural.count(rows.count, "step")) past the end",
                      xLabel: "step", yLabel: series.channelNames[channel], series: [known, ahead],
                      xEndsAtData: true)
    }

    /// `forecast`: the rows as a table and as SPEC §8's CSV (`sequence,time,NAME_pred…`).
    static func forecast(_ options: ForecastOptions, _ w: Workspace, _ context: ExecutionContext) throws -> (TextTable, String) {
        let (rows, names, _) = try forecastRows(options, w, context)
        let table = TextTable(title: "forecast, \(Plural.count(options.steps ?? 1, "step")) past the end",
                              columns: ["sequence", "time"] + names.map { "\($0)_pred" },
                              rows: rows.map { [$0.sequence, $0.time] + $0.predictions.map { NumberText.fixed($0, 5) } })
        var lines = [(["sequence", "time"] + names.map { $0 + "_pred" }).map(CSVField.quoted).joined(separator: ",")]
        for r in rows {
            lines.append(([CSVField.quoted(r.sequence), CSVField.quoted(r.time)] + r.predictions.map { "\($0)" })
                .joined(separator: ","))
        }
        return (table, lines.joined(separator: "\n") + "\n")
    }
}

/// A CSV field as RFC 4180 writes it: quoted when it holds a comma, quote or line break.
enum CSVField {
    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
