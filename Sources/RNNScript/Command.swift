import RNNData
import RNNEngine
import RNNTraining

/// A resolved command: typed, range-checked, ready to run. Everything after the resolver
/// switches over this; no command name is compared as a string outside `CommandTable`.
public enum Command: Sendable, Equatable {
    case help(topic: String?)
    case seed(UInt64)
    case threads(Int)
    case dataSine(SineOptions)
    case dataCSV(path: String, column: CSVColumn, key: CSVColumn?)
    case dataShow
    case features(FeatureSpec)
    case targets(TargetSpec)
    case validate(ValidationSpec?)
    /// `model seed` leaves the output width to the targets.
    case modelSeed
    case model(ModelSpec)
    case modelSummary
    case optimizer(OptimizerConfig)
    case clip(ClipSetting)
    case splitSchedule(splits: [Int], patience: Int, minDelta: Double)
    case lrSchedule(LRPlateau?)
    case train(epochs: Int, name: String?, until: Double?, earlyStop: Int?)
    case dataPlot(sequence: Int, output: FigureOptions)
    case evaluate
    case predict(sequence: Int, last: Int)
    case predictPlot(sequence: Int, output: FigureOptions)
    case reset
    case show(topic: ShowTopic?)
    case runs
    case compare([String], logY: Bool, output: FigureOptions)
    case plot(PlottedMetric, runs: [String], logY: Bool, smoothing: Double, output: FigureOptions)
    case exportNotebook(session: Int?, path: String, force: Bool)
    case exportRun(run: String, path: String, force: Bool)
    case weightsExport(path: String, force: Bool)
    case weightsImport(path: String)
    case checkpointSave(name: String)
    case checkpointList
    case checkpointLoad(name: String)
    case checkpointDelete(name: String)
    case resume(name: String)
    case sessions
    /// `history [session N] [last N]`: nil session means this one.
    case history(session: Int?, last: Int?)
    case cell(number: Int, session: Int?)
    case replay(session: Int)
    case exportSession(session: Int, path: String, force: Bool)
    /// `run "file.rnn"`: the file's statements run here.
    case include(path: String)
    /// `print VALUE…`: the values' text, separated by spaces.
    case print([String])
    case quit
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
