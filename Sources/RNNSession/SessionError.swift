import RNNScript

/// A command that cannot run in the current state: what is wrong, with the data the message
/// needs. The wording is in `description`, here and nowhere else; every message says what
/// would be right.
public enum SessionError: Error, Sendable, Equatable, CustomStringConvertible {
    case noData
    case noSweepRuns(String, stores: Int)
    case noModel
    /// `weights import` fills the weights of a model that must exist first.
    case importNeedsModel
    /// A command that needs the store in a session without one.
    case noStore(command: String)
    case inputWidthMismatch(model: Int, features: Int)
    case outputWidthMismatch(model: Int, targets: Int, names: [String])
    case sequenceOutOfRange(Int, count: Int)
    case unknownRun(String, known: [String])
    case unknownHelpTopic(String, suggestion: String?)
    case fileExists(String)
    case notARegularFile(String, what: String)
    case wouldOverwriteStore(String)
    case cannotWrite(String, reason: String)
    case cannotRead(String, reason: String)
    case figureNotSVG(String)
    case noValidationLoss(runs: [String])
    case otherRunActive(active: String, requested: String)
    case runNameTaken(String)
    case noActiveRun
    case checkpointNeedsModel(name: String, model: String)
    case checkpointModelMismatch(name: String, model: String, inputs: Int, current: String, currentInputs: Int)
    case noCheckpoint(String, suggestion: String?)
    case unreadableCheckpoint(String, reason: String)
    case checkpointWithoutData(String)
    case runBusyElsewhere(String)
    /// `forecast` on a setup it cannot serve, with the reason.
    case cannotForecast(String)
    case noSession(Int64)
    case noCell(Int, session: Int64, named: Bool)
    /// The store could not do what was asked; its own message.
    case store(String)

    public var description: String {
        switch self {
        case let .noSweepRuns(sweep, stores):
            "no run of sweep '\(sweep)' in \(Plural.count(stores, "finished trial store")) (see 'rnnlab sweep status')"
        case .noData:
            "no data yet: generate it with 'data sine' or load it with 'data csv \"FILE\" column=NAME'"
        case .noModel:
            "no model yet: set one with e.g. 'model seed' or 'model dense 64 relu -> lstm 64 -> dense 2'"
        case .importNeedsModel:
            "set the model first (e.g. 'model seed'); import then overwrites its weights"
        case let .noStore(command):
            "this session has no store, which '\(command)' needs (rnnlab opens one with --store PATH)"
        case let .inputWidthMismatch(model, features):
            "the model takes \(model) inputs but the features give \(features) (window × columns); "
                + "run 'model' again to rebuild it"
        case let .outputWidthMismatch(model, targets, names):
            "the model's last layer has width \(model) but the targets have \(targets) "
                + "(\(names.joined(separator: ", "))); end the model with 'dense \(targets)'"
        case let .sequenceOutOfRange(n, count):
            "sequence=\(n) is out of range (the data has \(Plural.count(count, "sequence")))"
        case let .unknownRun(name, known):
            "no run named '\(name)'" + Suggestion.hint(name, among: known) + "; "
                + (known.isEmpty ? "there are no runs yet" : "runs: \(known.joined(separator: ", "))")
        case let .unknownHelpTopic(topic, suggestion):
            "no command '\(topic)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "") + "; 'help' lists them all"
        case let .fileExists(name):
            "'\(name)' exists; add 'force' to replace it"
        case let .notARegularFile(name, what):
            "'\(name)' is \(what), not a regular file; write to a file name instead"
        case let .wouldOverwriteStore(name):
            "'\(name)' is this session's store (or one of its files); export to another name"
        case let .cannotWrite(name, reason):
            "cannot write '\(name)': \(reason)"
        case let .cannotRead(name, reason):
            "cannot read '\(name)': \(reason)"
        case let .figureNotSVG(path):
            "figures are written as SVG: give a file name ending in .svg (found '\(path)')"
        case let .noValidationLoss(runs):
            runs.map { "'\($0)'" }.joined(separator: ", ") + " recorded no validation loss "
                + "('validate tail=0.2' before training records one)"
        case let .otherRunActive(active, requested):
            "run '\(active)' is active; 'reset' first to start a new run named '\(requested)'"
        case let .runNameTaken(name):
            "a run named '\(name)' exists already; choose another name"
        case .noActiveRun:
            "no run to checkpoint: 'train' starts one (or 'resume' a stored one)"
        case let .checkpointNeedsModel(name, model):
            "set the model first (checkpoint '\(name)' is for '\(model)'), or 'resume \(name)' to restore everything"
        case let .checkpointModelMismatch(name, model, inputs, current, currentInputs):
            "checkpoint '\(name)' is for the model '\(model)' with \(inputs) inputs, not the current '\(current)' "
                + "with \(currentInputs); 'resume \(name)' restores its model and settings too"
        case let .noCheckpoint(name, suggestion):
            "no checkpoint named '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                + "; 'checkpoint list' shows them"
        case let .unreadableCheckpoint(name, reason):
            "checkpoint '\(name)' cannot be read: \(reason)"
        case let .checkpointWithoutData(name):
            "checkpoint '\(name)' records no data settings, so its run cannot go on"
        case let .runBusyElsewhere(run):
            "run '\(run)' is training in another rnnlab process right now; resume it when that ends"
        case let .cannotForecast(reason):
            "cannot forecast: \(reason)"
        case let .noSession(id):
            "the store has no session \(id); 'sessions' lists them"
        case let .noCell(number, session, named):
            "session \(session) has no cell \(number); 'history\(named ? " session \(session)" : "")' lists them"
        case let .store(message):
            message
        }
    }
}

/// "1 epoch", "2 epochs".
public enum Plural {
    public static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
    }
}

extension Suggestion {
    /// ` (did you mean 'x'?)`, or nothing when no candidate is close.
    static func hint(_ word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
