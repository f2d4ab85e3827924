import ArgumentParser
import Foundation
import RNNSession

/// What `run` and `check` share: a script file, and options given before the subcommand or
/// after it.
protocol ScriptFileCommand: ParsableCommand {
    var file: String { get }
    var script: ScriptOptions { get }
    var store: StoreOptions { get }
    var root: RNNLab { get }
}

extension ScriptFileCommand {
    func validate() throws {
        if root.commands != nil { throw ValidationError("-c cannot be combined with a script file") }
    }

    /// Options given before the subcommand and after it, together.
    var options: (script: ScriptOptions, store: StoreOptions) {
        (root.script.merged(with: script), root.store.merged(with: store))
    }

    /// The script's text, and a session whose relative paths resolve from the script's folder
    /// (recorded in the store unless `recording` is false).
    func sessionAndSource(recording: Bool = true, trial: TrialLabels = TrialLabels()) throws -> (Session, String) {
        let source = try ScriptFile.read(file)
        try options.script.checkOverrides(in: source, file: file, baseDirectory: ScriptFile.folder(of: file))
        return (try Session(baseDirectory: ScriptFile.folder(of: file), script: options.script,
                            store: recording ? options.store : nil, trial: trial), source)
    }
}

/// `rnnlab run FILE.rnn`.
struct Run: ScriptFileCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a script and exit.",
        discussion: """
            Files the script reads (data csv, run, weights import) resolve from its folder; files it \
            writes (figures, exports) from the working directory. FILE '-' reads standard input.
            """
    )

    @ArgumentParser.Argument(help: ArgumentHelp("The script to run.", valueName: "file.rnn"))
    var file: String

    @OptionGroup var script: ScriptOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var trial: TrialOptions
    @ParentCommand var root: RNNLab

    func run() throws {
        let (session, source) = try sessionAndSource(trial: trial.labels)
        throw ExitCode(session.runBatch(.init(source: source, file: file)))
    }
}

/// `rnnlab check FILE.rnn`: every diagnostic, nothing run.
struct Check: ScriptFileCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a script without running it.",
        discussion: "Prints every diagnostic; exit status 1 when any is an error."
    )

    @ArgumentParser.Argument(help: ArgumentHelp("The script to check.", valueName: "file.rnn"))
    var file: String

    @OptionGroup var script: ScriptOptions
    @OptionGroup var store: StoreOptions
    @ParentCommand var root: RNNLab

    func run() throws {
        let (session, source) = try sessionAndSource(recording: false)
        let diagnostics = session.interpreter.check(source, file: file)
        let color = Terminal.current().colorErrors
        for diagnostic in diagnostics {
            Console.write(diagnostic.render(source: source, color: color) + "\n", to: .error)
        }
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw ExitCode(BatchRunner.ExitStatus.scriptError)
        }
    }
}
