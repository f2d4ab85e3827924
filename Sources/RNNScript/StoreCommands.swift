import Foundation
import RNNReport
import RNNData
import RNNEngine
import RNNStore
import RNNTraining

/// The commands that read or write the store: checkpoints, `resume`, and the record of
/// sessions and cells. Each throws before changing anything when it cannot do all it says.
extension Workspace {
    mutating func executeStoreCommand(_ command: Command, log: SessionLog, outputDirectory: URL,
                                      emit: (OutputEvent) -> Void) throws {
        switch command {
        case let .checkpointSave(name):
            guard let active, let runID = active.storeID else {
                throw WorkspaceError("no run to checkpoint: 'train' starts one (or 'resume' a stored one)")
            }
            try log.saveCheckpoints(runID: runID, [(name, active.trainer.state)], replacing: false)
            emit(.text("saved checkpoint '\(name)' (run '\(active.name)', epoch \(active.trainer.state.epochsCompleted))"))
        case .checkpointList:
            let checkpoints = try log.checked { try log.store.checkpoints() }
            guard !checkpoints.isEmpty else {
                emit(.text("no checkpoints yet: each 'train' saves RUN@EPOCH and RUN@best; 'checkpoint save NAME' names one"))
                return
            }
            emit(.table(StoreTables.checkpoints(checkpoints)))
        case let .checkpointLoad(name):
            let (state, _) = try log.loadCheckpoint(name)
            guard let current = model else {
                throw WorkspaceError("set the model first (checkpoint '\(name)' is for '\(state.modelSpec.text)'), "
                                     + "or 'resume \(name)' to restore everything")
            }
            guard current.spec == state.modelSpec, current.inputWidth == state.inputWidth else {
                throw WorkspaceError("checkpoint '\(name)' is for the model '\(state.modelSpec.text)' with \(state.inputWidth) "
                                     + "inputs, not the current '\(current.spec.text)' with \(current.inputWidth); "
                                     + "'resume \(name)' restores its model and settings too")
            }
            model = try state.model()
            active = nil
            emit(.text("loaded the weights of '\(name)' (run '\(state.runName)', epoch \(state.epochsCompleted)); "
                       + "the next 'train' starts a new run from them"))
        case let .checkpointDelete(name):
            guard try log.checked({ try log.store.deleteCheckpoint(name: name) }) else {
                throw WorkspaceError(try log.noCheckpoint(name))
            }
            emit(.text("deleted checkpoint '\(name)'"))
        case let .resume(name):
            try resume(name, log: log, emit: emit)
        case .sessions:
            emit(.table(StoreTables.sessions(try log.checked { try log.store.sessionSummaries() }, current: log.sessionID)))
        case let .history(session, last):
            let id = session.map(Int64.init) ?? log.sessionID
            let cells = try log.recordedSession(id).cells.filter { $0.id != log.currentCellID }
            guard !cells.isEmpty else {
                emit(.text("session \(id) has no cells yet"))
                return
            }
            emit(.text(StoreTables.history(last.map { Array(cells.suffix($0)) } ?? cells)))
        case let .cell(number, session):
            let id = session.map(Int64.init) ?? log.sessionID
            guard let cell = try log.recordedSession(id).cells.first(where: { $0.number == number }) else {
                throw WorkspaceError("session \(id) has no cell \(number); 'history\(session.map { " session \($0)" } ?? "")' lists them")
            }
            emit(.text(StoreTables.cell(cell)))
        case let .exportSession(session, path, force):
            let (meta, cells) = try log.recordedSession(Int64(session))
            let script = SessionScript.text(of: cells, session: meta)
            try FileOutput.write(Data(script.text.utf8), to: resolve(path, in: outputDirectory), force: force, shownAs: path)
            emit(.text("wrote \(path) (\(script.cells) cells of session \(session))"))
        default:
            throw WorkspaceError("'\(command)' is not one of the store's commands")  // not reached: the caller picks them
        }
    }

    /// `resume NAME`: everything the checkpoint holds becomes the workspace, and its run the active one.
    private mutating func resume(_ name: String, log: SessionLog, emit: (OutputEvent) -> Void) throws {
        let (state, runID) = try log.loadCheckpoint(name)
        guard let settings = state.dataSettings else {
            throw WorkspaceError("checkpoint '\(name)' records no data settings, so its run cannot go on")
        }
        let run = try log.checked { try log.store.runs().first { $0.id == runID } }
        if let run, run.status == .running {
            throw WorkspaceError("run '\(run.name)' is training in another rnnlab process right now; resume it when that ends")
        }
        let series = try Self.series(settings.data, log: log)
        let prepared = try Preparation.prepare(series, features: settings.features, targets: settings.targets,
                                               validation: settings.validation, stats: settings.featureStats)
        let trainer = try Trainer(state: state, data: try TrainingData(prepared))
        seed = state.masterSeed
        threads = state.threads
        data = (settings.data, series)
        features = settings.features
        targets = settings.targets
        validation = settings.validation
        model = trainer.currentModel
        optimizer = state.optimizer.config
        clip = state.clip
        // Settings for runs started later: the schedules' rules, not this run's place in them.
        splitSchedule = try SplitSchedule(splits: state.splitSchedule.splits, patience: state.splitSchedule.patience,
                                          minDelta: state.splitSchedule.minDelta)
        lrSchedule = try state.lrSchedule.map {
            try LRPlateau(factor: $0.factor, patience: $0.patience, minDelta: $0.minDelta, cooldown: $0.cooldown, minLR: $0.minLR)
        }
        active = (state.runName, trainer, runID)
        runs.removeAll { $0.name == state.runName }
        var message = "resumed run '\(state.runName)' at epoch \(state.epochsCompleted) from '\(name)' "
            + "(splits \(state.splitSchedule.current), lr \(state.optimizer.learningRate)); 'train epochs=N' continues it"
        let recorded = try log.checked { try log.store.metrics(runID: runID).count }
        if recorded > state.epochsCompleted {
            message += "\nnote: epochs \(state.epochsCompleted + 1)–\(recorded) recorded after this checkpoint are "
                + "replaced when training goes on"
        }
        emit(.text(message))
    }

    /// A run's series again: from its file, or, when the file changed or went, from the bytes
    /// the store kept when the run started.
    private static func series(_ spec: DataSpec, log: SessionLog) throws -> Series {
        do {
            return try Series.load(spec)
        } catch {
            guard case let .csv(source) = spec, let bytes = log.csvBytes(hash: source.contentHash) else { throw error }
            return try Series.csv(bytes: [UInt8](bytes), fileName: source.path, column: source.column, key: source.key)
        }
    }
}

/// Which recorded cells a replay or an exported script repeats: the successful ones, minus
/// those that only look at the store or end the session.
enum SessionScript {
    static let skipped: Set<String> = ["quit", "sessions", "history", "cell", "replay"]

    static func isRepeatable(_ cell: CellRecord) -> Bool {
        guard cell.status == .ok else { return false }
        let (script, diagnostics) = Parser.parse(cell.source, file: "cell")
        guard diagnostics.allSatisfy({ $0.severity != .error }) else { return false }
        return script.statements.allSatisfy { statement in
            guard case let .command(call) = statement else { return true }
            if skipped.contains(call.head.name) { return false }
            if call.head.name == "export", case let .positional(v)? = call.arguments.first?.kind, v.description == "session" {
                return false
            }
            return true
        }
    }

    /// A runnable script of a session's repeatable cells, with where they came from.
    static func text(of cells: [CellRecord], session: SessionRecord) -> (text: String, cells: Int) {
        let kept = cells.filter(isRepeatable)
        var lines = ["# rnnlab session \(session.id ?? 0), started \(timestamp(session.startedAt)) in \(session.cwd)",
                     "# \(kept.count) of its \(cells.count) cells: the successful ones, without store-only commands"]
        for cell in kept {
            lines.append("")
            lines.append("# [\(cell.number)]")
            lines.append(cell.source)
        }
        return (lines.joined(separator: "\n") + "\n", kept.count)
    }
}

/// `YYYY-MM-DD HH:MM:SS` in local time.
func timestamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
}

/// How the store's records are shown.
enum StoreTables {
    static func checkpoints(_ list: [CheckpointInfo]) -> TextTable {
        TextTable(columns: ["checkpoint", "run", "epoch", "loss", "created", "model"], rows: list.map { c in
            [c.name, c.runName, "\(c.epoch)", c.loss.map { format($0, 6) } ?? "–", c.createdAt.map(timestamp) ?? "?", c.modelSpec]
        })
    }

    static func sessions(_ list: [SessionSummary], current: Int64) -> TextTable {
        TextTable(columns: ["session", "started", "ended", "cells", "runs", "process", "folder"], rows: list.map { s in
            let id = s.session.id ?? 0
            let state = id == current ? "this one" : s.isAlive ? "running (pid \(s.session.pid))"
                : s.session.endedAt == nil ? "killed" : "ended"
            return ["\(id)", timestamp(s.session.startedAt), s.session.endedAt.map(timestamp) ?? "", "\(s.cells)", "\(s.runs)",
                    state, s.session.cwd]
        })
    }

    /// One line per cell: `[N] first line of its source`, marked when it did not succeed.
    static func history(_ cells: [CellRecord]) -> String {
        let width = "\(cells.map(\.number).max() ?? 0)".count + 2
        return cells.map { cell in
            let lines = cell.source.split(separator: "\n", omittingEmptySubsequences: false)
            var text = "[\(cell.number)]".padding(toLength: width, withPad: " ", startingAt: 0) + " " + String(lines.first ?? "")
            if lines.count > 1 { text += " …(\(lines.count) lines)" }
            if cell.status != .ok { text += "   ✗ \(cell.status.rawValue)" }
            return text
        }.joined(separator: "\n")
    }

    static func cell(_ cell: CellRecord) -> String {
        var text = "In [\(cell.number)]  (\(cell.status.rawValue), \(timestamp(cell.startedAt)), \(format(cell.duration, 2))s)\n"
        text += cell.source.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        if !cell.output.isEmpty {
            text += "\nOut [\(cell.number)]\n" + cell.output
        }
        return text
    }
}
