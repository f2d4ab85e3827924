import Foundation
import RNNData
import RNNEngine
import RNNReport
import RNNTraining

extension Workspace {
    /// `train`: continues the active run, or starts one from the current model and settings.
    /// With a store, the run, every epoch's metrics (as each ends) and the closing `RUN@EPOCH`
    /// and `RUN@best` checkpoints are written there.
    mutating func train(epochs: Int, name: String?, until: Double?, earlyStop: Int?, log: SessionLog?,
                        emit: (OutputEvent) -> Void, isCancelled: () -> Bool) throws -> Effect {
        if let active, let name, name != active.name {
            throw WorkspaceError("run '\(active.name)' is active; 'reset' first to start a new run named '\(name)'")
        }
        let starting = active == nil
        if starting {
            let model = try checkedModel()
            if log == nil, let name, runs.contains(where: { $0.name == name }) {
                throw WorkspaceError("a run named '\(name)' exists already; choose another name")
            }
            let (data, settings) = try prepared()
            var state = try RunState(runName: name ?? nextRunName(), masterSeed: seed, model: model, optimizer: optimizer,
                                     clip: clip, splitSchedule: splitSchedule, lrSchedule: lrSchedule, threads: threads,
                                     dataSettings: settings)
            let stored = try log?.startRun(name: name, configuration: configuration, data: self.data?.spec)
            if let stored { state.runName = stored.name }
            let trainer: Trainer
            do {
                trainer = try Trainer(state: state, data: data)
            } catch {
                if let stored { try? log?.discardRun(id: stored.id) }
                throw error
            }
            active = (state.runName, trainer, stored?.id)
            runs.append(RunHistory(name: state.runName, status: "running", configuration: configuration))
        } else if let log, let id = active!.storeID {
            try log.continueRun(id: id, fromEpoch: active!.trainer.state.epochsCompleted)
        }
        var (runName, trainer, storeID) = active!
        if !runs.contains(where: { $0.name == runName }) {     // resumed from the store
            runs.append(RunHistory(name: runName, status: "running", configuration: configuration))
        }
        let lastEpoch = trainer.state.epochsCompleted + epochs
        var epochStart = Date()
        var epochSeconds: [Double] = []
        var bestState: RunState?
        var unrecorded: String?
        let result: TrainingResult
        do {
            result = try trainer.train(epochs: epochs, until: until, earlyStop: earlyStop, isCancelled: isCancelled) { event in
                switch event {
                case .epochStarted:
                    epochStart = Date()
                case let .chunkFinished(epoch, chunk, chunks, running):
                    let elapsed = Date().timeIntervalSince(epochStart)
                    let perEpoch = epochSeconds.isEmpty ? elapsed / Double(chunk) * Double(chunks)
                        : epochSeconds.reduce(0, +) / Double(epochSeconds.count)
                    let remaining = perEpoch * Double(lastEpoch - epoch) + max(0, perEpoch - elapsed)
                    emit(.progress(TrainingProgress(runName: runName, epoch: epoch, lastEpoch: lastEpoch, chunk: chunk,
                                                    chunks: chunks, runningLoss: running, splits: chunks, elapsed: elapsed,
                                                    remaining: remaining)))
                case let .epochFinished(metrics):
                    epochSeconds.append(metrics.seconds)
                    // Committed before it is printed: an epoch the user has seen is in the store.
                    if let log, let storeID, unrecorded == nil {
                        do { try log.appendEpoch(runID: storeID, metrics) } catch {
                            unrecorded = "\(error)"
                            emit(.text("warning: epoch \(metrics.epoch) and the rest of this train are not recorded: \(error)"))
                        }
                    }
                    emit(.epoch(EpochLine(runName: runName, metrics: metrics, lastEpoch: lastEpoch)))
                case let .splitsChanged(epoch, from, to):
                    emit(.text("splits \(from) → \(to) after epoch \(epoch)"))
                case let .learningRateChanged(epoch, from, to):
                    emit(.text("lr \(from) → \(to) after epoch \(epoch)"))
                case let .newBest(state):
                    bestState = state
                case .epochEnded:
                    break       // to wire: the rolling RUN@latest (Store.recordEpoch)
                }
            }
        } catch {
            // Refused before the first epoch (such as K > L): a run started here leaves no trace.
            if starting, let log, let storeID { try? log.discardRun(id: storeID) }
            throw error
        }
        let index = runs.firstIndex { $0.name == runName }!
        runs[index].metrics += result.epochs
        runs[index].status = result.status.rawValue
        model = trainer.currentModel
        let done = trainer.state.epochsCompleted
        var message: String
        switch result.status {
        case .finished:
            message = "run '\(runName)': \(done) epochs"
            if let loss = runs[index].finalLoss { message += ", loss \(format(loss, 6))" }
            if let best = trainer.state.bestLoss, let epoch = trainer.state.bestEpoch {
                message += " (best \(format(best, 6)) at epoch \(epoch))"
            }
            switch result.stopReason {
            case .epochsDone: break
            case let .reachedTarget(loss): message += "; stopped at the target loss \(loss)"
            case let .earlyStopped(patience): message += "; stopped early after \(patience) epochs without improvement"
            }
            active = (runName, trainer, storeID)
        case .diverged:
            let at = result.divergedAt.map { "epoch \($0.epoch), chunk \($0.chunk)" } ?? "an unknown step"
            message = "run '\(runName)' diverged at \(at): a non-finite loss or gradient; the weights are the last good ones "
                + "(after \(done) epochs). Lower the learning rate or clip the gradients, then 'reset'"
            active = nil
        case .interrupted:
            message = "run '\(runName)' interrupted: rolled back to epoch \(done); 'train' continues it"
            active = (runName, trainer, storeID)
        }
        if let log, let storeID {
            do {
                try log.endRun(id: storeID, status: result.status)
                if unrecorded == nil {
                    var states = [(name: "\(runName)@\(done)", state: trainer.state)]
                    if let bestState { states.append((name: "\(runName)@best", state: bestState)) }
                    try log.saveCheckpoints(runID: storeID, states, replacing: true)
                    message += "; checkpoints " + states.map(\.name).joined(separator: ", ")
                }
            } catch {
                message += "; warning: not recorded in the store: \(error)"
            }
        }
        emit(.runEnded(RunSummary(name: runName, status: result.status, epochs: done, finalLoss: runs[index].finalLoss,
                                  bestLoss: trainer.state.bestLoss, message: message)))
        return result.status == .interrupted ? .interrupted : .done
    }

    private func nextRunName() -> String {
        var n = runs.count + 1
        while runs.contains(where: { $0.name == "run-\(n)" }) { n += 1 }
        return "run-\(n)"
    }

    /// A trainer for the current weights: the active run's, or a fresh one over the current data.
    private func evaluationTrainer() throws -> Trainer {
        if let active { return active.trainer }
        let model = try checkedModel()
        let (data, settings) = try prepared()
        let state = try RunState(runName: "evaluate", masterSeed: seed, model: model, optimizer: optimizer,
                                 splitSchedule: .single, threads: threads, dataSettings: settings)
        return try Trainer(state: state, data: data)
    }

    func evaluation() throws -> String {
        let trainer = try evaluationTrainer()
        let loss = try trainer.loss(over: trainer.data.trainMask)
        var text = "loss \(loss.map { format($0, 6) } ?? "–")"
        if let mask = trainer.data.validationMask { text += "  val \(try trainer.loss(over: mask).map { format($0, 6) } ?? "–")" }
        return text
    }

    /// Targets and the model's outputs (inference mode, from a zero state) for every step of
    /// one sequence that has a target.
    private func predicted(sequence: Int) throws -> (names: [String], steps: [Int], targets: [[Double]], outputs: [[Double]]) {
        let trainer = try evaluationTrainer()
        let data = trainer.data
        guard sequence <= data.sequenceCount else {
            throw WorkspaceError("sequence=\(sequence) is out of range (the data has \(data.sequenceCount) sequences)")
        }
        let s = sequence - 1, length = data.length, f = data.featureWidth, w = data.targetWidth
        var inputs = Tensor(zeros: [length, 1, f])
        for t in 0..<length {
            for j in 0..<f { inputs.values[t * f + j] = data.inputs.values[(t * data.sequenceCount + s) * f + j] }
        }
        let model = trainer.currentModel
        var rng = Random(seed: 0)
        let output = try model.forward(inputs, state: model.zeroState, mode: .inference, rng: &rng).output
        let names = data.targetWidth == targets.width ? targets.outputNames : (0..<w).map { "y\($0 + 1)" }
        let steps = (0..<length).filter { t in
            data.trainMask.values[t * data.sequenceCount + s] != 0 || data.validationMask?.values[t * data.sequenceCount + s] == 1
        }
        return (names, steps.map { $0 + 1 },
                steps.map { t in (0..<w).map { Double(data.targets.values[(t * data.sequenceCount + s) * w + $0]) } },
                steps.map { t in (0..<w).map { Double(output.values[t * w + $0]) } })
    }

    /// The last `last` steps of one sequence: step, targets and outputs (inference mode).
    func prediction(sequence: Int, last: Int) throws -> TextTable {
        let p = try predicted(sequence: sequence)
        let rows = zip(p.steps, zip(p.targets, p.outputs)).suffix(last).map { step, values in
            ["\(step)"] + values.0.map { format($0, 5) } + values.1.map { format($0, 5) }
        }
        return TextTable(title: "sequence \(sequence), last \(rows.count) steps",
                         columns: ["step"] + p.names.map { "target \($0)" } + p.names.map { "output \($0)" }, rows: rows)
    }

    /// `predict plot`: each target and the model's output for it over the sequence's steps.
    func predictionFigure(sequence: Int) throws -> Figure {
        let p = try predicted(sequence: sequence)
        let xs = p.steps.map(Double.init)
        var series: [PlotSeries] = []
        for (i, name) in p.names.enumerated() {
            series.append(PlotSeries(name: "target \(name)", xs: xs, ys: p.targets.map { $0[i] }))
            series.append(PlotSeries(name: "output \(name)", xs: xs, ys: p.outputs.map { $0[i] }))
        }
        let run = active.map { " (run '\($0.name)')" } ?? ""
        return Figure(title: "predictions for sequence \(sequence)\(run)", xLabel: "step", yLabel: "target / output",
                      series: series)
    }

    /// `data plot`: one sequence of the series.
    func dataFigure(sequence: Int) throws -> Figure {
        guard let data else { throw WorkspaceError("no data yet: generate it with 'data sine' or load it with 'data csv'") }
        guard sequence <= data.series.count else {
            throw WorkspaceError("sequence=\(sequence) is out of range (the data has \(data.series.count) sequences)")
        }
        let values = data.series.sequences[sequence - 1]
        return Figure(title: "sequence \(sequence) of \(data.series.count): \(data.spec.text)", xLabel: "step", yLabel: "value",
                      series: [PlotSeries(name: data.series.names?[sequence - 1] ?? "sequence \(sequence)", values: values)])
    }
}
