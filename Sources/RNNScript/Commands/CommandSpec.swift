/// One command of the language: what `help` shows, what completion offers, and how its
/// arguments resolve into a typed `Command`. Options come from the forms' declarations.
public struct CommandSpec: Sendable {
    public let name: String
    public let group: CommandGroup
    public let summary: String
    /// Usage lines, e.g. `optimizer NAME [lr= momentum= …]`.
    public let usage: [String]
    public let options: [OptionInfo]
    /// Positional words the command takes (sub-forms, flags, choices), for completion.
    public let words: [String]
    /// More help lines (the optimizers' update rules).
    public let notes: [String]
    /// A runnable example.
    public let example: String
    /// Whether a replay or an exported session repeats it.
    public let replay: ReplayRule
    let resolve: @Sendable (CommandCall, Environment) throws -> Resolution

    public init(_ name: String, group: CommandGroup, summary: String, usage: [String], options: [OptionInfo] = [],
                words: [String] = [], notes: [String] = [], example: String, replay: ReplayRule = .repeated,
                resolve: @escaping @Sendable (CommandCall, Environment) throws -> Resolution) {
        self.replay = replay
        self.name = name
        self.group = group
        self.summary = summary
        self.usage = usage
        self.options = options
        self.words = words
        self.notes = notes
        self.example = example
        self.resolve = resolve
    }

    /// The typed command a call means here, or a diagnostic at the place that is wrong.
    public func resolve(_ call: CommandCall, in environment: Environment) throws(ScriptError) -> Resolution {
        do {
            return try resolve(call, environment)
        } catch let error as ScriptError {
            throw error
        } catch {
            throw ScriptError(.error("\(error)", range: call.range))
        }
    }
}

/// Which recorded cells a replay or an exported script repeats: not those that only look at
/// the store or end the session.
public enum ReplayRule: Sendable {
    case repeated
    case skipped
    /// Skipped in these sub-forms (the first word after the command), repeated otherwise.
    case skippedForms(Set<String>)
}

/// The one table of commands, a file per group: it drives resolution, `help` and completion.
public enum CommandTable {
    public static let all: [CommandSpec] = SessionCommands.all + DataCommands.all + ModelCommands.all
        + OptimizationCommands.all + TrainingCommands.all + ReportCommands.all + StoreCommands.all + FlowCommands.all

    public static func spec(named name: String) -> CommandSpec? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map(\.name) }

    /// The spec a call names, or an error with a did-you-mean.
    public static func spec(for call: CommandCall) throws(ScriptError) -> CommandSpec {
        guard let spec = spec(named: call.head.name) else {
            let hint = Suggestion.closest(to: call.head.name, among: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw ScriptError(.error("unknown command '\(call.head.name)'\(hint); 'help' lists the commands",
                                     range: call.head.range))
        }
        return spec
    }

    /// Whether a replay repeats this call (an unknown command is repeated, and fails there).
    public static func isRepeated(_ call: CommandCall) -> Bool {
        switch spec(named: call.head.name)?.replay ?? .repeated {
        case .repeated: return true
        case .skipped: return false
        case let .skippedForms(forms):
            guard case let .positional(value)? = call.arguments.first?.kind, case let .word(word) = value.kind else { return true }
            return !forms.contains(word)
        }
    }

    /// Resolves a call: its spec, then its arguments.
    public static func resolve(_ call: CommandCall, in environment: Environment) throws(ScriptError) -> Resolution {
        try spec(for: call).resolve(call, in: environment)
    }
}
