import RNNEngine

/// `model`, `reset`, `weights`: the layer stack and its weights.
enum ModelCommands {
    enum LayerKind: String, CaseIterable, Sendable {
        case dense, lstm, gru, noise, dropout

        /// What the layer looks like written, for messages.
        var example: String {
            switch self {
            case .dense: "dense 64 relu"
            case .lstm: "lstm 64"
            case .gru: "gru 64"
            case .noise: "noise 0.1"
            case .dropout: "dropout 0.2"
            }
        }
    }

    enum WeightsDirection: String, CaseIterable, Sendable { case export, `import` }

    static let all: [CommandSpec] = [
        CommandSpec("model", group: .model, summary: "the layer stack (initialises the weights), the seed model, or its summary",
                    usage: ["model LAYER -> LAYER …   (dense N [relu|tanh|sigmoid|linear], lstm N, gru N, noise STD, dropout P)",
                            "model seed", "model summary"],
                    words: ["seed", "summary"] + LayerKind.allCases.map(\.rawValue) + Activation.allCases.map(\.rawValue),
                    example: "model dense 64 relu -> lstm 64 -> dense 2", resolve: resolveModel),
        CommandSpec("reset", group: .model,
                    summary: "fresh initial weights from the seed, fresh optimizer and schedule; ends the run",
                    usage: ["reset"], example: "reset") { call, env in
            try Arguments(call, in: env).finish()
            return .command(.model(.reset))
        },
        CommandSpec("weights", group: .model, summary: "the model's weights to or from safetensors (PyTorch's names)",
                    usage: ["weights export \"FILE.safetensors\" [force]", "weights import \"FILE.safetensors\""],
                    words: WeightsDirection.allCases.map(\.rawValue) + ["force"],
                    example: "weights export \"model.safetensors\"") { call, env in
            var a = try Arguments(call, in: env)
            let direction = try a.choice("direction", WeightsDirection.self)
            let path = try a.text("a file name")
            switch direction {
            case .export:
                let force = a.flag("force")
                try a.finish()
                return .command(.model(.weightsExport(path: path, force: force)))
            case .import:
                try a.finish()
                return .command(.model(.weightsImport(path: path)))
            }
        },
    ]

    /// `model seed`, `model summary`, or layers separated by `->`.
    private static func resolveModel(_ call: CommandCall, _ env: Environment) throws -> Resolution {
        let segments = call.segments
        if segments.count == 1, segments[0].count == 1, case let .positional(v) = segments[0][0].kind {
            switch try env.evaluate(v).description {
            case "seed": return .command(.model(.seed))
            case "summary": return .command(.model(.summary))
            default: break
            }
        }
        guard !call.arguments.isEmpty else {
            throw ScriptError(.error("model needs layers (e.g. 'dense 64 relu -> lstm 64 -> dense 2'), 'seed' or 'summary'",
                                     range: call.range))
        }
        var layers: [LayerSpec] = []
        for segment in segments {
            var words: [(ScriptValue, SourceRange)] = []
            for argument in segment {
                guard case let .positional(v) = argument.kind else {
                    throw ScriptError(.error("layers take no options: write e.g. 'dense 64 relu'", range: argument.range))
                }
                words.append((try env.evaluate(v), argument.range))
            }
            let range = SourceRange(start: segment.first!.range.start, end: segment.last!.range.end)
            layers.append(try layer(words, range: range))
        }
        return .command(.model(.layers(ModelSpec(layers: layers))))
    }

    private static func layer(_ words: [(ScriptValue, SourceRange)], range: SourceRange) throws -> LayerSpec {
        let word = words[0].0.description
        let names = LayerKind.allCases.map(\.rawValue)
        guard let kind = LayerKind(rawValue: word) else {
            let hint = Suggestion.closest(to: word, among: names).map { "did you mean '\($0)'? " } ?? ""
            throw ScriptError(.error("unknown layer '\(word)' (\(hint)expected \(Suggestion.list(names)))", range: words[0].1))
        }
        func number(_ i: Int, _ what: String) throws -> (Double, SourceRange) {
            guard i < words.count, case let .number(v, _) = words[i].0 else {
                throw ScriptError(.error("\(kind) needs \(what), e.g. '\(kind.example)'", range: i < words.count ? words[i].1 : range))
            }
            return (v, words[i].1)
        }
        let maxWords = kind == .dense ? 3 : 2
        if words.count > maxWords {
            throw ScriptError(.error("unexpected '\(words[maxWords].0)' in the \(kind) layer", range: words[maxWords].1))
        }
        switch kind {
        case .dense, .lstm, .gru:
            let (v, r) = try number(1, "a width")
            let units = try Arguments.integer(.number(v, text: "\(v)"), name: "\(kind) width", in: 1...ModelSpec.maxUnits, at: r)
            if kind == .lstm { return .lstm(units: units) }
            if kind == .gru { return .gru(units: units) }
            var activation = Activation.linear
            if words.count == 3 {
                guard let a = Activation(rawValue: words[2].0.description) else {
                    let names = Activation.allCases.map(\.rawValue)
                    throw ScriptError(.error("unknown activation '\(words[2].0)' (expected \(Suggestion.list(names)))",
                                             range: words[2].1))
                }
                activation = a
            }
            return .dense(units: units, activation: activation)
        case .noise:
            let (v, r) = try number(1, "a standard deviation")
            guard v >= 0 else { throw ScriptError(.error("noise needs a standard deviation ≥ 0 (found \(v))", range: r)) }
            return .noise(std: v)
        case .dropout:
            let (v, r) = try number(1, "a rate")
            guard v >= 0, v < 1 else { throw ScriptError(.error("dropout needs a rate in [0, 1) (found \(v))", range: r)) }
            return .dropout(rate: v)
        }
    }
}
