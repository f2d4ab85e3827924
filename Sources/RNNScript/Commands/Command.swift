import RNNData
import RNNEngine
import RNNTraining

/// A resolved command: typed, range-checked, ready to run. One case per command group, and
/// each group is run by exactly one executor (an exhaustive switch); no command name is
/// compared as a string after the table resolved it.
public enum Command: Sendable, Equatable {
    case session(SessionCommand)
    case data(DataCommand)
    case model(ModelCommand)
    case optimization(OptimizationCommand)
    case training(TrainingCommand)
    case report(ReportCommand)
    case store(StoreCommand)

    public var group: CommandGroup {
        switch self {
        case .session: .session
        case .data: .data
        case .model: .model
        case .optimization: .optimization
        case .training: .training
        case .report: .report
        case .store: .store
        }
    }
}

/// What a statement's command resolves to: a command the session executes, or control flow
/// the interpreter runs itself (statements from another script or a recorded session).
public enum Resolution: Sendable, Equatable {
    case command(Command)
    case flow(FlowCommand)
}

/// The command groups, in the order `help` lists them.
public enum CommandGroup: String, Sendable, CaseIterable {
    case session, data, model, optimization, training, report, store, flow
}

/// The session's own settings and talk: `help`, `seed`, `threads`, `show`, `print`, `quit`.
public enum SessionCommand: Sendable, Equatable {
    case help(topic: String?)
    case seed(UInt64)
    case threads(Int)
    /// `memory GIB`: the training memory budget; above it a chunk is recomputed in segments.
    case memory(gibibytes: Double)
    case show(ShowTopic?)
    /// `print VALUE…`: the values, separated by spaces.
    case print(String)
    case quit
}

/// The data, its features and targets, and the validation split.
public enum DataCommand: Sendable, Equatable {
    case sine(SineOptions)
    case csv(path: String, options: CSVOptions)
    case show
    case plot(sequence: Int, figure: FigureOptions)
    case features(FeatureSpec)
    case targets(TargetSpec)
    /// nil: `validate off`.
    case validate(ValidationSpec?)
}

/// The layer stack and its weights.
public enum ModelCommand: Sendable, Equatable {
    case layers(ModelSpec)
    /// `model seed`: the article's stack, its output width taken from the targets.
    case seed
    case summary
    case reset
    case weightsExport(path: String, force: Bool)
    case weightsImport(path: String)
}

/// How the weights are updated: optimizer, clipping, both schedules.
public enum OptimizationCommand: Sendable, Equatable {
    case optimizer(OptimizerConfig)
    case clip(ClipSetting)
    case splits(SplitRules)
    /// nil: `schedule lr off`.
    case learningRate(PlateauRules?)
}

/// Training and looking at what the model does.
public enum TrainingCommand: Sendable, Equatable {
    case train(TrainOptions)
    /// `loss mse|mae|huber`: applies from the next `train` (a run's change is recorded).
    case loss(LossKind)
    case evaluate
    case predict(PredictOptions)
    /// `predict … to "F.csv" [force]`: every step of every sequence (or of `sequence=`) in the data's units.
    case predictCSV(PredictOptions, path: String, force: Bool)
    case predictPlot(sequence: Int, figure: FigureOptions)
    /// `forecast steps=N [sequence=N] [to "F.csv" [force]]`.
    case forecast(ForecastOptions, path: String?, force: Bool)
    /// `forecast steps=N [sequence=N] plot [to "F.svg" [force]]`: the series and its forecast.
    case forecastPlot(ForecastOptions, figure: FigureOptions)
}

/// The record of runs: tables, curves and files.
public enum ReportCommand: Sendable, Equatable {
    case runs
    case compare([String], logY: Bool, figure: FigureOptions)
    case plot(PlottedMetric, runs: [String], logY: Bool, smoothing: Double, figure: FigureOptions)
    case exportRun(run: String, path: String, force: Bool)
    case exportNotebook(session: Int?, path: String, force: Bool)
}

/// The store's commands (SPEC §4): checkpoints, resume, and the record of past sessions.
public enum StoreCommand: Sendable, Equatable {
    /// `force` replaces a checkpoint of that name; without it an existing one is kept and the save refused.
    case checkpointSave(name: String, force: Bool)
    case checkpointList
    case checkpointLoad(name: String)
    case checkpointDelete(name: String)
    case resume(name: String)
    case sessions
    /// `history [session N] [last N]`: nil session means this one.
    case history(session: Int?, last: Int?)
    case cell(number: Int, session: Int?)
    case exportSession(session: Int, path: String, force: Bool)
}

/// Statements from elsewhere, run as part of this cell.
public enum FlowCommand: Sendable, Equatable {
    /// `run "file.rnn"`: the file's statements run here.
    case include(path: String)
    /// `replay session N`: that session's repeatable cells run here.
    case replay(session: Int)
}

// MARK: - The values command forms fill

/// `data csv "FILE" column=|columns= key= time= missing= delimiter=` as written; the data
/// layer's `CSVOptions.make` checks them together.
public struct CSVArguments: Sendable, Equatable {
    public var path: String
    public var column: CSVColumn?
    public var columns: [CSVColumn]?
    public var key: CSVColumn?
    public var time: CSVColumn?
    public var missing: MissingMode = .error
    public var delimiter = ","

    public init(path: String) {
        self.path = path
    }
}

/// `schedule splits K₁,K₂,… patience= min_delta=`: the rules; `SplitSchedule` adds its place in them.
public struct SplitRules: Sendable, Equatable, Codable {
    public var splits: [Int]
    public var patience: Int
    public var minDelta: Double

    public init(splits: [Int] = [1], patience: Int = 20, minDelta: Double = 0) {
        self.splits = splits
        self.patience = patience
        self.minDelta = minDelta
    }

    public init(_ schedule: SplitSchedule) {
        self.init(splits: schedule.splits, patience: schedule.patience, minDelta: schedule.minDelta)
    }

    /// A schedule at its start.
    public func schedule() throws -> SplitSchedule {
        try SplitSchedule(splits: splits, patience: patience, minDelta: minDelta)
    }
}

/// `schedule lr plateau factor= patience= min_delta= cooldown= min_lr=` (Keras `ReduceLROnPlateau`).
public struct PlateauRules: Sendable, Equatable, Codable {
    public var factor = 0.1
    public var patience = 10
    public var minDelta = 1e-4
    public var cooldown = 0
    public var minLR = 0.0

    public init() {}

    public init(_ plateau: LRPlateau) {
        factor = plateau.factor
        patience = plateau.patience
        minDelta = plateau.minDelta
        cooldown = plateau.cooldown
        minLR = plateau.minLR
    }

    /// A plateau schedule at its start.
    public func schedule() throws -> LRPlateau {
        try LRPlateau(factor: factor, patience: patience, minDelta: minDelta, cooldown: cooldown, minLR: minLR)
    }
}

/// `train epochs= name= until= early_stop=`.
public struct TrainOptions: Sendable, Equatable {
    /// Required: nil only while the options are read.
    public var epochs: Int?
    public var name: String?
    public var until: Double?
    public var earlyStop: Int?

    public init() {}
}

/// `predict sequence= start= end= last=` (steps from 1, `end` included).
public struct PredictOptions: Sendable, Equatable {
    /// nil: sequence 1 in a table, every sequence in a CSV.
    public var sequence: Int?
    public var start: Int?
    public var end: Int?
    public var last: Int?

    public init() {}
}

/// `forecast steps= sequence=`.
public struct ForecastOptions: Sendable, Equatable {
    public var steps: Int?
    public var sequence: Int?

    public init() {}
}

/// `targets q gamma= actions= column=`.
public struct QTargetOptions: Sendable, Equatable {
    public var gamma: Double
    public var actions: [TradeAction]
    public var column: String?
}

/// `targets next horizon= columns= as= scale=`.
public struct NextTargetOptions: Sendable, Equatable {
    public var horizon: Int
    public var columns: [String]?
    public var form: NextForm = .change
    public var scale: FeatureScale = .none
}

/// Where a figure goes — the terminal, or an SVG file (`to "FILE.svg"`, replaced only with
/// `force`) — and its title (`title="…"`, else one naming what is drawn).
public struct FigureOptions: Sendable, Equatable {
    public var path: String?
    public var force: Bool
    public var title: String?

    public static let terminal = FigureOptions(path: nil, force: false, title: nil)
}

public enum ShowTopic: String, Sendable, CaseIterable {
    case data, model, optimizer, schedule, run
}

/// The metrics `plot` can draw per epoch.
public enum PlottedMetric: String, Sendable, CaseIterable {
    case loss, valLoss = "val_loss", grad
}
