import Foundation
import RNNData
import RNNEngine
import RNNReport
import RNNTraining

/// Tables and text the commands show.
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

extension Workspace {
    func show(_ topic: ShowTopic?) -> String {
        var lines: [String] = []
        if topic == nil || topic == .data {
            lines.append("seed \(seed) · threads \(threads)")
            lines.append(data == nil ? "data: none (set with 'data sine' or 'data csv')" : dataSummary)
            lines.append(features.text)
            lines.append("targets " + targets.text.replacingOccurrences(of: "targets ", with: ""))
            lines.append(validation?.text ?? "validate off")
        }
        if topic == nil || topic == .model {
            if let model { lines.append("model \(model.spec.text) (input \(model.inputWidth), \(model.parameterCount) parameters)") } else {
                lines.append("model: none (set with 'model seed')")
            }
        }
        if topic == nil || topic == .optimizer {
            lines.append("optimizer \(optimizer.kind.rawValue) " + optimizer.hyperparameters.map { "\($0.name)=\($0.value)" }
                .joined(separator: " "))
            lines.append("clip \(clip.text)")
        }
        if topic == nil || topic == .schedule {
            lines.append("schedule \(splitSchedule.text)")
            lines.append("schedule lr \(lrSchedule?.text ?? "off")")
        }
        if topic == nil || topic == .run {
            if let active {
                let s = active.trainer.state
                lines.append("run '\(active.name)': \(s.epochsCompleted) epochs, splits \(s.splitSchedule.current), "
                             + "lr \(s.optimizer.learningRate)")
            } else {
                lines.append("run: none active ('train' starts one)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

enum Help {
    static func text(for topic: String?) throws -> String {
        guard let topic else {
            let width = CommandTable.names.map(\.count).max() ?? 0
            return (["commands (help COMMAND for options and an example):"]
                    + CommandTable.all.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.summary })
                .joined(separator: "\n")
        }
        guard let spec = CommandTable.spec(named: topic) else {
            let hint = Suggestion.closest(to: topic, among: CommandTable.names).map { " (did you mean '\($0)'?)" } ?? ""
            throw WorkspaceError("no command '\(topic)'\(hint); 'help' lists them all")
        }
        var lines = ["\(spec.name): \(spec.summary)"] + spec.usage.map { "  " + $0 }
        if !spec.options.isEmpty {
            lines.append("options:")
            let width = spec.options.map(\.name.count).max() ?? 0
            lines += spec.options.map { "  " + ($0.name + "=").padding(toLength: width + 1, withPad: " ", startingAt: 0) + "  " + $0.help }
        }
        if spec.name == "optimizer" {
            lines += ["rules (Keras 3; t counts steps from 1, g is the gradient after clipping):",
                      "  sgd      v ← μv − lr·g; w ← w + v (nesterov: w ← w + μv − lr·g)",
                      "  rmsprop  a ← ρa + (1−ρ)g²; w ← w − lr·g/√(a+ε)",
                      "  adam     m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − lr·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v+ε)",
                      "  adagrad  a ← a + g² (from 0.1); w ← w − lr·g/√(a+ε)",
                      "  adadelta a ← ρa + (1−ρ)g²; d ← −√(b+ε)/√(a+ε)·g; b ← ρb + (1−ρ)d²; w ← w + lr·d"]
        }
        lines.append("example: \(spec.example)")
        return lines.joined(separator: "\n")
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

/// Files a command writes: refused when they exist (unless `force`), written whole or not at all.
enum FileOutput {
    static func write(_ data: Data, to url: URL, force: Bool, shownAs name: String) throws {
        if !force, FileManager.default.fileExists(atPath: url.path) {
            throw WorkspaceError("'\(name)' exists; add 'force' to replace it")
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw WorkspaceError("cannot write '\(name)': \(error.localizedDescription)")
        }
    }
}
