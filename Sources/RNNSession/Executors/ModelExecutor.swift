import Foundation
import RNNData
import RNNEngine
import RNNReport
import RNNScript

/// `model`, `reset`, `weights`: the layer stack and its weights. New weights end the active run.
enum ModelExecutor {
    static func run(_ command: ModelCommand, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
        switch command {
        case .seed:
            let model = try w.initialModel(.seed(outputWidth: w.settings.targets.width))
            w.replaceModel(model)
            context.emit(.text("model seed: \(model.spec.text) (\(model.parameterCount) parameters)"))
        case let .layers(spec):
            let model = try w.initialModel(spec)
            w.replaceModel(model)
            context.emit(.text("model: \(spec.text) (\(model.parameterCount) parameters)"))
        case .summary:
            guard let model = w.active?.trainer.currentModel ?? w.model else { throw SessionError.noModel }
            context.emit(.table(Tables.summary(model.spec.summary(inputWidth: model.inputWidth))))
        case .reset:
            guard let model = w.model else { throw SessionError.noModel }
            w.replaceModel(try w.initialModel(model.spec))
        case let .weightsExport(path, force):
            guard let model = w.active?.trainer.currentModel ?? w.model else { throw SessionError.noModel }
            try context.write(Data(try model.exportedWeights(metadata: try metadata(w)).encoded()), to: path, force: force)
            context.emit(.text("wrote \(path) (\(Plural.count(model.parameterNames.count, "tensor")))"))
        case let .weightsImport(path):
            guard var model = w.active?.trainer.currentModel ?? w.model else { throw SessionError.importNeedsModel }
            let bytes: Data
            do { bytes = try Data(contentsOf: context.input(path)) } catch {
                throw SessionError.cannotRead(path, reason: error.localizedDescription)
            }
            try model.importWeights(SafetensorsFile.decode([UInt8](bytes)))
            w.replaceModel(model)
            w.origin = .imported(path: path)
            context.emit(.text("imported \(Plural.count(model.parameterNames.count, "tensor")) from \(path)"))
        }
        return .done
    }
}

extension ModelExecutor {
    /// The safetensors `__metadata__` entries `features` and `targets` (settings and per-column
    /// scaling statistics, the active run's own), so the weights can be used elsewhere; none
    /// without data.
    static func metadata(_ w: Workspace) throws -> [String: String] {
        guard let data = w.data else { return [:] }
        let kept = w.active?.trainer.state.dataSettings
        let s = w.settings
        let prepared = try Preparation.prepare(data.series, features: kept?.features ?? s.features,
                                               targets: kept?.targets ?? s.targets, validation: kept?.validation ?? s.validation,
                                               stats: kept?.featureStats, scaling: kept?.scaling)
        return prepared.metadata(features: kept?.features ?? s.features, targets: kept?.targets ?? s.targets)
    }
}

/// Tables the model commands show.
enum Tables {
    /// A Keras-style summary: layer, output shape, parameters, totals.
    static func summary(_ s: ModelSummary) -> TextTable {
        let rows = s.rows.map { row in
            ["\(row.name) (\(row.layer))", "(" + row.outputShape.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")",
             "\(row.parameters)"]
        }
        return TextTable(title: "input width \(s.inputWidth); total parameters \(s.totalParameters) "
                         + "(trainable \(s.trainableParameters))",
                         columns: ["Layer", "Output Shape", "Param #"], rows: rows)
    }
}
