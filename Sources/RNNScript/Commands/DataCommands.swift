import RNNData

/// `data`, `features`, `targets`, `validate`: the series and what the model sees of it.
public enum DataCommands {
    public enum DataForm: String, CaseIterable, Sendable { case sine, csv, show, plot }
    public enum FeatureKind: String, CaseIterable, Sendable { case deltas }
    public enum TargetKind: String, CaseIterable, Sendable { case q, next }

    public static let sine = OptionForm(defaults: SineOptions(), [
        .integer("sequences", \.sequences, in: 1...1_000_000, help: "number of sequences"),
        .integer("length", \.length, in: 2...100_000_000, help: "steps per sequence"),
        .number("freq1", \.freq1, .finite, help: "first wave's frequency"),
        .number("freq2", \.freq2, .finite, help: "second wave's frequency"),
        .number("walk", \.walk, .nonNegative, help: "angle random-walk step"),
        .number("noise", \.noise, .nonNegative, help: "Gaussian noise std"),
        .number("bias", \.bias, .finite, help: "level of the series"),
        .integer("decimals", \.decimals, in: SineOptions.decimalsRange, help: "rounding"),
    ])

    public static let csv = OptionForm(defaults: CSVOptions(path: ""), [
        column("column", \.column, help: "CSV column by header name or 1-based index"),
        column("key", \.key, help: "CSV column splitting rows into sequences"),
    ])

    public static let plot = OptionForm(defaults: SequenceOption(), [sequenceOption])

    public static let deltas = OptionForm(defaults: FeatureSpec(window: 128, scale: .none), [
        .integer("window", \.window, in: FeatureSpec.windowRange, help: "changes per step"),
        .choice("scale", \.scale, help: "scaling fitted on the training steps"),
    ])

    public static let q = OptionForm(defaults: QTargetOptions(gamma: 0.9, actions: [.buy, .sell]), [
        .number("gamma", \.gamma, .closedUnit, help: "discount"),
        .choices("actions", \.actions, help: "the actions valued, in order"),
    ])

    public static let next = OptionForm(defaults: NextTargetOptions(horizon: 1), [
        .integer("horizon", \.horizon, in: 1...1_000_000, help: "steps ahead"),
    ])

    public static let validate = OptionForm(defaults: ValidationOptions(), [
        .optionalNumber("tail", \.tail, .openUnit, help: "fraction held out"),
    ])

    /// `sequence=N` of `data plot` and `predict`.
    public static let sequenceOption = OptionSpec<SequenceOption>.integer(
        "sequence", \.sequence, in: 1...Int.max, help: "which sequence, from 1")

    static let all: [CommandSpec] = [
        CommandSpec("data", group: .data, summary: "the article's generator, a CSV series, or a look at the data",
                    usage: ["data sine [" + sine.infos().map { "\($0.name)=\($0.defaultText ?? "")" }.joined(separator: " ") + "]",
                            "data csv \"FILE\" column=NAME|N [key=NAME|N]", "data show",
                            "data plot [sequence=1] [title=\"…\"] [to \"FILE.svg\" [force]]"],
                    options: sine.infos(form: "sine") + csv.infos(form: "csv") + plot.infos(form: "plot")
                        + [FigureOptions.titleInfo(form: "plot")],
                    words: DataForm.allCases.map(\.rawValue), example: "data sine sequences=15 length=2000") { call, env in
            var a = try Arguments(call, in: env)
            switch try a.choice("data source", DataForm.self) {
            case .sine:
                let options = try sine.read(&a)
                try a.finish()
                return .command(.data(.sine(options)))
            case .csv:
                var options = try csv.read(&a)
                options.path = try a.text("a file name, e.g. data csv \"prices.csv\" column=close")
                guard options.column != nil else {
                    throw ScriptError(.error("data csv needs column=NAME or column=N (1-based)", range: call.range))
                }
                try a.finish()
                return .command(.data(.csv(options)))
            case .show:
                try a.finish()
                return .command(.data(.show))
            case .plot:
                let sequence = try plot.read(&a).sequence
                let figure = try a.figureOptions()
                try a.finish()
                return .command(.data(.plot(sequence: sequence, figure: figure)))
            }
        },
        CommandSpec("features", group: .data, summary: "input features: the most recent one-step changes",
                    usage: ["features deltas " + deltas.shown(deltas.defaults)], options: deltas.infos(),
                    words: FeatureKind.allCases.map(\.rawValue), example: "features deltas window=128 scale=zscore") { call, env in
            var a = try Arguments(call, in: env)
            switch try a.choice("feature kind", FeatureKind.self) {
            case .deltas:
                let spec = try deltas.read(&a)
                try a.finish()
                return .command(.data(.features(spec)))
            }
        },
        CommandSpec("targets", group: .data, summary: "training targets: Q-values of buy/sell(/hold), or the next change",
                    usage: ["targets q [" + q.shown(q.defaults) + "]", "targets next [" + next.shown(next.defaults) + "]"],
                    options: q.infos(form: "q") + next.infos(form: "next"),
                    words: TargetKind.allCases.map(\.rawValue), example: "targets q gamma=0.9") { call, env in
            var a = try Arguments(call, in: env)
            let spec: TargetSpec
            switch try a.choice("target kind", TargetKind.self) {
            case .q:
                let o = try q.read(&a)
                spec = .q(gamma: o.gamma, actions: o.actions)
            case .next:
                spec = .next(horizon: try next.read(&a).horizon)
            }
            try a.finish()
            return .command(.data(.targets(spec)))
        },
        CommandSpec("validate", group: .data, summary: "hold out the last fraction of every sequence, or stop validating",
                    usage: ["validate tail=F", "validate off"], options: validate.infos(), words: ["off"],
                    example: "validate tail=0.2") { call, env in
            var a = try Arguments(call, in: env)
            if a.flag("off") {
                try a.finish()
                return .command(.data(.validate(nil)))
            }
            guard let tail = try validate.read(&a).tail else {
                throw ScriptError(.error("validate needs tail=F (0 < F < 1) or off", range: call.range))
            }
            try a.finish()
            return .command(.data(.validate(ValidationSpec(tail: tail))))
        },
    ]

    /// A CSV column option: a header name, or a whole number as a 1-based index.
    static func column(_ name: String, _ path: WritableKeyPath<CSVOptions, CSVColumn?> & Sendable,
                       help: String) -> OptionSpec<CSVOptions> {
        OptionSpec(name: name, help: help, apply: { root, value, _ in
            if case let .number(v, _) = value, let n = Int(exactly: v) {
                root[keyPath: path] = .index(n)
            } else {
                root[keyPath: path] = .name(value.description)
            }
        }, render: { $0[keyPath: path]?.text })
    }
}

/// `validate tail=F`.
public struct ValidationOptions: Sendable, Equatable {
    public var tail: Double?
}

/// `sequence=N`.
public struct SequenceOption: Sendable, Equatable {
    public var sequence = 1
}

extension FigureOptions {
    /// `title="…"`, read by `Arguments.figureOptions` with the `to "FILE.svg"` that may follow.
    static func titleInfo(form: String? = nil) -> OptionInfo {
        OptionInfo(name: "title", help: "the figure's title", defaultText: nil, values: [], form: form)
    }
}
