import Foundation
import RNNData
import RNNEngine
import RNNReport
import RNNScript
import RNNTraining

/// `train` (the run lifecycle is `RunController`'s), `evaluate`, `predict`.
enum TrainingExecutor {
    static func run(_ command: TrainingCommand, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
        switch command {
        case let .train(options):
            return try RunController.train(options, on: &w, context)
        case let .loss(kind):
            try kind.validate()
            w.settings.loss = kind
        case .evaluate:
            context.emit(.text(try evaluation(w)))
        case let .predict(options):
            context.emit(.table(try prediction(sequence: options.sequence, last: options.last, w)))
        case let .predictPlot(sequence, figure):
            try ReportExecutor.show(try predictionFigure(sequence: sequence, w), figure, context)
        }
        return .done
    }

    /// A trainer for the current weights: the active run's, or a fresh one over the current data.
    private static func evaluationTrainer(_ w: Workspace) throws -> Trainer {
        if let active = w.active { return active.trainer }
        let model = try w.checkedModel()
        let (data, settings) = try w.prepared()
        let state = try RunState(runName: "evaluate", masterSeed: w.settings.seed, model: model,
                                 optimizer: w.settings.optimizer, splitSchedule: try SplitSchedule(splits: [1]),
                                 threads: w.settings.threads, dataSettings: settings)
        return try Trainer(state: state, data: data)
    }

    static func evaluation(_ w: Workspace) throws -> String {
        let trainer = try evaluationTrainer(w)
        let loss = try trainer.loss(over: trainer.data.trainMask)
        var text = "loss \(loss.map { NumberText.fixed($0, 6) } ?? "–")"
        if let mask = trainer.data.validationMask { text += "  val \(try trainer.loss(over: mask).map { NumberText.fixed($0, 6) } ?? "–")" }
        return text
    }

    /// Targets and the model's outputs (inference mode, from a zero state) for every step of
    /// one sequence that has a target.
    private static func predicted(sequence: Int, _ workspace: Workspace) throws
        -> (names: [String], steps: [Int], targets: [[Double]], outputs: [[Double]]) {
        let trainer = try evaluationTrainer(workspace)
        let data = trainer.data
        guard sequence <= data.sequenceCount else {
            throw SessionError.sequenceOutOfRange(sequence, count: data.sequenceCount)
        }
        let s = sequence - 1, length = data.length, f = data.featureWidth, w = data.targetWidth
        var inputs = Tensor(zeros: [length, 1, f])
        for t in 0..<length {
            for j in 0..<f { inputs.values[t * f + j] = data.inputs.values[(t * data.sequenceCount + s) * f + j] }
        }
        let model = trainer.currentModel
        var rng = Random(seed: 0)
        let output = try model.forward(inputs, state: model.zeroState, mode: .inference, rng: &rng).output
        let targets = workspace.settings.targets
        let names = data.targetWidth == targets.width ? targets.outputNames : (0..<w).map { "y\($0 + 1)" }
        let steps = (0..<length).filter { t in
            data.trainMask.values[t * data.sequenceCount + s] != 0 || data.validationMask?.values[t * data.sequenceCount + s] == 1
        }
        return (names, steps.map { $0 + 1 },
                steps.map { t in (0..<w).map { Double(data.targets.values[(t * data.sequenceCount + s) * w + $0]) } },
                steps.map { t in (0..<w).map { Double(output.values[t * w + $0]) } })
    }

    /// The last `last` steps of one sequence: step, targets and outputs (inference mode).
    static func prediction(sequence: Int, last: Int, _ w: Workspace) throws -> TextTable {
        let p = try predicted(sequence: sequence, w)
        let rows = zip(p.steps, zip(p.targets, p.outputs)).suffix(last).map { step, values in
            ["\(step)"] + values.0.map { NumberText.fixed($0, 5) } + values.1.map { NumberText.fixed($0, 5) }
        }
        return TextTable(title: "sequence \(sequence), last \(rows.count) steps",
                         columns: ["step"] + p.names.map { "target \($0)" } + p.names.map { "output \($0)" }, rows: rows)
    }

    /// `predict plot`: each target and the model's output for it over the sequence's steps.
    static func predictionFigure(sequence: Int, _ w: Workspace) throws -> Figure {
        let p = try predicted(sequence: sequence, w)
        let xs = p.steps.map(Double.init)
        var series: [PlotSeries] = []
        for (i, name) in p.names.enumerated() {
            series.append(PlotSeries(name: "target \(name)", xs: xs, ys: p.targets.map { $0[i] }))
            series.append(PlotSeries(name: "output \(name)", xs: xs, ys: p.outputs.map { $0[i] }))
        }
        let run = w.active.map { " (run '\($0.name)')" } ?? ""
        return Figure(title: "predictions for sequence \(sequence)\(run)", xLabel: "step", yLabel: "target / output",
                      series: series)
    }
}
