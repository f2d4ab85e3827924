import RNNEngine

/// `optimizer`, `clip`, `schedule`: how the weights are updated.
public enum OptimizationCommands {
    /// One optimizer: its options (defaults are Keras 3's, from `OptimizerConfig(kind:)`) and
    /// its update rule as `help optimizer` prints it. Adding an optimizer: its config and kernel
    /// rule in the engine, and an entry here.
    public struct Entry: Sendable {
        public let kind: OptimizerKind
        public let form: OptionForm<OptimizerConfig>
        public let rule: String
    }

    public enum ClipKind: String, CaseIterable, Sendable { case norm, global, value, off }
    public enum ScheduleKind: String, CaseIterable, Sendable { case splits, lr }
    public enum LRScheduleKind: String, CaseIterable, Sendable { case plateau, off }

    static let lr = OptionSpec<OptimizerConfig>.number("lr", \.learningRate, .positive, help: "learning rate")
    static let eps = OptionSpec<OptimizerConfig>.number("eps", \.epsilon, .positive, help: "ε in the denominator")
    static let rho = OptionSpec<OptimizerConfig>.number("rho", \.rho, .unitInterval, help: "decay of the squared-gradient average")

    public static let optimizers: [Entry] = [
        Entry(kind: .sgd, form: OptionForm(defaults: OptimizerConfig(kind: .sgd), [
            lr,
            .number("momentum", \.momentum, .unitInterval, help: "momentum μ (0: plain SGD)"),
            .bool("nesterov", \.nesterov, help: "Nesterov's variant"),
        ]), rule: "v ← μv − lr·g; w ← w + v (nesterov: w ← w + μv − lr·g)"),
        Entry(kind: .rmsprop, form: OptionForm(defaults: OptimizerConfig(kind: .rmsprop), [lr, rho, eps]),
              rule: "a ← ρa + (1−ρ)g²; w ← w − lr·g/√(a+ε)"),
        Entry(kind: .adam, form: OptionForm(defaults: OptimizerConfig(kind: .adam), [
            lr,
            .number("beta1", \.beta1, .unitInterval, help: "decay of the first moment"),
            .number("beta2", \.beta2, .unitInterval, help: "decay of the second moment"),
            eps,
        ]), rule: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − lr·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v+ε)"),
        Entry(kind: .adagrad, form: OptionForm(defaults: OptimizerConfig(kind: .adagrad), [
            lr,
            .number("initial_accumulator", \.initialAccumulator, .nonNegative, help: "the accumulator's start"),
            eps,
        ]), rule: "a ← a + g² (from initial_accumulator); w ← w − lr·g/√(a+ε)"),
        Entry(kind: .adadelta, form: OptionForm(defaults: OptimizerConfig(kind: .adadelta), [lr, rho, eps]),
              rule: "a ← ρa + (1−ρ)g²; d ← −√(b+ε)/√(a+ε)·g; b ← ρb + (1−ρ)d²; w ← w + lr·d"),
    ]

    public static func entry(_ kind: OptimizerKind) -> Entry {
        optimizers.first { $0.kind == kind }!     // the table has every kind (tested)
    }

    public static let splits = OptionForm(defaults: SplitRules(), [
        .integer("patience", \.patience, in: 1...Int.max, help: "epochs without improvement before the next K"),
        .number("min_delta", \.minDelta, .nonNegative, help: "absolute improvement that counts"),
    ])

    public static let plateau = OptionForm(defaults: PlateauRules(), [
        .number("factor", \.factor, .openUnit, help: "lr multiplier"),
        .integer("patience", \.patience, in: 0...Int.max, help: "epochs without improvement before a reduction"),
        .number("min_delta", \.minDelta, .nonNegative, help: "absolute improvement that counts"),
        .integer("cooldown", \.cooldown, in: 0...Int.max, help: "epochs to wait after a reduction"),
        .number("min_lr", \.minLR, .nonNegative, help: "lower bound"),
    ])

    /// The options of every optimizer, each once, its default per optimizer when they differ.
    static var optimizerOptions: [OptionInfo] {
        var infos: [OptionInfo] = []
        for entry in optimizers {
            for info in entry.form.infos() where !infos.contains(where: { $0.name == info.name }) {
                let defaults = optimizers.compactMap { e in
                    e.form.options.first { $0.name == info.name }.map { (e.kind.rawValue, $0.text(in: e.form.defaults) ?? "") }
                }
                var merged = info
                if Set(defaults.map(\.1)).count > 1 {
                    merged.defaultText = defaults.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
                }
                infos.append(merged)
            }
        }
        return infos
    }

    static let all: [CommandSpec] = [
        CommandSpec("optimizer", group: .optimization, summary: "sgd, rmsprop, adam, adagrad or adadelta, with Keras 3 defaults",
                    usage: optimizers.map { "optimizer \($0.kind.rawValue) [" + $0.form.shown($0.form.defaults) + "]" },
                    options: optimizerOptions, words: OptimizerKind.allCases.map(\.rawValue),
                    notes: ["rules (Keras 3; t counts steps from 1, g is the gradient after clipping):"]
                        + optimizers.map { "  " + $0.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + " " + $0.rule },
                    example: "optimizer adam lr=0.001") { call, env in
            var a = try Arguments(call, in: env)
            let kind = try a.choice("optimizer", OptimizerKind.self)
            let config = try entry(kind).form.read(&a)
            try a.finish()
            return .command(.optimization(.optimizer(config)))
        },
        CommandSpec("clip", group: .optimization, summary: "gradient clipping: per-tensor norm, global norm, element value, or off",
                    usage: ["clip norm X", "clip global X", "clip value X", "clip off", "clip X (= clip norm X)"],
                    words: ClipKind.allCases.map(\.rawValue), example: "clip norm 1.0") { call, env in
            var a = try Arguments(call, in: env)
            // A bare number is a norm threshold, so a sweep can give `clip $clip` off or 1.0.
            var probe = a
            if let (value, range) = probe.nextPositional(), case let .number(x, _) = value {
                guard x.isFinite, x > 0 else {
                    throw ScriptError(.error("clip needs a threshold > 0, e.g. 'clip 1.0' (= clip norm 1.0)", range: range))
                }
                try probe.finish()
                return .command(.optimization(.clip(.norm(x))))
            }
            let kind = try a.choice("clip kind", ClipKind.self)
            guard kind != .off else {
                try a.finish()
                return .command(.optimization(.clip(.off)))
            }
            guard let (value, range) = a.nextPositional(), case let .number(x, _) = value, x.isFinite, x > 0 else {
                throw ScriptError(.error("clip \(kind) needs a threshold > 0, e.g. 'clip \(kind) 1.0'", range: call.range))
            }
            _ = range
            try a.finish()
            switch kind {
            case .norm: return .command(.optimization(.clip(.norm(x))))
            case .global: return .command(.optimization(.clip(.global(x))))
            case .value, .off: return .command(.optimization(.clip(.value(x))))
            }
        },
        CommandSpec("schedule", group: .optimization, summary: "the batch sequence length schedule, or learning-rate reduction on plateau",
                    usage: ["schedule splits K1,K2,… [" + splits.shown(splits.defaults) + "]",
                            "schedule lr plateau [" + plateau.shown(plateau.defaults) + "]", "schedule lr off"],
                    options: splits.infos(form: "splits") + plateau.infos(form: "lr plateau"),
                    words: ScheduleKind.allCases.map(\.rawValue) + LRScheduleKind.allCases.map(\.rawValue),
                    example: "schedule splits 100,50,10,2,1 patience=20") { call, env in
            var a = try Arguments(call, in: env)
            switch try a.choice("schedule kind", ScheduleKind.self) {
            case .splits:
                guard let (value, range) = a.nextPositional() else {
                    throw ScriptError(.error("schedule splits needs a list of chunk counts, e.g. 100,50,10,2,1", range: call.range))
                }
                var rules = try splits.read(&a)
                rules.splits = try value.elements.map { try Arguments.integer($0, name: "splits", in: 1...10_000_000, at: range) }
                try a.finish()
                return .command(.optimization(.splits(rules)))
            case .lr:
                switch try a.choice("lr schedule", LRScheduleKind.self) {
                case .off:
                    try a.finish()
                    return .command(.optimization(.learningRate(nil)))
                case .plateau:
                    let rules = try plateau.read(&a)
                    try a.finish()
                    return .command(.optimization(.learningRate(rules)))
                }
            }
        },
    ]
}
