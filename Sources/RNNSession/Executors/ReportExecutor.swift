import Foundation
import RNNReport
import RNNScript

/// `runs`, `compare`, `plot`, `export run`, `export notebook`: the record of runs.
enum ReportExecutor {
    static func run(_ command: ReportCommand, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
        switch command {
        case .runs:
            let all = try knownRuns(w, context.log)
            guard !all.isEmpty else {
                context.emit(.text("no runs yet: 'train epochs=N' starts one"))
                break
            }
            context.emit(.table(RunTables.runs(all.map(\.overview))))
        case let .compare(names, logY, figure):
            let all = try knownRuns(w, context.log)
            let compared = try records(names, in: all, suffix: w.trial.nameSuffix)
            context.emit(.table(RunTables.compare(compared.map(\.overview))))
            try show(try Figures.curves(compared, metric: .loss, logY: logY, smoothing: 0), figure, context)
        case let .plot(metric, names, logY, smoothing, figure):
            let all = try knownRuns(w, context.log)
            let curves = try Figures.curves(try records(names, in: all, suffix: w.trial.nameSuffix), metric: metric, logY: logY,
                                            smoothing: smoothing)
            try show(curves, figure, context)
        case let .exportRun(name, path, force):
            let run = try records([name], in: try knownRuns(w, context.log), suffix: w.trial.nameSuffix)[0]
            try context.write(Data(MetricsCSV.text(for: run).utf8), to: path, force: force)
            context.emit(.text("wrote \(path)"))
        case let .exportNotebook(session, path, force):
            let log = try context.store(for: "export notebook")
            let document = try log.notebook(session: session.map(Int64.init) ?? log.sessionID)
            let text = path.hasSuffix(".html") ? document.html() : document.markdown()
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

    /// Every run the session can see: the store's (all sessions), or without one this session's.
    private static func knownRuns(_ w: Workspace, _ log: SessionLog?) throws -> [RunHistory] {
        try log?.runs() ?? w.runs
    }

    /// The runs the names mean, in order: a name means its latest run (or, in a sweep trial,
    /// the run the script named so, its suffix appended); a glob (`t-*`, `opt-?`) every name it
    /// matches, in the order the runs started.
    private static func records(_ names: [String], in runs: [RunHistory], suffix: String) throws(SessionError) -> [RunHistory] {
        var found: [RunHistory] = []
        for name in names {
            if RunGlob.isPattern(name) {
                let matching = RunGlob.latestMatching(name, in: runs.map(\.name))
                guard !matching.isEmpty else { throw .unknownRun(name, known: runs.map(\.name)) }
                for name in matching { found.append(try record(name, in: runs)) }
            } else if !suffix.isEmpty, !runs.contains(where: { $0.name == name }),
                      runs.contains(where: { $0.name == name + suffix }) {
                found.append(try record(name + suffix, in: runs))
            } else {
                found.append(try record(name, in: runs))
            }
        }
        return found
    }

    /// The latest run of that name (an experiment run again reuses its names).
    private static func record(_ name: String, in runs: [RunHistory]) throws(SessionError) -> RunHistory {
        guard let run = runs.last(where: { $0.name == name }) else { throw .unknownRun(name, known: runs.map(\.name)) }
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
