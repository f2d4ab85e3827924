import Foundation
import RNNData
import RNNReport
import RNNScript

/// `data`, `features`, `targets`, `validate`. A change of what the model is trained on ends
/// the active run; the next `train` starts a run that records the weights it starts from.
enum DataExecutor {
    static func run(_ command: DataCommand, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
        switch command {
        case let .sine(options):
            let seed = w.settings.seed
            w.data = (.sine(options, seed: seed), try Series.sine(options, seed: seed, isCancelled: context.isCancelled))
            w.endActiveRun()
            context.emit(.text(summary(w)))
        case let .csv(path, options):
            let (series, source) = try Series.csv(path: context.input(path).path, options: options, displayName: path,
                                                  isCancelled: context.isCancelled)
            w.data = (.csv(source), series)
            w.endActiveRun()
            context.emit(.text(summary(w)))
        case .show:
            guard w.data != nil else { throw SessionError.noData }
            context.emit(.text(summary(w)))
        case let .plot(sequence, figure):
            try ReportExecutor.show(try self.figure(sequence: sequence, of: w), figure, context)
        case let .features(spec):
            w.settings.features = spec
            w.endActiveRun()
        case let .targets(spec):
            w.settings.targets = spec
            w.endActiveRun()
        case let .validate(spec):
            w.settings.validation = spec
            w.endActiveRun()
        }
        return .done
    }

    /// The data's shape and range, as `data` and `show data` print it.
    static func summary(_ w: Workspace) -> String {
        guard let (spec, series) = w.data else { return "no data" }
        let values = series.sequences.flatMap { $0 }
        let mean = values.reduce(0, +) / Double(max(1, values.count))
        let lengths = Set(series.lengths)
        let shape = lengths.count == 1 ? "\(series.count) × \(series.longest) steps"
            : "\(series.count) sequences of \(series.lengths.min()!)–\(series.longest) steps"
        var text = "data: \(spec.text)\n  \(shape); values \(NumberText.fixed(values.min() ?? 0, 4))…\(NumberText.fixed(values.max() ?? 0, 4)), "
            + "mean \(NumberText.fixed(mean, 4))"
        // Several columns, a time column or missing values: a line per column and the time range.
        let summary = series.summary()
        if summary.columns.count > 1 || summary.time != nil || summary.columns.contains(where: { $0.missing > 0 }) {
            for c in summary.columns {
                text += "\n  column \(c.name): \(NumberText.fixed(c.min, 4))…\(NumberText.fixed(c.max, 4)), mean "
                    + NumberText.fixed(c.mean, 4) + (c.missing > 0 ? ", \(Plural.count(c.missing, "value")) missing" : "")
            }
            if let mode = summary.missingMode, summary.columns.contains(where: { $0.missing > 0 }) {
                text += "\n  missing values: \(mode.rawValue)"
            }
            for q in summary.sequences.prefix(20) {
                text += "\n  sequence \(q.label): \(Plural.count(q.length, "step"))"
                if let first = q.firstTime, let last = q.lastTime { text += ", \(first) … \(last)" }
            }
            if summary.sequences.count > 20 { text += "\n  … \(summary.sequences.count - 20) more sequences" }
        }
        return text
    }

    /// `data plot`: one sequence of the series.
    static func figure(sequence: Int, of w: Workspace) throws -> Figure {
        guard let data = w.data else { throw SessionError.noData }
        guard sequence <= data.series.count else { throw SessionError.sequenceOutOfRange(sequence, count: data.series.count) }
        let values = data.series.sequences[sequence - 1]
        return Figure(title: "sequence \(sequence) of \(data.series.count): \(data.spec.text)", xLabel: "step", yLabel: "value",
                      series: [PlotSeries(name: data.series.names?[sequence - 1] ?? "sequence \(sequence)", values: values)],
                      xEndsAtData: true)
    }
}
