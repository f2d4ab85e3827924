import Foundation
import RNNData
import RNNEngine
import RNNReport
import RNNScript
import RNNStore
import RNNTraining

/// The run lifecycle (README "Runs"):
/// - `train` starts a run after `model`, `reset`, `weights import`, `checkpoint load`, or a
///   change of data, features, targets or validation; later `train`s continue it; `resume`
///   continues a stored one.
/// - A run started from weights another run trained records where they came from (`x@6`).
/// - A change of optimizer, clip, schedules or threads between two `train`s of a run applies
///   from the next `train` and is recorded as an event of the run.
enum RunController {
    /// `train`: continues the active run, or starts one from the current model and settings.
    /// With a store, the run, every epoch's metrics (as each ends) and the closing `RUN@EPOCH`
    /// and `RUN@best` checkpoints are written there.
    static func train(_ options: TrainOptions, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
        let log = context.log, emit = context.emit
        var epochs = options.epochs ?? 1
        if let active = w.active, let name = options.name.map({ $0 + w.trial.nameSuffix }), name != active.name {
            throw SessionError.otherRunActive(active: active.name, requested: name)
        }
        var starting = w.active == nil
        if starting, w.trial.resumeInterrupted, let log, let name = options.name.map({ $0 + w.trial.nameSuffix }),
           let (checkpoint, epoch) = try interruptedCheckpoint(of: name, log: log), epoch < epochs {
            // A stopped sweep trial run again: the run goes on from where it stopped.
            try resume(checkpoint, on: &w, log: log, emit: emit, isCancelled: context.isCancelled)
            epochs -= epoch
            starting = false
        }
        if starting {
            try start(named: options.name, on: &w, log: log, emit: emit, isCancelled: context.isCancelled)
        } else {
            try applyChanges(on: &w, log: log, emit: emit)
            if let log, let id = w.active!.storeID {
                try log.continueRun(id: id, fromEpoch: w.active!.trainer.state.epochsCompleted)
            }
        }
        var run = w.active!
        if !w.runs.contains(where: { $0.name == run.name }) {     // resumed from the store
            w.runs.append(RunHistory(name: run.name, status: .running, configuration: w.configuration))
        }
        let firstEpoch = run.trainer.state.epochsCompleted
        let lastEpoch = firstEpoch + epochs
        var epochStart = Date()
        var epochSeconds: [Double] = []
        var bestState: RunState?
        var pending: [PendingEpoch] = []
        var held: [String] = []
        let result: TrainingResult
        do {
            result = try run.trainer.train(epochs: epochs, until: options.until, earlyStop: options.earlyStop,
                                           isCancelled: context.isCancelled) { event in
                switch event {
                case .epochStarted:
                    epochStart = Date()
                case let .chunkFinished(epoch, chunk, chunks, running):
                    let elapsed = Date().timeIntervalSince(epochStart)
                    let perEpoch = epochSeconds.isEmpty ? elapsed / Double(chunk) * Double(chunks)
                        : epochSeconds.reduce(0, +) / Double(epochSeconds.count)
                    let remaining = perEpoch * Double(lastEpoch - epoch) + max(0, perEpoch - elapsed)
                    emit(.progress(TrainingProgress(runName: run.name, epoch: epoch, lastEpoch: lastEpoch, chunk: chunk,
                                                    chunks: chunks, runningLoss: running, splits: chunks, elapsed: elapsed,
                                                    remaining: remaining)))
                case .epochFinished:
                    break       // written and printed at `.epochEnded`, with the state to go on from
                case let .splitsChanged(epoch, from, to):
                    held.append("splits \(from) → \(to) after epoch \(epoch)")
                case let .learningRateChanged(epoch, from, to):
                    held.append("lr \(from) → \(to) after epoch \(epoch)")
                case let .epochEnded(metrics, state, improved):
                    epochSeconds.append(metrics.seconds)
                    // Committed before it is printed, with RUN@latest (and RUN@best when it
                    // improved) in the same transaction: an epoch the user has seen is in the
                    // store, weights included. When the store is busy beyond its retries, the
                    // epochs wait here, in order, and are written with the next that gets through.
                    if let log, let id = run.storeID {
                        pending.append(PendingEpoch(metrics: metrics, latest: state, best: improved ? state : nil))
                        if let failure = flush(&pending, runID: id, runName: run.name, log: log), pending.count == 1 {
                            emit(.text("warning: the store is busy (\(failure)); epoch \(metrics.epoch) and any after "
                                       + "it are kept and written when it frees"))
                        }
                    }
                    if improved { bestState = state }
                    emit(.epoch(EpochLine(runName: run.name, metrics: metrics, lastEpoch: lastEpoch)))
                    for text in held { emit(.text(text)) }
                    held.removeAll()
                case let .newBest(state):
                    bestState = state
                }
            }
        } catch {
            // Refused before the first epoch (such as K > L): a run started here leaves no trace.
            if starting, let log, let id = run.storeID { try? log.discardRun(id: id) }
            if starting { w.runs.removeAll { $0.name == run.name && $0.metrics.isEmpty } }
            throw error
        }
        let index = w.runs.lastIndex { $0.name == run.name }!
        w.runs[index].metrics += result.epochs
        w.runs[index].status = StoreMapping.runStatus(result.status)
        w.model = run.trainer.currentModel
        w.origin = .run(run.reference)
        let done = run.trainer.state.epochsCompleted
        var message: String
        switch result.status {
        case .finished:
            message = "run '\(run.name)': \(Plural.count(done, "epoch"))"
            if let loss = w.runs[index].finalLoss { message += ", loss \(NumberText.fixed(loss, 6))" }
            if let best = run.trainer.state.bestLoss, let epoch = run.trainer.state.bestEpoch {
                let which = w.settings.validation == nil ? "training" : "validation"
                message += " (best \(which) loss \(NumberText.fixed(best, 6)) at epoch \(epoch))"
            }
            switch result.stopReason {
            case .epochsDone: break
            case let .reachedTarget(loss): message += "; stopped at the target loss \(loss)"
            case let .earlyStopped(patience): message += "; stopped early after \(Plural.count(patience, "epoch")) without improvement"
            }
            w.active = run
        case .diverged:
            let at = result.divergedAt.map { "epoch \($0.epoch), chunk \($0.chunk)" } ?? "an unknown step"
            message = "run '\(run.name)' diverged at \(at): a non-finite loss or gradient; the weights are the last good ones "
                + "(after \(Plural.count(done, "epoch"))). Lower the learning rate or clip the gradients, then 'reset'"
            w.active = nil
        case .interrupted:
            message = "run '\(run.name)' interrupted: rolled back to epoch \(done); 'train' continues it"
            w.active = run
        }
        if let log, let id = run.storeID {
            // The last chance for epochs a busy store held back: a few more tries, a second apart.
            var unrecorded = flush(&pending, runID: id, runName: run.name, log: log)
            for _ in 0..<30 where unrecorded != nil {
                Thread.sleep(forTimeInterval: 1)
                unrecorded = flush(&pending, runID: id, runName: run.name, log: log)
            }
            if let unrecorded {
                message += "; warning: epochs \(pending.map { "\($0.metrics.epoch)" }.joined(separator: ", ")) are not "
                    + "recorded (\(unrecorded))"
            }
            do {
                try log.endRun(id: id, status: result.status)
                if unrecorded == nil {
                    // RUN@latest and RUN@best are written with each epoch; the end of a train adds RUN@EPOCH.
                    try log.saveCheckpoints(runID: id, [(tag: .epoch(done), state: run.trainer.state)], runName: run.name)
                    message += "; checkpoints \(run.name)@\(done)" + (bestState == nil ? "" : ", \(run.name)@best")
                }
            } catch {
                message += "; warning: not recorded in the store: \(error)"
            }
        }
        emit(.runEnded(RunSummary(name: run.name, status: result.status, epochs: done, finalLoss: w.runs[index].finalLoss,
                                  bestLoss: run.trainer.state.bestLoss, message: message,
                                  epochsThisTrain: done - firstEpoch)))
        return result.status == .interrupted ? .interrupted : .done
    }

    /// A new run from the current model and settings, recorded with where its weights came from.
    private static func start(named name: String?, on w: inout Workspace, log: SessionLog?,
                              emit: (OutputEvent) -> Void, isCancelled: () -> Bool) throws {
        let model = try w.checkedModel()
        var name = name
        if !w.trial.nameSuffix.isEmpty { name = (name ?? nextRunName(w.runs)) + w.trial.nameSuffix }
        if log == nil, let name, w.runs.contains(where: { $0.name == name }) { throw SessionError.runNameTaken(name) }
        try refuseUnfitPlans(for: model, in: w)
        let (data, dataSettings) = try w.prepared(isCancelled: isCancelled)
        let s = w.settings
        var state = try RunState(runName: name ?? nextRunName(w.runs), masterSeed: s.seed, model: model,
                                 optimizer: s.optimizer, clip: s.clip, splitSchedule: try s.splits.schedule(),
                                 lrSchedule: try s.learningRate?.schedule(), threads: s.threads, dataSettings: dataSettings,
                                 loss: s.loss)
        let stored = try log?.startRun(name: name, configuration: w.configuration, data: w.data?.spec, origin: w.origin)
        if let stored { state.runName = stored.name }
        let trainer: Trainer
        do {
            trainer = try Trainer(state: state, data: data, memoryBudget: s.memoryBudget)
        } catch {
            if let stored { try? log?.discardRun(id: stored.id) }
            throw error
        }
        w.active = ActiveRun(name: state.runName, trainer: trainer, storeID: stored?.id, applied: s.training)
        w.runs.append(RunHistory(name: state.runName, status: .running, configuration: w.configuration,
                                 parent: w.origin.source))
        if let source = w.origin.source {
            emit(.text("run '\(state.runName)' starts from the weights of \(source) ('reset' for fresh ones)"))
        }
    }

    /// The changes of training settings since the active run's last `train`, applied to it and
    /// recorded as its events (in force from the next epoch).
    private static func applyChanges(on w: inout Workspace, log: SessionLog?, emit: (OutputEvent) -> Void) throws {
        guard var run = w.active else { return }
        let old = run.applied, new = w.settings.training
        guard old != new else { return }
        let epoch = run.trainer.state.epochsCompleted + 1
        var events: [RunEvent] = []
        func note(_ setting: String, _ from: String, _ to: String) {
            events.append(RunEvent(epoch: epoch, setting: setting, old: from, new: to))
        }
        if old.optimizer != new.optimizer {
            let fresh = try run.trainer.change(optimizer: new.optimizer)
            note("optimizer", SettingText.optimizer(old.optimizer), SettingText.optimizer(new.optimizer))
            emit(.text("optimizer \(SettingText.optimizer(new.optimizer)) from epoch \(epoch)"
                       + (fresh ? " (a new optimizer: its slots start fresh)" : " (its slots and step count kept)")))
        }
        if old.clip != new.clip {
            try run.trainer.change(clip: new.clip)
            note("clip", SettingText.clip(old.clip), SettingText.clip(new.clip))
        }
        if old.splits != new.splits {
            try run.trainer.change(splits: new.splits.splits, patience: new.splits.patience, minDelta: new.splits.minDelta)
            note("schedule", SettingText.splits(old.splits), SettingText.splits(new.splits))
        }
        if old.learningRate != new.learningRate {
            run.trainer.change(learningRateSchedule: try new.learningRate?.schedule())
            note("lr schedule", SettingText.learningRate(old.learningRate), SettingText.learningRate(new.learningRate))
        }
        if old.loss != new.loss {
            try run.trainer.change(loss: new.loss)
            note("loss", old.loss.text, new.loss.text)
        }
        if old.threads != new.threads {
            try run.trainer.change(threads: new.threads)
            note("threads", "\(old.threads)", "\(new.threads)")
        }
        for event in events where event.setting != "optimizer" {
            emit(.text("\(event.setting) \(event.new) from epoch \(epoch)"))
        }
        if let log, let id = run.storeID { try log.recordEvents(runID: id, events) }
        if let index = w.runs.lastIndex(where: { $0.name == run.name }) { w.runs[index].events += events }
        run.applied = new
        w.active = run
    }

    /// An epoch not yet written: its metrics and the states to checkpoint with it.
    struct PendingEpoch {
        var metrics: EpochMetrics
        var latest: RunState
        var best: RunState?
    }

    /// Writes the waiting epochs in order, each with its checkpoints; nil when all are
    /// written, else why the first failed.
    private static func flush(_ pending: inout [PendingEpoch], runID: Int64, runName: String, log: SessionLog) -> String? {
        while let first = pending.first {
            var states: [(tag: CheckpointTag, state: RunState)] = [(.latest, first.latest)]
            if let best = first.best { states.append((.best, best)) }
            do { try log.recordEpoch(runID: runID, first.metrics, states, runName: runName) } catch { return "\(error)" }
            pending.removeFirst()
        }
        return nil
    }

    /// Refuses, from the shapes alone, a training whose chunks cannot fit the memory budget even
    /// with recomputation: at once, before the data is prepared (which can take a while), rather
    /// than when the trainer would allocate.
    private static func refuseUnfitPlans(for model: Model, in w: Workspace) throws {
        guard let data = w.data else { throw SessionError.noData }
        let s = w.settings
        try MemoryPlan.refuseUnfit(splits: try s.splits.schedule().splits) { splits in
            MemoryPlan.make(spec: model.spec, inputWidth: model.inputWidth, targetWidth: s.targets.width,
                            sequences: data.series.count, length: data.series.longest, splits: splits,
                            parameterCount: model.parameterCount, budget: s.memoryBudget)
        }
    }

    private static func nextRunName(_ runs: [RunHistory]) -> String {
        var n = runs.count + 1
        while runs.contains(where: { $0.name == "run-\(n)" }) { n += 1 }
        return "run-\(n)"
    }

    /// The rolling `NAME@latest` checkpoint (its last whole epoch) of the latest run called
    /// `name`, when that run was interrupted (`rnnlab run --resume-interrupted`: a stopped
    /// sweep trial run again).
    private static func interruptedCheckpoint(of name: String, log: SessionLog) throws -> (String, Int)? {
        guard let stored = try log.checked({ try log.store.storedRun(RunReference(name: name)) }),
              stored.run.status == .interrupted, let id = stored.run.id else { return nil }
        let latest = try log.checked { try log.store.checkpoints(runID: id) }.first { $0.name == "\(name)@latest" }
        return latest.map { ("\(name)@latest", $0.epoch) }
    }

    /// `resume NAME`: everything the checkpoint holds becomes the workspace, and its run the active one.
    static func resume(_ name: String, on w: inout Workspace, log: SessionLog, emit: (OutputEvent) -> Void,
                       isCancelled: () -> Bool) throws {
        let (state, runID) = try log.loadCheckpoint(name)
        guard let dataSettings = state.dataSettings else { throw SessionError.checkpointWithoutData(name) }
        if let run = try log.checked({ try log.store.storedRun(id: runID)?.run }), run.status == .running {
            throw SessionError.runBusyElsewhere(run.name)
        }
        let series = try series(dataSettings.data, log: log)
        let prepared = try Preparation.prepare(series, features: dataSettings.features, targets: dataSettings.targets,
                                               validation: dataSettings.validation, stats: dataSettings.featureStats,
                                               scaling: dataSettings.scaling, isCancelled: isCancelled)
        let trainer = try Trainer(state: state, data: try TrainingData(prepared), memoryBudget: w.settings.memoryBudget)
        var s = w.settings
        s.seed = state.masterSeed
        s.threads = state.threads
        s.features = dataSettings.features
        s.targets = dataSettings.targets
        s.validation = dataSettings.validation
        s.optimizer = state.optimizer.config
        s.clip = state.clip
        s.loss = state.lossKind
        // Settings for what follows: the schedules' rules, not this run's place in them.
        s.splits = SplitRules(state.splitSchedule)
        s.learningRate = state.lrSchedule.map(PlateauRules.init)
        w.settings = s
        w.data = (dataSettings.data, series)
        w.model = trainer.currentModel
        w.active = ActiveRun(name: state.runName, trainer: trainer, storeID: runID, applied: s.training)
        w.origin = .run(w.active!.reference)
        w.runs.removeAll { $0.name == state.runName }
        var message = "resumed run '\(state.runName)' at epoch \(state.epochsCompleted) from '\(name)' "
            + "(splits \(state.splitSchedule.current), lr \(state.optimizer.learningRate)); 'train epochs=N' continues it"
        let recorded = try log.checked { try log.store.metrics(runID: runID).count }
        if recorded > state.epochsCompleted {
            let later = recorded == state.epochsCompleted + 1 ? "epoch \(recorded)" : "epochs \(state.epochsCompleted + 1)–\(recorded)"
            message += "\nnote: \(later) recorded after this checkpoint "
                + (recorded == state.epochsCompleted + 1 ? "is" : "are") + " replaced when training goes on"
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
            return try Series.csv(bytes: [UInt8](bytes), fileName: source.path, options: source.options)
        }
    }
}
