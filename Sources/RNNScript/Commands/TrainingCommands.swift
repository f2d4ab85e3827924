import RNNEngine

/// `train`, `evaluate`, `predict`.
public enum TrainingCommands {
    public static let train = OptionForm(defaults: TrainOptions(), [
        .optionalInteger("epochs", \.epochs, in: 1...1_000_000, help: "epochs to train (required)"),
        .text("name", \.name, help: "names the run being started (default run-N)"),
        .optionalNumber("until", \.until, .nonNegative, help: "stop once the monitored loss is at or below this"),
        .optionalInteger("early_stop", \.earlyStop, in: 1...Int.max, help: "stop after P epochs without improvement on the last K"),
    ])

    public static let predict = OptionForm(defaults: PredictOptions(), [
        .optionalInteger("sequence", \.sequence, in: 1...Int.max, help: "which sequence, from 1 (a table: 1; a CSV: all)"),
        .optionalInteger("start", \.start, in: 1...Int.max, help: "the first step, from 1"),
        .optionalInteger("end", \.end, in: 1...Int.max, help: "the last step, included"),
        .optionalInteger("last", \.last, in: 1...100_000, help: "the final N steps (a table: 10)"),
    ])

    public static let forecast = OptionForm(defaults: ForecastOptions(), [
        .optionalInteger("steps", \.steps, in: 1...1_000_000, help: "steps past the end of each series (required)"),
        .optionalInteger("sequence", \.sequence, in: 1...Int.max, help: "one sequence, from 1 (default: all)"),
    ])

    /// `loss mse|mae|huber [delta=]`.
    public static let loss = OptionForm(defaults: LossArguments(), [
        .number("delta", \.delta, .positive, help: "huber: where the loss turns from square to linear"),
    ])

    static let trainName = "train"

    /// Whether a call is `train` (its variables need not be bound yet, as in a recorded cell).
    public static func isTrain(_ call: CommandCall) -> Bool { call.head.name == trainName }

    static let all: [CommandSpec] = [
        CommandSpec(trainName, group: .training, summary: "trains N more epochs: continues the current run, or starts one",
                    usage: ["train epochs=N [name=NAME] [until=LOSS] [early_stop=P]"], options: train.infos(),
                    example: "train epochs=10 name=\"first\"") { call, env in
            var a = try Arguments(call, in: env)
            let options = try train.read(&a)
            guard options.epochs != nil else {
                throw ScriptError(.error("train needs epochs=N, e.g. 'train epochs=10'", range: call.range))
            }
            if let name = options.name, !RunName.isValid(name) {
                throw ScriptError(.error("a run name must be non-empty and without '@' or '/' (found '\(name)'; "
                                         + "'@' separates a checkpoint's tag, '/' a session: s1/x@best)", range: call.range))
            }
            try a.finish()
            return .command(.training(.train(options)))
        },
        CommandSpec("loss", group: .training, summary: "what training minimises: mean squared error, mean absolute error or Huber",
                    usage: ["loss mse|mae|huber [" + loss.shown(loss.defaults) + "]"], options: loss.infos(form: "huber"),
                    words: LossArguments.Name.allCases.map(\.rawValue), example: "loss huber delta=1.0") { call, env in
            var a = try Arguments(call, in: env)
            var options = try loss.read(&a)
            options.name = try a.choice("loss", LossArguments.Name.self)
            if options.name != .huber, a.option("delta") != nil {
                throw ScriptError(.error("delta= is huber's (loss huber delta=1.0)", range: call.range))
            }
            try a.finish()
            return .command(.training(.loss(options.kind)))
        },
        CommandSpec("evaluate", group: .training, summary: "the loss (and validation loss) without training",
                    usage: ["evaluate"], example: "evaluate") { call, env in
            try Arguments(call, in: env).finish()
            return .command(.training(.evaluate))
        },
        CommandSpec("predict", group: .training, summary: "outputs against targets in the data's units: a table, a CSV or a plot",
                    usage: ["predict [sequence=1] [start=A] [end=B | last=10]",
                            "predict [sequence=N] [start=A] [end=B] to \"F.csv\" [force]",
                            "predict [sequence=1] plot [title=\"…\"] [to \"FILE.svg\" [force]]"],
                    options: predict.infos() + [FigureOptions.titleInfo(form: "plot")], words: ["plot", "to", "force"],
                    example: "predict sequence=1 last=5") { call, env in
            var a = try Arguments(call, in: env)
            if a.flag("plot") {
                let sequence = try DataCommands.plot.read(&a).sequence
                let figure = try a.figureOptions()
                try a.finish()
                return .command(.training(.predictPlot(sequence: sequence, figure: figure)))
            }
            let options = try predict.read(&a)
            if options.end != nil, options.last != nil {
                throw ScriptError(.error("predict takes end= or last=, not both", range: call.range))
            }
            if let start = options.start, let end = options.end, end < start {
                throw ScriptError(.error("predict end=\(end) is before start=\(start)", range: call.range))
            }
            if a.flag("to") {
                let path = try a.text("a file name after 'to', e.g. to \"predictions.csv\"")
                let force = a.flag("force")
                try a.finish()
                return .command(.training(.predictCSV(options, path: path, force: force)))
            }
            try a.finish()
            return .command(.training(.predict(options)))
        },
        CommandSpec("forecast", group: .training,
                    summary: "N steps past the end of each series, each prediction fed back as the next input",
                    usage: ["forecast steps=N [sequence=N] [to \"F.csv\" [force]]",
                            "forecast steps=N [sequence=N] plot [title=\"…\"] [to \"F.svg\" [force]]"],
                    options: forecast.infos() + [FigureOptions.titleInfo(form: "plot")],
                    words: ["plot", "to", "force"], example: "forecast steps=12") { call, env in
            var a = try Arguments(call, in: env)
            let options = try forecast.read(&a)
            guard options.steps != nil else {
                throw ScriptError(.error("forecast needs steps=N, e.g. 'forecast steps=12'", range: call.range))
            }
            if a.flag("plot") {
                let figure = try a.figureOptions()
                try a.finish()
                return .command(.training(.forecastPlot(options, figure: figure)))
            }
            var path: String?, force = false
            if a.flag("to") {
                path = try a.text("a file name after 'to', e.g. to \"forecast.csv\"")
                force = a.flag("force")
            }
            try a.finish()
            return .command(.training(.forecast(options, path: path, force: force)))
        },
    ]
}

/// `loss NAME delta=` as written.
public struct LossArguments: Sendable, Equatable {
    public enum Name: String, CaseIterable, Sendable { case mse, mae, huber }
    public var name = Name.mse
    public var delta = 1.0

    public init() {}

    public var kind: LossKind {
        switch name {
        case .mse: .mse
        case .mae: .mae
        case .huber: .huber(delta: delta)
        }
    }
}

/// Run names: `@` separates a checkpoint's tag and `/` a session (`s1/x@best`), so a name holds neither.
public enum RunName {
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("@") && !name.contains("/")
    }
}
