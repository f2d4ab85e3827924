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
            context.emit(.text(try Reports.evaluation(w, isCancelled: context.isCancelled)))
        case let .predict(options):
            context.emit(.table(try Reports.predictionTable(options, w, context)))
        case let .predictCSV(options, path, force):
            let (text, rows) = try Reports.predictionCSV(options, w, context)
            try context.write(Data(text.utf8), to: path, force: force)
            context.emit(.text("wrote \(path) (\(Plural.count(rows, "row")))"))
        case let .predictPlot(sequence, figure):
            try ReportExecutor.show(try Reports.predictionFigure(sequence: sequence, w, context), figure, context)
        case let .forecastPlot(options, figure):
            try ReportExecutor.show(try Reports.forecastFigure(options, w, context), figure, context)
        case let .forecast(options, path, force):
            let (table, csv) = try Reports.forecast(options, w, context)
            if let path {
                try context.write(Data(csv.utf8), to: path, force: force)
                context.emit(.text("wrote \(path) (\(Plural.count(table.rows.count, "row")))"))
            } else {
                context.emit(.table(table))
            }
        }
        return .done
    }

    /// A trainer for the current weights: the active run's, or a fresh one over the current data.
    static func evaluationTrainer(_ w: Workspace) throws -> Trainer {
        if let active = w.active { return active.trainer }
        let model = try w.checkedModel()
        let (data, settings) = try w.prepared()
        let state = try RunState(runName: "evaluate", masterSeed: w.settings.seed, model: model,
                                 optimizer: w.settings.optimizer, splitSchedule: try SplitSchedule(splits: [1]),
                                 threads: w.settings.threads, dataSettings: settings)
        return try Trainer(state: state, data: data, memoryBudget: w.settings.memoryBudget)
    }

}
