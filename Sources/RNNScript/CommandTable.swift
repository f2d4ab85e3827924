import RNNData
import RNNEngine
import RNNTraining

/// One command of the language: what `help` shows, what completion offers, and how its
/// arguments resolve into a typed `Command`.
struct CommandSpec: Sendable {
    let name: String
    let summary: String
    /// Usage lines, e.g. `optimizer NAME [lr= momentum= …]`.
    let usage: [String]
    /// Options with their help (default in the text).
    let options: [(name: String, help: String)]
    /// A runnable example.
    let example: String
    let resolve: @Sendable (CommandCall, Environment) throws -> Command
}

/// The one table of commands: it drives resolution, `help` and completion.
enum CommandTable {
    static func spec(named name: String) -> CommandSpec? {
        all.first { $0.name == name }
    }

    static var names: [String] { all.map(\.name) }

    static let optimizerNames = OptimizerKind.allCases.map(\.rawValue)
    static let layerKinds = ["dense", "lstm", "noise", "dropout"]

    static let all: [CommandSpec] = [
        CommandSpec(name: "help", summary: "every command with its options, defaults and an example",
                    usage: ["help [COMMAND]"], options: [], example: "help optimizer") { call, env in
            var a = try Arguments(call, in: env)
            let topic = a.nextPositional()?.value.description
            try a.finish()
            return .help(topic: topic)
        },
        CommandSpec(name: "seed", summary: "the master seed; data, initial weights and noise derive from it",
                    usage: ["seed N"], options: [], example: "seed 7") { call, env in
            var a = try Arguments(call, in: env)
            guard let (value, range) = a.nextPositional() else {
                throw ScriptError(.error("seed needs a whole number ≥ 0, e.g. 'seed 7'", range: call.range))
            }
            let n = try Arguments.integer(value, name: "seed", in: 0...(1 << 53), at: range)
            try a.finish()
            return .seed(UInt64(n))
        },
        CommandSpec(name: "threads", summary: "worker threads (OpenBLAS too); same count, bit-identical results",
                    usage: ["threads N"], options: [], example: "threads 2") { call, env in
            var a = try Arguments(call, in: env)
            guard let (value, range) = a.nextPositional() else {
                throw ScriptError(.error("threads needs a count, e.g. 'threads 2'", range: call.range))
            }
            let n = try Arguments.integer(value, name: "threads", in: 1...256, at: range)
            try a.finish()
            return .threads(n)
        },
        CommandSpec(name: "data",
                    summary: "the article's generator, a CSV series, or a look at the data",
                    usage: ["data sine [sequences=15 length=20000 freq1=0.0002 freq2=0.0002 walk=0.01 noise=0.01 bias=100 decimals=2]",
                            "data csv \"FILE\" column=NAME|N [key=NAME|N]", "data show", "data plot [sequence=1] [title=\"…\"] [to \"FILE.svg\" [force]]"],
                    options: [("sequences", "number of sequences (15)"), ("length", "steps per sequence (20000)"),
                              ("freq1", "first wave's frequency (0.0002)"), ("freq2", "second wave's frequency (0.0002)"),
                              ("walk", "angle random-walk step (0.01)"), ("noise", "Gaussian noise std (0.01)"),
                              ("bias", "level of the series (100)"), ("decimals", "rounding (2)"),
                              ("column", "CSV column by header name or 1-based index"),
                              ("key", "CSV column splitting rows into sequences"),
                              ("sequence", "data plot: which sequence, from 1"), ("title", "data plot: the figure's title")],
                    example: "data sine sequences=15 length=2000") { call, env in
            var a = try Arguments(call, in: env)
            switch try a.choice("data source", ["sine", "csv", "show", "plot"]) {
            case "sine":
                var o = SineOptions()
                o.sequences = try a.integer("sequences", default: o.sequences, in: 1...1_000_000)
                o.length = try a.integer("length", default: o.length, in: 2...100_000_000)
                let finite: (Double) -> Bool = { $0.isFinite }
                o.freq1 = try a.number("freq1", default: o.freq1, where: finite, expected: "a finite number")
                o.freq2 = try a.number("freq2", default: o.freq2, where: finite, expected: "a finite number")
                o.walk = try a.number("walk", default: o.walk, where: { $0.isFinite && $0 >= 0 }, expected: "≥ 0")
                o.noise = try a.number("noise", default: o.noise, where: { $0.isFinite && $0 >= 0 }, expected: "≥ 0")
                o.bias = try a.number("bias", default: o.bias, where: finite, expected: "a finite number")
                o.decimals = try a.integer("decimals", default: o.decimals, in: 0...10)
                try a.finish()
                return .dataSine(o)
            case "csv":
                let path = try a.text("a file name, e.g. data csv \"prices.csv\" column=close")
                guard let (column, _) = a.option("column") else {
                    throw ScriptError(.error("data csv needs column=NAME or column=N (1-based)", range: call.range))
                }
                let key = a.option("key")?.value
                try a.finish()
                return .dataCSV(path: path, column: csvColumn(column), key: key.map(csvColumn))
            case "show":
                try a.finish()
                return .dataShow
            default:
                let sequence = try a.integer("sequence", default: 1, in: 1...Int.max)
                let output = try a.figureOptions()
                try a.finish()
                return .dataPlot(sequence: sequence, output: output)
            }
        },
        CommandSpec(name: "features", summary: "input features: the most recent one-step changes",
                    usage: ["features deltas window=128 [scale=none|zscore]"],
                    options: [("window", "changes per step (128)"), ("scale", "none or zscore (none)")],
                    example: "features deltas window=128 scale=zscore") { call, env in
            var a = try Arguments(call, in: env)
            _ = try a.choice("feature kind", ["deltas"])
            let window = try a.integer("window", default: 128, in: 1...4096)
            var scale = FeatureScale.none
            if let (value, range) = a.option("scale") {
                guard let s = FeatureScale(rawValue: value.description) else {
                    throw ScriptError(.error("scale must be none or zscore (found '\(value)')", range: range))
                }
                scale = s
            }
            try a.finish()
            return .features(FeatureSpec(window: window, scale: scale))
        },
        CommandSpec(name: "targets", summary: "training targets: Q-values of buy/sell(/hold), or the next change",
                    usage: ["targets q [gamma=0.9 actions=buy,sell]", "targets next [horizon=1]"],
                    options: [("gamma", "discount (0.9)"), ("actions", "buy,sell or buy,sell,hold"),
                              ("horizon", "steps ahead (1)")],
                    example: "targets q gamma=0.9") { call, env in
            var a = try Arguments(call, in: env)
            switch try a.choice("target kind", ["q", "next"]) {
            case "q":
                let gamma = try a.number("gamma", default: 0.9, where: { (0...1).contains($0) }, expected: "0…1")
                var actions: [TradeAction] = [.buy, .sell]
                if let (value, range) = a.option("actions") {
                    actions = []
                    for element in value.elements {
                        guard let action = TradeAction(rawValue: element.description), !actions.contains(action) else {
                            throw ScriptError(.error("actions must list buy, sell and hold at most once each (found '\(value)')",
                                                     range: range))
                        }
                        actions.append(action)
                    }
                }
                try a.finish()
                return .targets(.q(gamma: gamma, actions: actions))
            default:
                let horizon = try a.integer("horizon", default: 1, in: 1...1_000_000)
                try a.finish()
                return .targets(.next(horizon: horizon))
            }
        },
        CommandSpec(name: "validate", summary: "hold out the last fraction of every sequence, or stop validating",
                    usage: ["validate tail=F", "validate off"], options: [("tail", "fraction held out, 0 < F < 1")],
                    example: "validate tail=0.2") { call, env in
            var a = try Arguments(call, in: env)
            if a.flag("off") {
                try a.finish()
                return .validate(nil)
            }
            guard let tail = try a.number("tail", where: { $0 > 0 && $0 < 1 }, expected: "0 < tail < 1") else {
                throw ScriptError(.error("validate needs tail=F (0 < F < 1) or off", range: call.range))
            }
            try a.finish()
            return .validate(ValidationSpec(tail: tail))
        },
        CommandSpec(name: "model", summary: "the layer stack (initialises the weights), the seed model, or its summary",
                    usage: ["model LAYER -> LAYER …   (dense N [relu|tanh|sigmoid|linear], lstm N, noise STD, dropout P)",
                            "model seed", "model summary"],
                    options: [], example: "model dense 64 relu -> lstm 64 -> dense 2",
                    resolve: resolveModel),
        CommandSpec(name: "optimizer", summary: "sgd, rmsprop, adam, adagrad or adadelta, with Keras 3 defaults",
                    usage: ["optimizer NAME [lr= momentum= nesterov= rho= beta1= beta2= eps= initial_accumulator=]"],
                    options: [("lr", "learning rate (sgd 0.01, others 0.001)"), ("momentum", "sgd (0)"),
                              ("nesterov", "sgd (false)"), ("rho", "rmsprop 0.9, adadelta 0.95"),
                              ("beta1", "adam (0.9)"), ("beta2", "adam (0.999)"), ("eps", "1e-7"),
                              ("initial_accumulator", "adagrad (0.1)")],
                    example: "optimizer adam lr=0.001") { call, env in
            var a = try Arguments(call, in: env)
            let name = try a.choice("optimizer", optimizerNames)
            var c = OptimizerConfig(kind: OptimizerKind(rawValue: name)!)
            let positive: (Double) -> Bool = { $0.isFinite && $0 > 0 }
            let unit: (Double) -> Bool = { $0 >= 0 && $0 < 1 }
            c.learningRate = try a.number("lr", default: c.learningRate, where: positive, expected: "lr > 0")
            c.epsilon = try a.number("eps", default: c.epsilon, where: positive, expected: "eps > 0")
            switch c.kind {
            case .sgd:
                c.momentum = try a.number("momentum", default: 0, where: unit, expected: "0 ≤ momentum < 1")
                c.nesterov = try a.bool("nesterov", default: false)
            case .rmsprop, .adadelta:
                c.rho = try a.number("rho", default: c.rho, where: unit, expected: "0 ≤ rho < 1")
            case .adam:
                c.beta1 = try a.number("beta1", default: c.beta1, where: unit, expected: "0 ≤ beta1 < 1")
                c.beta2 = try a.number("beta2", default: c.beta2, where: unit, expected: "0 ≤ beta2 < 1")
            case .adagrad:
                c.initialAccumulator = try a.number("initial_accumulator", default: c.initialAccumulator,
                                                    where: { $0.isFinite && $0 >= 0 }, expected: "≥ 0")
            }
            try a.finish()
            return .optimizer(c)
        },
        CommandSpec(name: "clip", summary: "gradient clipping: per-tensor norm, global norm, element value, or off",
                    usage: ["clip norm X", "clip global X", "clip value X", "clip off"], options: [],
                    example: "clip norm 1.0") { call, env in
            var a = try Arguments(call, in: env)
            let kind = try a.choice("clip kind", ["norm", "global", "value", "off"])
            guard kind != "off" else {
                try a.finish()
                return .clip(.off)
            }
            guard let (value, range) = a.nextPositional(), case let .number(x, _) = value, x.isFinite, x > 0 else {
                throw ScriptError(.error("clip \(kind) needs a threshold > 0, e.g. 'clip \(kind) 1.0'", range: call.range))
            }
            _ = range
            try a.finish()
            switch kind {
            case "norm": return .clip(.norm(x))
            case "global": return .clip(.global(x))
            default: return .clip(.value(x))
            }
        },
        CommandSpec(name: "schedule", summary: "the batch sequence length schedule, or learning-rate reduction on plateau",
                    usage: ["schedule splits K1,K2,… [patience=20 min_delta=0]",
                            "schedule lr plateau [factor=0.1 patience=10 min_delta=1e-4 cooldown=0 min_lr=0]",
                            "schedule lr off"],
                    options: [("patience", "epochs without improvement before moving on"),
                              ("min_delta", "absolute improvement that counts"), ("factor", "lr multiplier (0.1)"),
                              ("cooldown", "epochs to wait after a reduction (0)"), ("min_lr", "lower bound (0)")],
                    example: "schedule splits 100,50,10,2,1 patience=20") { call, env in
            var a = try Arguments(call, in: env)
            switch try a.choice("schedule kind", ["splits", "lr"]) {
            case "splits":
                guard let (value, range) = a.nextPositional() else {
                    throw ScriptError(.error("schedule splits needs a list of chunk counts, e.g. 100,50,10,2,1", range: call.range))
                }
                var splits: [Int] = []
                for element in value.elements {
                    splits.append(try Arguments.integer(element, name: "splits", in: 1...10_000_000, at: range))
                }
                let patience = try a.integer("patience", default: 20, in: 1...Int.max)
                let minDelta = try a.number("min_delta", default: 0, where: { $0.isFinite && $0 >= 0 }, expected: "≥ 0")
                try a.finish()
                return .splitSchedule(splits: splits, patience: patience, minDelta: minDelta)
            default:
                if a.flag("off") {
                    try a.finish()
                    return .lrSchedule(nil)
                }
                _ = try a.choice("lr schedule", ["plateau", "off"])
                let factor = try a.number("factor", default: 0.1, where: { $0 > 0 && $0 < 1 }, expected: "0 < factor < 1")
                let patience = try a.integer("patience", default: 10, in: 0...Int.max)
                let minDelta = try a.number("min_delta", default: 1e-4, where: { $0.isFinite && $0 >= 0 }, expected: "≥ 0")
                let cooldown = try a.integer("cooldown", default: 0, in: 0...Int.max)
                let minLR = try a.number("min_lr", default: 0, where: { $0.isFinite && $0 >= 0 }, expected: "≥ 0")
                try a.finish()
                return .lrSchedule(try LRPlateau(factor: factor, patience: patience, minDelta: minDelta,
                                                 cooldown: cooldown, minLR: minLR))
            }
        },
        CommandSpec(name: "train", summary: "trains N more epochs: continues the current run, or starts one",
                    usage: ["train epochs=N [name=NAME] [until=LOSS] [early_stop=P]"],
                    options: [("epochs", "epochs to train"), ("name", "names the run being started (run-N)"),
                              ("until", "stop once the monitored loss is at or below this"),
                              ("early_stop", "stop after P epochs without improvement on the last K")],
                    example: "train epochs=10 name=\"first\"") { call, env in
            var a = try Arguments(call, in: env)
            guard let epochs = try a.integer("epochs", in: 1...1_000_000) else {
                throw ScriptError(.error("train needs epochs=N, e.g. 'train epochs=10'", range: call.range))
            }
            let name = a.option("name")?.value.description
            if let name, name.isEmpty || name.contains("@") {
                throw ScriptError(.error("a run name must be non-empty and without '@' (found '\(name)')", range: call.range))
            }
            let until = try a.number("until", where: { $0.isFinite && $0 >= 0 }, expected: "a loss ≥ 0")
            let earlyStop = try a.integer("early_stop", in: 1...Int.max)
            try a.finish()
            return .train(epochs: epochs, name: name, until: until, earlyStop: earlyStop)
        },
        CommandSpec(name: "evaluate", summary: "the loss (and validation loss) without training",
                    usage: ["evaluate"], options: [], example: "evaluate") { call, env in
            let a = try Arguments(call, in: env)
            try a.finish()
            return .evaluate
        },
        CommandSpec(name: "predict", summary: "outputs against targets for one sequence, as a table or a plot",
                    usage: ["predict [sequence=1] [last=10]", "predict [sequence=1] plot [title=\"…\"] [to \"FILE.svg\" [force]]"],
                    options: [("sequence", "which sequence, from 1"), ("last", "how many final steps to list (10)"),
                              ("title", "with plot: the figure's title")],
                    example: "predict sequence=1 last=5") { call, env in
            var a = try Arguments(call, in: env)
            let sequence = try a.integer("sequence", default: 1, in: 1...Int.max)
            if a.flag("plot") {
                let output = try a.figureOptions()
                try a.finish()
                return .predictPlot(sequence: sequence, output: output)
            }
            let last = try a.integer("last", default: 10, in: 1...100_000)
            try a.finish()
            return .predict(sequence: sequence, last: last)
        },
        CommandSpec(name: "reset", summary: "fresh initial weights from the seed, fresh optimizer and schedule; ends the run",
                    usage: ["reset"], options: [], example: "reset") { call, env in
            let a = try Arguments(call, in: env)
            try a.finish()
            return .reset
        },
        CommandSpec(name: "show", summary: "the current state, every hyperparameter visible",
                    usage: ["show [data|model|optimizer|schedule|run]"], options: [], example: "show optimizer") { call, env in
            var a = try Arguments(call, in: env)
            var topic: ShowTopic?
            if a.remainingPositionals > 0 {
                topic = ShowTopic(rawValue: try a.choice("topic", ShowTopic.allCases.map(\.rawValue)))
            }
            try a.finish()
            return .show(topic: topic)
        },
        CommandSpec(name: "runs", summary: "the runs of every session in the store", usage: ["runs"], options: [],
                    example: "runs") { call, env in
            let a = try Arguments(call, in: env)
            try a.finish()
            return .runs
        },
        CommandSpec(name: "compare", summary: "runs side by side: a table and their loss curves overlaid",
                    usage: ["compare RUN… [log] [title=\"…\"] [to \"FILE.svg\" [force]]"],
                    options: [("title", "the figure's title (names the runs by default)")],
                    example: "compare opt-sgd opt-adam log") { call, env in
            var a = try Arguments(call, in: env)
            let (names, flags, output) = try a.namesAndFigureOptions(flags: ["log"])
            guard !names.isEmpty else { throw ScriptError(.error("compare needs one or more run names", range: call.range)) }
            try a.finish()
            return .compare(names, logY: flags.contains("log"), output: output)
        },
        CommandSpec(name: "plot", summary: "per-epoch curves of runs, in the terminal or as an SVG file",
                    usage: ["plot loss|val_loss|grad RUN… [log] [smooth=0.6] [title=\"…\"] [to \"FILE.svg\" [force]]"],
                    options: [("smooth", "TensorBoard's debiased EMA weight, 0 ≤ w < 1 (0: none)"),
                              ("title", "the figure's title (names the runs by default)")],
                    example: "plot loss opt-sgd opt-adam log smooth=0.6") { call, env in
            var a = try Arguments(call, in: env)
            let metric = PlottedMetric(rawValue: try a.choice("what to plot", PlottedMetric.allCases.map(\.rawValue)))!
            let smoothing = try a.number("smooth", default: 0, where: { $0 >= 0 && $0 < 1 }, expected: "0 ≤ smooth < 1")
            let (names, flags, output) = try a.namesAndFigureOptions(flags: ["log"])
            guard !names.isEmpty else {
                throw ScriptError(.error("plot \(metric.rawValue) needs one or more run names ('runs' lists them)", range: call.range))
            }
            try a.finish()
            return .plot(metric, runs: names, logY: flags.contains("log"), smoothing: smoothing, output: output)
        },
        CommandSpec(name: "export", summary: "a run's metrics as CSV, a session as a runnable script or a notebook",
                    usage: ["export run RUN to \"FILE.csv\" [force]", "export session N to \"FILE.rnn\" [force]",
                            "export notebook [session N] to \"FILE.md|.html\" [force]"], options: [],
                    example: "export run opt-adam to \"adam.csv\"") { call, env in
            var a = try Arguments(call, in: env)
            switch try a.choice("what to export", ["run", "session", "notebook"]) {
            case "run":
                let run = try a.text("a run name")
                guard a.flag("to") else {
                    throw ScriptError(.error("export run needs 'to \"FILE.csv\"'", range: call.range))
                }
                let path = try a.text("a file name after 'to'")
                let force = a.flag("force")
                try a.finish()
                return .exportRun(run: run, path: path, force: force)
            case "session":
                guard let (value, range) = a.nextPositional() else {
                    throw ScriptError(.error("export session needs a session number, e.g. 'export session 1 to \"s1.rnn\"'",
                                             range: call.range))
                }
                let session = try Arguments.integer(value, name: "session", in: 1...Int.max, at: range)
                guard a.flag("to") else {
                    throw ScriptError(.error("export session needs 'to \"FILE.rnn\"'", range: call.range))
                }
                let path = try a.text("a file name after 'to'")
                let force = a.flag("force")
                try a.finish()
                return .exportSession(session: session, path: path, force: force)
            default:
                let session = try a.keyword("session", in: 1...Int.max)
                guard a.flag("to") else {
                    throw ScriptError(.error("export notebook needs 'to \"FILE.md\"' or 'to \"FILE.html\"'", range: call.range))
                }
                let path = try a.text("a file name after 'to'")
                guard path.hasSuffix(".md") || path.hasSuffix(".html") else {
                    throw ScriptError(.error("a notebook is written as Markdown (.md) or HTML (.html), not '\(path)'",
                                             range: call.range))
                }
                let force = a.flag("force")
                try a.finish()
                return .exportNotebook(session: session, path: path, force: force)
            }
        },
        CommandSpec(name: "weights", summary: "the model's weights to or from safetensors (PyTorch's names)",
                    usage: ["weights export \"FILE.safetensors\" [force]", "weights import \"FILE.safetensors\""],
                    options: [], example: "weights export \"model.safetensors\"") { call, env in
            var a = try Arguments(call, in: env)
            let direction = try a.choice("direction", ["export", "import"])
            let path = try a.text("a file name")
            if direction == "export" {
                let force = a.flag("force")
                try a.finish()
                return .weightsExport(path: path, force: force)
            }
            try a.finish()
            return .weightsImport(path: path)
        },
        CommandSpec(name: "run", summary: "runs another script here (relative to this file)",
                    usage: ["run \"FILE.rnn\""], options: [], example: "run \"setup.rnn\"") { call, env in
            var a = try Arguments(call, in: env)
            let path = try a.text("a script file, e.g. run \"setup.rnn\"")
            try a.finish()
            return .include(path: path)
        },
        CommandSpec(name: "print", summary: "prints its values separated by spaces (strings interpolated)",
                    usage: ["print VALUE…"], options: [], example: "print \"lr is $lr\"") { call, env in
            var a = try Arguments(call, in: env)
            var values: [String] = []
            while let (value, _) = a.nextPositional() { values.append(value.description) }
            try a.finish()
            return .print(values)
        },
        CommandSpec(name: "quit", summary: "ends the session (Ctrl-D too)", usage: ["quit"], options: [],
                    example: "quit") { call, env in
            let a = try Arguments(call, in: env)
            try a.finish()
            return .quit
        },
    ] + storeCommands

    /// The store's commands (SPEC §4): checkpoints, resume, and the record of past sessions.
    static let storeCommands: [CommandSpec] = [
        CommandSpec(name: "checkpoint", summary: "save, list, load (weights into the same model) or delete a training state",
                    usage: ["checkpoint save NAME", "checkpoint list", "checkpoint load NAME", "checkpoint delete NAME"],
                    options: [], example: "checkpoint save before-lr-drop") { call, env in
            var a = try Arguments(call, in: env)
            let action = try a.choice("an action", ["save", "list", "load", "delete"])
            guard action != "list" else {
                try a.finish()
                return .checkpointList
            }
            let name = try a.text("a checkpoint name, e.g. 'checkpoint \(action) first'")
            try a.finish()
            switch action {
            case "save":
                if name.isEmpty || name.contains("@") {
                    throw ScriptError(.error("a checkpoint name must be non-empty and without '@' (RUN@EPOCH and RUN@best "
                                             + "are the automatic ones); found '\(name)'", range: call.range))
                }
                return .checkpointSave(name: name)
            case "load": return .checkpointLoad(name: name)
            default: return .checkpointDelete(name: name)
            }
        },
        CommandSpec(name: "resume", summary: "restores a checkpoint's whole state; 'train' then continues its run exactly",
                    usage: ["resume NAME"], options: [], example: "resume opt-adam@best") { call, env in
            var a = try Arguments(call, in: env)
            let name = try a.text("a checkpoint name, e.g. 'resume run-1@10' ('checkpoint list' shows them)")
            try a.finish()
            return .resume(name: name)
        },
        CommandSpec(name: "sessions", summary: "the store's sessions: when, how many cells and runs, which still run",
                    usage: ["sessions"], options: [], example: "sessions") { call, env in
            let a = try Arguments(call, in: env)
            try a.finish()
            return .sessions
        },
        CommandSpec(name: "history", summary: "the cells of a session (this one unless told)",
                    usage: ["history [session N] [last N]"], options: [], example: "history session 1 last 5") { call, env in
            var a = try Arguments(call, in: env)
            var session: Int?, last: Int?
            while a.remainingPositionals > 0 {
                if let n = try a.keyword("session", in: 1...Int.max) { session = n; continue }
                if let n = try a.keyword("last", in: 1...Int.max) { last = n; continue }
                _ = try a.choice("what to show", ["session", "last"])
            }
            try a.finish()
            return .history(session: session, last: last)
        },
        CommandSpec(name: "cell", summary: "a cell's input and output (of this session unless told)",
                    usage: ["cell N [session N]"], options: [], example: "cell 3") { call, env in
            var a = try Arguments(call, in: env)
            guard let (value, range) = a.nextPositional() else {
                throw ScriptError(.error("cell needs a cell number, e.g. 'cell 3' ('history' lists them)", range: call.range))
            }
            let number = try Arguments.integer(value, name: "cell", in: 1...Int.max, at: range)
            let session = try a.keyword("session", in: 1...Int.max)
            try a.finish()
            return .cell(number: number, session: session)
        },
        CommandSpec(name: "replay", summary: "runs a session's successful cells again, here; stops at the first error",
                    usage: ["replay session N"], options: [], example: "replay session 1") { call, env in
            var a = try Arguments(call, in: env)
            guard let session = try a.keyword("session", in: 1...Int.max) else {
                throw ScriptError(.error("replay needs 'session N', e.g. 'replay session 1' ('sessions' lists them)",
                                         range: call.range))
            }
            try a.finish()
            return .replay(session: session)
        },
    ]

    private static func csvColumn(_ value: ScriptValue) -> CSVColumn {
        if case let .number(v, _) = value, let n = Int(exactly: v) { return .index(n) }
        return .name(value.description)
    }

    /// `model seed`, `model summary`, or layers separated by `->`.
    private static func resolveModel(_ call: CommandCall, _ env: Environment) throws -> Command {
        let segments = call.segments
        if segments.count == 1, segments[0].count == 1, case let .positional(v) = segments[0][0].kind {
            switch try env.evaluate(v).description {
            case "seed": return .modelSeed
            case "summary": return .modelSummary
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
        return .model(ModelSpec(layers: layers))
    }

    private static func layer(_ words: [(ScriptValue, SourceRange)], range: SourceRange) throws -> LayerSpec {
        let kind = words[0].0.description
        guard layerKinds.contains(kind) else {
            let hint = Suggestion.closest(to: kind, among: layerKinds).map { "did you mean '\($0)'? " } ?? ""
            throw ScriptError(.error("unknown layer '\(kind)' (\(hint)expected \(Suggestion.list(layerKinds)))", range: words[0].1))
        }
        func number(_ i: Int, _ what: String) throws -> (Double, SourceRange) {
            guard i < words.count, case let .number(v, _) = words[i].0 else {
                throw ScriptError(.error("\(kind) needs \(what), e.g. '\(kind == "dense" ? "dense 64 relu" : kind == "lstm" ? "lstm 64" : kind == "noise" ? "noise 0.1" : "dropout 0.2")'",
                                         range: i < words.count ? words[i].1 : range))
            }
            return (v, words[i].1)
        }
        let maxWords = kind == "dense" ? 3 : 2
        if words.count > maxWords {
            throw ScriptError(.error("unexpected '\(words[maxWords].0)' in the \(kind) layer", range: words[maxWords].1))
        }
        switch kind {
        case "dense", "lstm":
            let (v, r) = try number(1, "a width")
            let units = try Arguments.integer(.number(v, text: "\(v)"), name: "\(kind) width", in: 1...ModelSpec.maxUnits, at: r)
            guard kind == "dense" else { return .lstm(units: units) }
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
        case "noise":
            let (v, r) = try number(1, "a standard deviation")
            guard v >= 0 else { throw ScriptError(.error("noise needs a standard deviation ≥ 0 (found \(v))", range: r)) }
            return .noise(std: v)
        default:
            let (v, r) = try number(1, "a rate")
            guard v >= 0, v < 1 else { throw ScriptError(.error("dropout needs a rate in [0, 1) (found \(v))", range: r)) }
            return .dropout(rate: v)
        }
    }
}
