import Foundation
import RNNScript
import RNNStore

/// The store's commands (SPEC §4): checkpoints, `resume`, and the record of sessions and
/// cells. Each throws before changing anything when it cannot do all it says.
enum StoreExecutor {
    static func run(_ command: StoreCommand, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
        let emit = context.emit
        switch command {
        case let .checkpointSave(name, force):
            let log = try context.store(for: "checkpoint save")
            guard let active = w.active, let runID = active.storeID else { throw SessionError.noActiveRun }
            try log.saveNamedCheckpoint(name, runID: runID, active.trainer.state, force: force)
            emit(.text("saved checkpoint '\(name)' (run '\(active.name)', epoch \(active.trainer.state.epochsCompleted))"))
        case .checkpointList:
            let log = try context.store(for: "checkpoint list")
            let checkpoints = try log.checked { try log.store.checkpoints() }
            guard !checkpoints.isEmpty else {
                emit(.text("no checkpoints yet: each 'train' saves RUN@EPOCH and RUN@best; 'checkpoint save NAME' names one"))
                break
            }
            emit(.table(StoreTables.checkpoints(checkpoints)))
        case let .checkpointLoad(name):
            let log = try context.store(for: "checkpoint load")
            let (state, runID) = try log.loadCheckpoint(name)
            guard let current = w.model else {
                throw SessionError.checkpointNeedsModel(name: name, model: state.modelSpec.text)
            }
            guard current.spec == state.modelSpec, current.inputWidth == state.inputWidth else {
                throw SessionError.checkpointModelMismatch(name: name, model: state.modelSpec.text, inputs: state.inputWidth,
                                                           current: current.spec.text, currentInputs: current.inputWidth)
            }
            w.replaceModel(try state.model())
            w.origin = .run(RunAtEpoch(name: state.runName, storeID: runID, epoch: state.epochsCompleted))
            emit(.text("loaded the weights of '\(name)' (run '\(state.runName)', epoch \(state.epochsCompleted)); "
                       + "the next 'train' starts a new run from them"))
        case let .checkpointDelete(name):
            let log = try context.store(for: "checkpoint delete")
            guard try log.checked({ try log.store.deleteCheckpoint(CheckpointReference.parse(name)) }) else {
                throw try log.noCheckpoint(name)
            }
            emit(.text("deleted checkpoint '\(name)'"))
        case let .resume(name):
            try RunController.resume(name, on: &w, log: try context.store(for: "resume"), emit: emit,
                                     isCancelled: context.isCancelled)
        case .sessions:
            let log = try context.store(for: "sessions")
            emit(.table(StoreTables.sessions(try log.checked { try log.store.sessionSummaries() }, current: log.sessionID)))
        case let .history(session, last):
            let log = try context.store(for: "history")
            let id = session.map(Int64.init) ?? log.sessionID
            let cells = try log.recordedSession(id).cells.filter { $0.id != log.currentCellID }
            guard !cells.isEmpty else {
                emit(.text("session \(id) has no cells yet"))
                break
            }
            emit(.text(StoreTables.history(last.map { Array(cells.suffix($0)) } ?? cells)))
        case let .cell(number, session):
            let log = try context.store(for: "cell")
            let id = session.map(Int64.init) ?? log.sessionID
            guard let cell = try log.recordedSession(id).cells.first(where: { $0.number == number }) else {
                throw SessionError.noCell(number, session: id, named: session != nil)
            }
            emit(.text(StoreTables.cell(cell)))
        case let .exportSession(session, path, force):
            let log = try context.store(for: "export session")
            let (meta, cells) = try log.recordedSession(Int64(session))
            let repeated = try log.repeatedCells(cells)
            try context.write(Data(SessionScript.text(of: repeated, total: cells.count, session: meta).utf8), to: path,
                              force: force)
            emit(.text("wrote \(path) (\(Plural.count(repeated.count, "cell")) of session \(session))"))
        }
        return .done
    }
}
