import RNNData

/// `data`, `features`, `targets`, `validate`: the series and what the model sees of it.
public enum DataCommands {
    public enum DataForm: String, CaseIterable, Sendable { case sine, csv, show, plot }

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

    public static let csv = OptionForm(defaults: CSVArguments(path: ""), [
        column("column", \.column, help: "the value column, by header name or 1-based index (default: the first numeric one)"),
        columns("columns", \.columns, help: "several value columns, in order: one channel each"),
        column("key", \.key, help: "CSV column splitting rows into sequences"),
        column("time", \.time, help: "a time column (ISO 8601 dates or date-times, or numbers), increasing per sequence"),
        .choice("missing", \.missing, help: "empty, NA, NaN, null cells: error, mask (out of loss; inputs carried) or ffill"),
        OptionSpec(name: "delimiter", help: "the field separator (one character; tab for a tab)", apply: { root, value, _ in
            root.delimiter = value.description == "tab" ? "\t" : value.description
        }, render: { $0.delimiter == "\t" ? "tab" : "\"\($0.delimiter)\"" }),
    ])

    public static let plot = OptionForm(defaults: SequenceOption(), [sequenceOption])

    /// `features deltas|values …` (one form: the kind is its first word).
    public static let features = OptionForm(defaults: FeatureSpec(kind: .deltas, window: 128, columns: nil, scale: .none), [
        .integer("window", \.window, in: FeatureSpec.windowRange, help: "steps of each column per input"),
        .names("columns", \.columns, help: "the columns the inputs read (default: all)"),
        .choice("scale", \.scale, help: "per-column scaling fitted on the training steps"),
    ])

    public static let q = OptionForm(defaults: QTargetOptions(gamma: 0.9, actions: [.buy, .sell], column: nil), [
        .number("gamma", \.gamma, .closedUnit, help: "discount"),
        .choices("actions", \.actions, help: "the actions valued, in order"),
        .text("column", \.column, help: "the price column (default: the first)"),
    ])

    public static let next = OptionForm(defaults: NextTargetOptions(horizon: 1), [
        .integer("horizon", \.horizon, in: 1...1_000_000, help: "steps ahead"),
        .names("columns", \.columns, help: "the columns predicted (default: the first)"),
        .choice("as", \.form, help: "the change p(t+H) − p(t), or the value p(t+H)"),
        .choice("scale", \.scale, help: "targets trained scaled, reported unscaled"),
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
                            "data csv \"FILE\" [column=NAME|N | columns=A,B,…] [key=NAME] [time=NAME] [missing=error|mask|ffill] "
                                + "[delimiter=\",\"]", "data show",
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
                var arguments = try csv.read(&a)
                arguments.path = try a.text("a file name, e.g. data csv \"prices.csv\" column=close")
                try a.finish()
                let options = try CSVOptions.make(column: arguments.column, columns: arguments.columns, key: arguments.key,
                                                  time: arguments.time, missing: arguments.missing,
                                                  delimiter: arguments.delimiter)
                return .command(.data(.csv(path: arguments.path, options: options)))
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
        CommandSpec("features", group: .data, summary: "input features: recent one-step changes (deltas) or values (lags 0…N−1)",
                    usage: ["features deltas|values [" + features.shown(features.defaults) + "]"], options: features.infos(),
                    words: FeatureKind.allCases.map(\.rawValue), example: "features deltas window=128 scale=zscore") { call, env in
            var a = try Arguments(call, in: env)
            var spec = try features.read(&a)
            spec.kind = try a.choice("feature kind", FeatureKind.self)
            try a.finish()
            return .command(.data(.features(spec)))
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
                spec = .q(gamma: o.gamma, actions: o.actions, column: o.column)
            case .next:
                let o = try next.read(&a)
                spec = .next(horizon: o.horizon, columns: o.columns, form: o.form, scale: o.scale)
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
    static func column(_ name: String, _ path: WritableKeyPath<CSVArguments, CSVColumn?> & Sendable,
                       help: String) -> OptionSpec<CSVArguments> {
        OptionSpec(name: name, help: help, apply: { root, value, _ in root[keyPath: path] = csvColumn(value) },
                   render: { $0[keyPath: path]?.text })
    }

    /// Several CSV columns, comma-separated.
    static func columns(_ name: String, _ path: WritableKeyPath<CSVArguments, [CSVColumn]?> & Sendable,
                        help: String) -> OptionSpec<CSVArguments> {
        OptionSpec(name: name, help: help, apply: { root, value, _ in root[keyPath: path] = value.elements.map(csvColumn) },
                   render: { $0[keyPath: path]?.map(\.text).joined(separator: ",") })
    }

    static func csvColumn(_ value: ScriptValue) -> CSVColumn {
        if case let .number(v, _) = value, let n = Int(exactly: v) { return .index(n) }
        return .name(value.description)
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
