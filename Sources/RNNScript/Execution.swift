import Foundation
import RNNData
import RNNEngine
import RNNReport
import RNNTraining

/// What a command asks of the statement runner after it ran.
enum Effect {
    case done
    case quit
    case interrupted
}

extension Workspace {
    /// Runs one resolved command. Throws without side effects on the files it would write;
    /// the caller keeps the old workspace when this throws. Files read resolve from
    /// `baseDirectory` (a script's folder), files written from `outputDirectory` (the working
    /// directory), so a script finds its data beside it and leaves its results where it is run.
    mutating func execute(_ command: Command, baseDirectory: URL, outputDirectory: URL, log: SessionLog?,
                          emit: (OutputEvent) -> Void, isCancelled: () -> Bool) throws -> Effect {
        switch command {
        case let .help(topic):
            emit(.text(try Help.text(for: topic)))
        case let .print(values):
            emit(.text(values.joined(separator: " ")))
        case let .seed(n):
            seed = n
        case let .threads(n):
            threads = n
        case let .dataSine(options):
            data = (.sine(options, seed: seed), try Series.sine(options, seed: seed))
            active = nil
            emit(.text(dataSummary))
        case let .dataCSV(path, column, key):
            let url = resolve(path, in: baseDirectory)
            let (series, source) = try Series.csv(path: url.path, column: column, key: key, displayName: path)
            data = (.csv(source), series)
            active = nil
            emit(.text(dataSummary))
        case .dataShow:
            guard data != nil else { throw WorkspaceError("no data yet: generate it with 'data sine'") }
            emit(.text(dataSummary))
        case let .features(spec):
            features = spec
            active = nil
        case let .targets(spec):
            targets = spec
            active = nil
        case let .validate(spec):
            validation = spec
            active = nil
        case .modelSeed:
            model = try initialModel(.seed(outputWidth: targets.width))
            active = nil
            emit(.text("model seed: \(model!.spec.text) (\(model!.parameterCount) parameters)"))
        case let .model(spec):
            model = try initialModel(spec)
            active = nil
            emit(.text("model: \(spec.text) (\(model!.parameterCount) parameters)"))
        case .modelSummary:
            guard let model else { throw WorkspaceError("no model yet: set one with e.g. 'model seed'") }
            emit(.table(Tables.summary(model.spec.summary(inputWidth: model.inputWidth))))
        case let .optimizer(config):
            optimizer = config
        case let .clip(setting):
            clip = setting
        case let .splitSchedule(splits, patience, minDelta):
            splitSchedule = try SplitSchedule(splits: splits, patience: patience, minDelta: minDelta)
        case let .lrSchedule(plateau):
            lrSchedule = plateau
        case let .train(epochs, name, until, earlyStop):
            return try train(epochs: epochs, name: name, until: until, earlyStop: earlyStop, log: log, emit: emit,
                             isCancelled: isCancelled)
        case let .dataPlot(sequence, output):
            try show(try dataFigure(sequence: sequence), output, in: outputDirectory, emit: emit)
        case let .predictPlot(sequence, output):
            try show(try predictionFigure(sequence: sequence), output, in: outputDirectory, emit: emit)
        case let .plot(metric, names, logY, smoothing, output):
            let all = try knownRuns(log)
            let figure = try Figures.curves(try names.map { try record($0, in: all) }, metric: metric, logY: logY,
                                            smoothing: smoothing)
            try show(figure, output, in: outputDirectory, emit: emit)
        case let .exportNotebook(session, path, force):
            guard let log else {
                throw WorkspaceError("this session has no store, which 'export notebook' needs (rnnlab opens one with --store PATH)")
            }
            let document = try log.notebook(session: session.map(Int64.init) ?? log.sessionID)
            let text = path.hasSuffix(".html") ? document.html() : document.markdown()
            try FileOutput.write(Data(text.utf8), to: resolve(path, in: outputDirectory), force: force, shownAs: path)
            emit(.text("wrote \(path) (\(document.cells.count) cells)"))
        case .evaluate:
            emit(.text(try evaluation()))
        case let .predict(sequence, last):
            emit(.table(try prediction(sequence: sequence, last: last)))
        case .reset:
            guard let model else { throw WorkspaceError("no model to reset: set one with e.g. 'model seed'") }
            self.model = try initialModel(model.spec)
            active = nil
        case let .show(topic):
            emit(.text(show(topic)))
        case .runs:
            let all = try knownRuns(log)
            guard !all.isEmpty else {
                emit(.text("no runs yet: 'train epochs=N' starts one"))
                break
            }
            emit(.table(RunTables.runs(all.map(\.overview))))
        case let .compare(names, logY, output):
            let all = try knownRuns(log)
            let compared = try names.map { try record($0, in: all) }
            emit(.table(RunTables.compare(compared.map(\.overview))))
            try show(try Figures.curves(compared, metric: .loss, logY: logY, smoothing: 0), output,
                     in: outputDirectory, emit: emit)
        case let .exportRun(name, path, force):
            let url = resolve(path, in: outputDirectory)
            let run = try record(name, in: try knownRuns(log))
            try FileOutput.write(Data(MetricsCSV.text(for: run).utf8), to: url, force: force, shownAs: path)
            emit(.text("wrote \(path)"))
        case .checkpointSave, .checkpointList, .checkpointLoad, .checkpointDelete, .resume, .sessions, .history, .cell,
             .exportSession:
            guard let log else {
                throw WorkspaceError("this session has no store, which that command needs (rnnlab opens one with --store PATH)")
            }
            try executeStoreCommand(command, log: log, outputDirectory: outputDirectory, emit: emit)
        case .replay:
            break   // the interpreter replays the cells itself, before execution
        case let .weightsExport(path, force):
            guard let model = active?.trainer.currentModel ?? model else {
                throw WorkspaceError("no model to export: set one with e.g. 'model seed'")
            }
            let url = resolve(path, in: outputDirectory)
            try FileOutput.write(Data(try model.exportedWeights().encoded()), to: url, force: force, shownAs: path)
            emit(.text("wrote \(path) (\(model.parameterNames.count) tensors)"))
        case let .weightsImport(path):
            guard var model = active?.trainer.currentModel ?? model else {
                throw WorkspaceError("set the model first (e.g. 'model seed'); import then overwrites its weights")
            }
            let url = resolve(path, in: baseDirectory)
            let bytes: Data
            do { bytes = try Data(contentsOf: url) } catch {
                throw WorkspaceError("cannot read '\(path)': \(error.localizedDescription)")
            }
            try model.importWeights(SafetensorsFile.decode([UInt8](bytes)))
            self.model = model
            active = nil
            emit(.text("imported \(model.parameterNames.count) tensors from \(path)"))
        case .include:
            break   // the interpreter runs the file's statements itself, before execution
        case .quit:
            return .quit
        }
        return .done
    }

    /// A figure drawn in the terminal, or written as SVG to the command's `to "FILE"`.
    private func show(_ figure: Figure, _ output: FigureOptions, in directory: URL, emit: (OutputEvent) -> Void) throws {
        var figure = figure
        if let title = output.title { figure.title = title }
        guard let path = output.path else {
            emit(.figure(figure))
            return
        }
        guard path.hasSuffix(".svg") else {
            throw WorkspaceError("figures are written as SVG: give a file name ending in .svg (found '\(path)')")
        }
        try FileOutput.write(Data(figure.svg.utf8), to: resolve(path, in: directory), force: output.force, shownAs: path)
        emit(.figure(figure.written()))
        emit(.text("wrote \(path)"))
    }

    /// Every run the session can see: the store's (all sessions), or without one this session's.
    private func knownRuns(_ log: SessionLog?) throws -> [RunHistory] {
        try log?.runs() ?? runs
    }

    /// The latest run of that name (an experiment run again reuses its names).
    private func record(_ name: String, in runs: [RunHistory]) throws -> RunHistory {
        guard let run = runs.last(where: { $0.name == name }) else {
            let hint = Suggestion.closest(to: name, among: runs.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
            let known = runs.isEmpty ? "there are no runs yet" : "runs: \(runs.map(\.name).joined(separator: ", "))"
            throw WorkspaceError("no run named '\(name)'\(hint); \(known)")
        }
        return run
    }

    var dataSummary: String {
        guard let (spec, series) = data else { return "no data" }
        let values = series.sequences.flatMap { $0 }
        let mean = values.reduce(0, +) / Double(max(1, values.count))
        let lengths = Set(series.lengths)
        let shape = lengths.count == 1 ? "\(series.count) × \(series.longest) steps"
            : "\(series.count) sequences of \(series.lengths.min()!)–\(series.longest) steps"
        return "data: \(spec.text)\n  \(shape); values \(format(values.min() ?? 0, 4))…\(format(values.max() ?? 0, 4)), "
            + "mean \(format(mean, 4))"
    }
}

/// A path as a user wrote it, relative to `directory` unless absolute.
func resolve(_ path: String, in directory: URL) -> URL {
    let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
    return url.standardizedFileURL
}
