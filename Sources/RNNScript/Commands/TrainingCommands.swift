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
        .integer("sequence", \.sequence, in: 1...Int.max, help: "which sequence, from 1"),
        .integer("last", \.last, in: 1...100_000, help: "how many final steps to list"),
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
        CommandSpec("predict", group: .training, summary: "outputs against targets for one sequence, as a table or a plot",
                    usage: ["predict [sequence=1] [last=10]", "predict [sequence=1] plot [title=\"…\"] [to \"FILE.svg\" [force]]"],
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
            try a.finish()
            return .command(.training(.predict(options)))
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
