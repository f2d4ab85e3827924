import RNNEngine
import RNNReport
import RNNScript

/// `help`, `seed`, `threads`, `show`, `print`, `quit`.
enum SessionExecutor {
    static func run(_ command: SessionCommand, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
        switch command {
        case let .help(topic):
            context.emit(.text(try Help.text(for: topic)))
        case let .seed(n):
            w.settings.seed = n
        case let .memory(gib):
            w.settings.memoryBudget = Int(gib * Double(1 << 30))
            w.active?.trainer.memoryBudget = w.settings.memoryBudget
        case let .threads(n):
            if let fixed = w.trial.threads, fixed != n {
                context.emit(.text("threads \(n) ignored: --threads \(fixed) wins"))
            } else {
                w.settings.threads = n
            }
        case let .show(topic):
            context.emit(.text(Show.text(topic, of: w)))
        case let .print(text):
            context.emit(.text(text))
        case .quit:
            return .quit
        }
        return .done
    }
}

/// `show`: the current state, every setting written as the command that sets it.
enum Show {
    static func text(_ topic: ShowTopic?, of w: Workspace) -> String {
        let s = w.settings
        var lines: [String] = []
        func wants(_ t: ShowTopic) -> Bool { topic == nil || topic == t }
        if wants(.data) {
            lines.append("seed \(s.seed) · threads \(s.threads) · memory "
                         + NumberText.fixed(Double(s.memoryBudget) / Double(1 << 30), 1) + " GiB")
            lines.append(w.data == nil ? "data: none (set with 'data sine' or 'data csv')" : DataExecutor.summary(w))
            lines.append("features " + SettingText.features(s.features))
            lines.append("targets " + SettingText.targets(s.targets))
            lines.append("validate " + SettingText.validation(s.validation))
        }
        if wants(.model) {
            if let model = w.active?.trainer.currentModel ?? w.model {
                var line = "model \(model.spec.text) (input \(model.inputWidth), \(model.parameterCount) parameters)"
                if let source = w.origin.source, w.active == nil { line += "; weights from \(source)" }
                lines.append(line)
            } else {
                lines.append("model: none (set with 'model seed')")
            }
        }
        if wants(.optimizer) {
            lines.append("optimizer " + SettingText.optimizer(s.optimizer))
            lines.append("clip " + SettingText.clip(s.clip))
            lines.append("loss " + s.loss.text)
        }
        if wants(.schedule) {
            lines.append("schedule " + SettingText.splits(s.splits))
            lines.append("schedule lr " + SettingText.learningRate(s.learningRate))
        }
        if wants(.run) { lines += runLines(w, metrics: topic == .run) }
        return lines.joined(separator: "\n")
    }

    /// The active run: where it stands, where its weights came from, what changed in it, and
    /// which settings the next `train` will change.
    /// `metrics`: also RMSE and MAE in the data's units (a pass over the data: `show run` only).
    private static func runLines(_ w: Workspace, metrics: Bool) -> [String] {
        guard let active = w.active else { return ["run: none active ('train' starts one)"] }
        let state = active.trainer.state
        var lines = ["run '\(active.name)': \(Plural.count(state.epochsCompleted, "epoch")), splits \(state.splitSchedule.current), "
                     + "optimizer \(state.optimizer.config.kind.rawValue), lr \(state.optimizer.learningRate)"]
        let history = w.runs.last { $0.name == active.name }
        if let parent = history?.parent { lines.append("  from \(parent)") }
        for event in history?.events ?? [] { lines.append("  " + event.text) }
        // Its metrics in the data's units, when they can be computed here.
        if metrics, let text = try? Reports.evaluation(w, isCancelled: { false }) {
            lines += text.split(separator: "\n").map { "  " + $0 }
        }
        if active.applied != w.settings.training {
            lines.append("  changed settings apply from the next 'train' (epoch \(state.epochsCompleted + 1))")
        }
        return lines
    }
}

/// `help` and `help COMMAND`, from the command table.
enum Help {
    static func text(for topic: String?) throws -> String {
        guard let topic else {
            let width = CommandTable.names.map(\.count).max() ?? 0
            var lines = ["commands (help COMMAND for options and an example):"]
            for group in CommandGroup.allCases {
                for spec in CommandTable.all where spec.group == group {
                    lines.append("  " + spec.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + spec.summary)
                }
            }
            return lines.joined(separator: "\n")
        }
        guard let spec = CommandTable.spec(named: topic) else {
            throw SessionError.unknownHelpTopic(topic, suggestion: Suggestion.closest(to: topic, among: CommandTable.names))
        }
        var lines = ["\(spec.name): \(spec.summary)"] + spec.usage.map { "  " + $0 }
        if !spec.options.isEmpty {
            lines.append("options:")
            let width = spec.options.map { $0.name.count + ($0.form.map { $0.count + 1 } ?? 0) }.max() ?? 0
            for option in spec.options {
                let label = (option.form.map { "\($0) " } ?? "") + option.name + "="
                var text = option.help
                if let value = option.defaultText { text += " (default \(value))" }
                if !option.values.isEmpty && option.values != ["true", "false"] {
                    text += "; " + Suggestion.list(option.values)
                }
                lines.append("  " + label.padding(toLength: width + 1, withPad: " ", startingAt: 0) + "  " + text)
            }
        }
        lines += spec.notes
        lines.append("example: \(spec.example)")
        return lines.joined(separator: "\n")
    }
}
