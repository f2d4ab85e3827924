import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RNNEngine
import RNNScript
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
        subcommands: [Run.self, Check.self, Kernel.self]
    )

    @Option(name: .customShort("c"), help: ArgumentHelp(
        "Run these statements (separated by ';' or new lines) and exit.", valueName: "commands"))
    var commands: String?

    @OptionGroup var script: ScriptOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        let directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        let session = try Session(baseDirectory: directory, script: script, store: store)
        if let commands {
            throw ExitCode(session.runBatch(.init(source: commands, file: "<command line>")))
        } else if Terminal.stdinIsTerminal {
            throw ExitCode(session.runREPL())
        } else {
            let source = try ScriptFile.read("-")
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
    func sessionAndSource(recording: Bool = true) throws -> (Session, String) {
        let source = try ScriptFile.read(file)
        return (try Session(baseDirectory: ScriptFile.folder(of: file), script: options.script,
                            store: recording ? options.store : nil), source)
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
    @ParentCommand var root: RNNLab

    func run() throws {
        let (session, source) = try sessionAndSource()
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

// MARK: - Options shared by the commands

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

// MARK: - Running

/// What every way in shares: one interpreter, one console, and the store's session.
struct Session {
    let interpreter: Interpreter
    let console: Console
    let keepGoing: Bool

    /// Opens the store (an unusable one is SPEC §5's status 2, the file untouched) and begins
    /// this process's session in it; `store` nil records nothing (`check`).
    init(baseDirectory: URL, script: ScriptOptions, store: StoreOptions?) throws(ExitCode) {
        var log: SessionLog?
        if let store {
            let path = store.path()
            do {
                log = try SessionLog(store: try Store.open(path: path), version: RNNLab.version,
                                     cwd: FileManager.default.currentDirectoryPath)
            } catch {
                Console.write("rnnlab: \(error)\n", to: .error)
                throw ExitCode(BatchRunner.ExitStatus.usage)
            }
        }
        interpreter = Interpreter(baseDirectory: baseDirectory,
                                  outputDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
                                  overrides: script.values, log: log)
        console = Console(terminal: .current())
        keepGoing = script.keepGoing
    }

    func runBatch(_ cell: BatchRunner.Cell) -> Int32 {
        Signals.installInterruptHandler()
        Signals.clearInterrupt()
        defer { interpreter.log?.close() }
        return BatchRunner(interpreter: interpreter, console: console, keepGoing: keepGoing).run([cell])
    }

    func runREPL() -> Int32 {
        Signals.installInterruptHandler()
        defer { interpreter.log?.close() }
        return REPL(interpreter: interpreter, console: console).run()
    }
}

/// Reading a script: any bytes (invalid UTF-8 becomes U+FFFD, which the lexer reports);
/// a file that cannot be read is a usage error (status 2).
enum ScriptFile {
    static func read(_ path: String) throws(ExitCode) -> String {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else { fail(path, errno) }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes += chunk[..<n]
            } else if n == 0 {
                break
            } else if errno != EINTR {
                fail(path, errno)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The folder relative paths in a script resolve from; the working directory for stdin.
    static func folder(of path: String) -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        guard path != "-" else { return cwd }
        return URL(fileURLWithPath: path, relativeTo: cwd).deletingLastPathComponent().standardizedFileURL
    }

    private static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(fd, buffer, count)
        #else
        Darwin.read(fd, buffer, count)
        #endif
    }

    private static func fail(_ path: String, _ error: Int32) -> Never {
        let name = path == "-" ? "standard input" : "'\(path)'"
        Console.write("rnnlab: cannot read \(name): \(String(cString: strerror(error)))\n", to: .error)
        terminate(BatchRunner.ExitStatus.usage)
    }
}

/// Ends the process (the C library's `exit`, which `ParsableCommand.exit` hides inside commands).
func terminate(_ status: Int32) -> Never {
    exit(status)
}
