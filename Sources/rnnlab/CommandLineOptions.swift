import ArgumentParser
import Foundation
import RNNScript
import RNNSession

/// `--set NAME=VALUE` and `--keep-going`.
struct ScriptOptions: ParsableArguments {
    @Option(name: .customLong("set"), parsing: .singleValue, help: ArgumentHelp(
        "Replace the script's 'let NAME = …' with VALUE (repeatable; a later one wins).",
        valueName: "name=value"), transform: Override.init(parsing:))
    var overrides: [Override] = []

    @Flag(help: "Go on after a failing cell (the exit status is still 1).")
    var keepGoing = false

    /// These options given before a subcommand, then those given after it.
    func merged(with later: ScriptOptions) -> ScriptOptions {
        var merged = self
        merged.overrides += later.overrides
        merged.keepGoing = keepGoing || later.keepGoing
        return merged
    }

    /// Refuses (status 2, before anything runs or is recorded) a `--set` of a name the script
    /// never binds with `let`.
    func checkOverrides(in source: String, file: String, baseDirectory: URL) throws(ExitCode) {
        let unbound = Interpreter.unboundOverrides(overrides.map(\.name), in: source, file: file, baseDirectory: baseDirectory)
        guard !unbound.isEmpty else { return }
        for (name, suggestion) in unbound {
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            Console.write("rnnlab: --set \(name): \(file) has no 'let \(name) = …'\(hint); --set replaces a script's let\n",
                          to: .error)
        }
        throw ExitCode(BatchRunner.ExitStatus.usage)
    }

    /// The overrides by name, a later `--set` of a name replacing an earlier one.
    var values: [String: Value] {
        Dictionary(overrides.map { ($0.name, $0.value) }, uniquingKeysWith: { _, later in later })
    }
}

/// `--store PATH`, else `$RNNLAB_STORE`, else `./rnnlab.sqlite` (SPEC §4).
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The SQLite store (default: $RNNLAB_STORE, else ./rnnlab.sqlite).", valueName: "path"))
    var store: String?

    /// `--store` given after a subcommand wins over one given before it.
    func merged(with later: StoreOptions) -> StoreOptions {
        var merged = self
        merged.store = later.store ?? store
        return merged
    }

    func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        Self.defaultPath(store, environment: environment)
    }

    /// `given`, else `$RNNLAB_STORE`, else `./rnnlab.sqlite`.
    static func defaultPath(_ store: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let store { return store }
        if let path = environment["RNNLAB_STORE"], !path.isEmpty { return path }
        return "rnnlab.sqlite"
    }
}

/// One `--set NAME=VALUE`, its value parsed as the language parses a value.
struct Override: Sendable {
    var name: String
    var value: Value

    init(parsing argument: String) throws {
        guard let equals = argument.firstIndex(of: "=") else {
            throw ValidationError("expected NAME=VALUE, such as epochs=2")
        }
        let name = String(argument[..<equals])
        guard Self.isName(name) else {
            throw ValidationError("'\(name)' is not a name (letters, digits and '_', not starting with a digit)")
        }
        let text = String(argument[argument.index(after: equals)...])
        let (value, diagnostics) = Parser.parseValue(text, file: "--set \(name)")
        guard let value else {
            let why = diagnostics.first { $0.severity == .error }?.message ?? "not a value"
            throw ValidationError(why)
        }
        self.name = name
        self.value = value
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

/// `rnnlab run`'s options for a sweep trial (SPEC §10): a thread count that wins over the
/// script's `threads`, labels recorded in every run's configuration, a suffix for run names.
struct TrialOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Worker threads; wins over the script's 'threads' (a sweep trial's count).",
                               valueName: "n"))
    var threads: Int?

    @Option(name: .customLong("tag"), parsing: .singleValue, help: ArgumentHelp(
        "Record KEY=VALUE in every run's configuration (a sweep records its name and trial values so).",
        valueName: "key=value"))
    var tags: [String] = []

    @Option(help: ArgumentHelp(
        "Append this to every run name the script starts, and find the script's names with it (a sweep's -tN).",
        valueName: "suffix"))
    var nameSuffix: String = ""

    @Flag(help: "A train that starts a run the store holds interrupted resumes it from its latest checkpoint instead.")
    var resumeInterrupted = false

    func validate() throws {
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be 1…256, not \(threads)") }
        for tag in tags where !tag.contains("=") { throw ValidationError("--tag expects KEY=VALUE, not '\(tag)'") }
        if !nameSuffix.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }) {
            throw ValidationError("--name-suffix takes letters, digits and '-_.' only, not '\(nameSuffix)'")
        }
    }

    var labels: TrialLabels {
        TrialLabels(threads: threads, tags: tags.map { tag in
            let equals = tag.firstIndex(of: "=")!
            return (String(tag[..<equals]), String(tag[tag.index(after: equals)...]))
        }, nameSuffix: nameSuffix, resumeInterrupted: resumeInterrupted)
    }
}
