import Foundation
import RNNReport
import RNNScript

/// `runs`, `compare`, `plot`, `export run`, `export notebook`: the record of runs.
enum ReportExecutor {
    static func run(_ command: ReportCommand, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
        switch command {
        case .runs:
            let overviews = try context.log?.runOverviews() ?? w.runs.map(\.overview)
            guard !overviews.isEmpty else {
                context.emit(.text("no runs yet: 'train epochs=N' starts one"))
                break
            }
            context.emit(.table(RunTables.runs(overviews)))
        case let .compare(names, logY, figure):
            let (table, curves) = try Figures.comparison(try records(names, w, context.log), logY: logY)
            context.emit(.table(table))
            try show(curves, figure, context)
        case let .plot(metric, names, logY, smoothing, figure):
            let curves = try Figures.curves(try records(names, w, context.log), metric: metric, logY: logY,
                                            smoothing: smoothing)
            try show(curves, figure, context)
        case let .exportRun(name, path, force):
            let run = try records([name], w, context.log)[0]
            try context.write(Data(MetricsCSV.text(for: run).utf8), to: path, force: force)
            context.emit(.text("wrote \(path)"))
        case let .exportNotebook(session, path, force):
            let log = try context.store(for: "export notebook")
            let document = try log.notebook(session: session.map(Int64.init) ?? log.sessionID)
            let text = path.hasSuffix(".html") ? document.html() : path.hasSuffix(".ipynb") ? document.ipynb() : document.markdown()
            try context.write(Data(text.utf8), to: path, force: force)
            context.emit(.text("wrote \(path) (\(Plural.count(document.cells.count, "cell")))"))
        }
        return .done
    }

    /// A figure drawn in the terminal, or written as SVG to the command's `to "FILE"`.
    static func show(_ figure: Figure, _ options: FigureOptions, _ context: ExecutionContext) throws {
        var figure = figure
        if let title = options.title { figure.title = title }
        guard let path = options.path else {
            context.emit(.figure(figure))
            return
        }
        guard path.hasSuffix(".svg") else { throw SessionError.figureNotSVG(path) }
        try context.write(Data(figure.svg.utf8), to: path, force: options.force)
        context.emit(.figure(figure.written()))
        context.emit(.text("wrote \(path)"))
    }

    /// The runs the names mean, in order: a name means its latest run (`s1/x`: session 1's; in
    /// a sweep trial, the run the script named so, its suffix appended); a glob (`t-*`,
    /// `opt-?`) every name it matches, in the order the runs started.
    private static func records(_ names: [String], _ w: Workspace, _ log: SessionLog?) throws -> [RunHistory] {
        let known = try log?.runNames() ?? w.runs.map(\.name)
        let suffix = w.trial.nameSuffix
        var found: [RunHistory] = []
        for name in names {
            if RunGlob.isPattern(name) {
                let matching = RunGlob.latestMatching(name, in: try log?.runOrder() ?? w.runs.map(\.name))
                guard !matching.isEmpty else { throw SessionError.unknownRun(name, known: known) }
                for name in matching { found.append(try record(name, w, log, known: known)) }
            } else if !suffix.isEmpty, !known.contains(name), known.contains(name + suffix) {
                found.append(try record(name + suffix, w, log, known: known))
            } else {
                found.append(try record(name, w, log, known: known))
            }
        }
        return found
    }

    /// The run a name reaches: in the store (`x` the latest run called x, `s1/x` session 1's),
    /// or without one this session's latest run of that name.
    private static func record(_ name: String, _ w: Workspace, _ log: SessionLog?, known: [String]) throws -> RunHistory {
        if let log {
            if let run = try log.run(name) { return run }
            throw SessionError.unknownRun(name, known: known)
        }
        guard let run = w.runs.last(where: { $0.name == name }) else { throw SessionError.unknownRun(name, known: known) }
        return run
    }
}

/// `export run`: Keras CSVLogger-style columns plus ours (SPEC §5).
enum MetricsCSV {
    static func text(for run: RunHistory) -> String {
        let validating = run.metrics.contains { $0.validationLoss != nil }
        var lines = ["epoch,loss,splits,lr,grad_norm_mean,grad_norm_max,seconds" + (validating ? ",val_loss" : "")]
        for m in run.metrics {
            var fields = ["\(m.epoch)", "\(m.loss)", "\(m.splits)", "\(m.learningRate)", "\(m.gradNormMean)",
                          "\(m.gradNormMax)", "\(m.seconds)"]
            if validating { fields.append(m.validationLoss.map { "\($0)" } ?? "") }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
