import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RNNEngine
import RNNScript
import RNNSession
import RNNStore

/// `rnnlab`: the REPL when standard input is a terminal, else a batch run of standard input;
/// `-c` runs the given statements; `run` and `check` take a script file.
///
/// A synchronous root command on purpose: an `AsyncParsableCommand` runs on a dispatch worker
/// with SIGINT blocked, where readline never sees Ctrl-C (PLATFORM.md).
@main
struct RNNLab: ParsableCommand {
    static let version = "0.1.0-dev"

    static let configuration = CommandConfiguration(
        commandName: "rnnlab",
        abstract: "A notebook-style REPL for training recurrent networks on long sequences.",
        usage: """
            rnnlab [--store <path>] [--set <name=value> ...]
            rnnlab -c <commands> [--set <name=value> ...] [--keep-going] [--store <path>]
            rnnlab run <file.rnn> [--set <name=value> ...] [--keep-going] [--store <path>]
            rnnlab check <file.rnn> [--set <name=value> ...]
            rnnlab sweep <file.rnn> --grid <name=v1,v2> ... [--jobs J] [--threads T] [--dir DIR] [--store PATH]
            rnnlab sweep status|collect|task <dir>
            rnnlab merge <store> ... --into <path>
            """,
        discussion: """
            With no command, rnnlab reads cells at a numbered prompt when standard input is a \
            terminal, and runs standard input as a script when it is not (rnnlab < FILE.rnn).

            Every cell, its output, every run's metrics and checkpoints are recorded in the \
            store (--store, else $RNNLAB_STORE, else ./rnnlab.sqlite); 'check' records nothing.

            Exit status: 0 success; 1 a script error (the first failing cell stops a batch \
            unless --keep-going); 2 a usage error, an unreadable script or an unusable store \
            (not SQLite, another application's, a newer rnnlab's, unreadable: left untouched); \
            130 a batch stopped by Ctrl-C (the interrupted run is kept, rolled back to its last \
            whole epoch).
            """,
        version: version,
        subcommands: [Run.self, Check.self, Kernel.self, Sweep.self, StoreMergeCommand.self]
    )

    @Option(name: .customShort("c"), help: ArgumentHelp(
        "Run these statements (separated by ';' or new lines) and exit.", valueName: "commands"))
    var commands: String?

    @OptionGroup var script: ScriptOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        if let commands {
            try script.checkOverrides(in: commands, file: "<command line>", baseDirectory: directory)
            let session = try Session(baseDirectory: directory, script: script, store: store)
            throw ExitCode(session.runBatch(.init(source: commands, file: "<command line>")))
        } else if Terminal.stdinIsTerminal {
            let session = try Session(baseDirectory: directory, script: script, store: store)
            throw ExitCode(session.runREPL())
        } else {
            let source = try ScriptFile.read("-")
            try script.checkOverrides(in: source, file: "<stdin>", baseDirectory: directory)
            let session = try Session(baseDirectory: directory, script: script, store: store)
            throw ExitCode(session.runBatch(.init(source: source, file: "<stdin>")))
        }
    }

    /// Parses the arguments and runs the command, turning argument-parser's usage errors
    /// (its exit status 64) into SPEC §5's status 2.
    static func main() {
        Memory.reuseFreedBuffers()      // chunks reuse warm pages, as in the benchmark
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            terminate(code.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Console.write(fullMessage(for: error) + "\n", to: .error)
                terminate(BatchRunner.ExitStatus.usage)
            }
            exit(withError: error)  // --help, --version and the like, as argument-parser prints them
        }
    }
}

/// Ends the process (the C library's `exit`, which `ParsableCommand.exit` hides inside commands).
func terminate(_ status: Int32) -> Never {
    exit(status)
}
