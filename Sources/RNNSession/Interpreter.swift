import Foundation
import RNNData
import RNNScript
import RNNStore

/// How one cell (a REPL input, a script, a `-c` command) ended: its status (the store's
/// `CellStatus`: ok, error or interrupted), and whether it asked to end the session.
public struct CellOutcome: Sendable, Equatable {
    public var status: CellStatus
    /// The cell asked to end the session (`quit`).
    public var quit: Bool

    public init(status: CellStatus, quit: Bool = false) {
        self.status = status
        self.quit = quit
    }
}

/// Runs cells against one workspace. Not thread-safe: one front end drives it, on one thread.
public final class Interpreter {
    /// Where relative paths of files a cell reads resolve from (a script's folder, or the
    /// working directory).
    public let baseDirectory: URL
    /// Where relative paths of files a cell writes resolve from (the working directory).
    public let outputDirectory: URL
    /// `--set NAME=VALUE`: values that replace the script's `let NAME = …`.
    public let overrides: [String: Value]
    /// The session's record in the store; without one nothing is recorded and the store's
    /// commands say they need it.
    public let log: SessionLog?
    /// The number the next cell gets (the REPL's `[N]>`; the store's cell number).
    public private(set) var nextCellNumber = 1
    private var workspace = Workspace()
    private var environment = Environment()
    /// Statement nesting of `run` includes, to refuse cycles.
    private var includeStack: [URL] = []

    public init(baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                outputDirectory: URL? = nil, overrides: [String: Value] = [:], log: SessionLog? = nil,
                trial: TrialLabels = TrialLabels()) {
        self.baseDirectory = baseDirectory
        self.outputDirectory = outputDirectory ?? baseDirectory
        self.overrides = overrides
        self.log = log
        workspace.trial = trial
        if let threads = trial.threads { workspace.settings.threads = threads }
    }

    /// How a text divides into cells.
    public enum Cells: Sendable {
        /// One cell (a REPL input).
        case whole
        /// Each top-level statement a cell (a script, a `-c` text).
        case eachStatement
    }

    /// Parses, resolves and runs a text, statement by statement, recording its cells; the
    /// first failing command stops and changes nothing. A text with a syntax error runs nothing
    /// (and is recorded as one failed cell).
    /// - Parameters:
    ///   - keepGoing: a batch's `--keep-going`: a failing statement does not stop the ones
    ///     after it (the outcome is still `error`).
    ///   - emit: receives every output event as it happens.
    ///   - isCancelled: polled while training (Ctrl-C); a cancelled cell ends `interrupted`.
    public func run(_ source: String, file: String, cells: Cells = .whole, keepGoing: Bool = false,
                    emit: (OutputEvent) -> Void, isCancelled: () -> Bool = { false }) -> CellOutcome {
        let (script, diagnostics) = Parser.parse(source, file: file)
        return withoutActuallyEscaping(emit) { emit in
            withoutActuallyEscaping(isCancelled) { isCancelled in
                if diagnostics.contains(where: { $0.severity == .error }) {
                    return recordingCell(source, emit: emit) { emit in
                        for d in diagnostics { emit(.diagnostic(d, source: source)) }
                        return CellOutcome(status: .error)
                    }
                }
                for d in diagnostics { emit(.diagnostic(d, source: source)) }
                func runner(_ emit: @escaping (OutputEvent) -> Void) -> Runner {
                    Runner(interpreter: self, source: source, directory: baseDirectory, emit: emit,
                           isCancelled: isCancelled, dryRun: false)
                }
                guard cells == .eachStatement else {
                    return recordingCell(source, emit: emit) { emit in
                        var runner = runner(emit)
                        return runner.run(script.statements)
                    }
                }
                var failed = false
                for statement in script.statements {
                    let outcome = recordingCell(cellSource(statement, in: source), emit: emit) { emit in
                        var runner = runner(emit)
                        return runner.run(statement)
                    }
                    if outcome.quit || outcome.status == .interrupted { return outcome }
                    if outcome.status == .error {
                        failed = true
                        if !keepGoing { break }
                    }
                }
                return CellOutcome(status: failed ? .error : .ok)
            }
        }
    }

    /// Runs `body` as cell `nextCellNumber`: recorded in the store when it starts, and with its
    /// output, status, duration and attachments when it ends.
    private func recordingCell(_ source: String, emit: @escaping (OutputEvent) -> Void,
                               body: (@escaping (OutputEvent) -> Void) -> CellOutcome) -> CellOutcome {
        let number = nextCellNumber
        nextCellNumber += 1
        guard let log else { return body(emit) }
        let start = Date()
        if let warning = log.openCell(number: number, source: source) { emit(.text("warning: \(warning)")) }
        var output: [String] = []
        var attachments: [(kind: AttachmentKind, payload: Data)] = []
        let outcome = body { event in
            emit(event)
            if let text = event.recordedText { output.append(text) }
            if let attachment = event.attachment { attachments.append(attachment) }
        }
        if let warning = log.finishCell(output: output.joined(separator: "\n"), status: outcome.status,
                                        duration: Date().timeIntervalSince(start), attachments: attachments) {
            emit(.text("warning: \(warning)"))
        }
        return outcome
    }

    /// A top-level statement's text as the store records it: as written, except that a `let`
    /// replaced by `--set` is recorded with the value it ran with, so an exported session repeats it.
    private func cellSource(_ statement: Statement, in source: String) -> String {
        if case let .letBinding(binding) = statement, let value = overrides[binding.name.name] {
            return "let \(binding.name.name) = \(value)   # --set \(binding.name.name)=\(value)"
        }
        return SourceText.slice(source, statement.range)
    }

    /// Every diagnostic of a script without running anything (`rnnlab check`): syntax, then
    /// each command resolved with the variables its `let`s and loops would bind.
    public func check(_ source: String, file: String) -> [Diagnostic] {
        let (script, diagnostics) = Parser.parse(source, file: file)
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return diagnostics }
        let saved = environment
        defer { environment = saved }
        let collector = DiagnosticCollector(diagnostics)
        var runner = Runner(interpreter: self, source: source, directory: baseDirectory,
                            emit: { if case let .diagnostic(d, _) = $0 { collector.diagnostics.append(d) } },
                            isCancelled: { false }, dryRun: true)
        _ = runner.run(script.statements)
        return collector.diagnostics
    }

    /// Candidates to complete the word that ends `line`: commands at the start, then the
    /// command's options (`lr=`), its words (sub-forms, optimizer names, layer kinds), the
    /// values of the option being typed, and run names — all from the command table.
    public func completions(for line: String) -> [String] {
        let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let current = words.last ?? ""
        guard words.count > 1 else { return CommandTable.names.filter { $0.hasPrefix(current) } }
        let command = words.first { !$0.isEmpty } ?? ""
        var candidates: [String] = []
        if let spec = CommandTable.spec(named: command) {
            if let equals = current.firstIndex(of: "=") {
                let key = String(current[..<equals])
                let values = spec.options.filter { $0.name == key }.flatMap(\.values)
                candidates += values.map { key + "=" + $0 }
            } else {
                candidates += spec.options.map { $0.name + "=" } + spec.words
            }
        }
        candidates += workspace.runs.map(\.name) + storedNames()
        return Array(Set(candidates.filter { $0.hasPrefix(current) && $0 != current })).sorted()
    }

    /// Run and checkpoint names of the store, for completion (none when it cannot be read).
    private func storedNames() -> [String] {
        guard let store = log?.store else { return [] }
        return ((try? store.runNames()) ?? []) + ((try? store.checkpointNames()) ?? [])
    }

    /// The `--set` names a script never binds with `let` (in its blocks, or in the scripts it
    /// `run`s by a written-out name), each with the closest name it does bind: a `--set` that
    /// nothing reads is refused rather than silently ignored.
    public static func unboundOverrides(_ names: [String], in source: String, file: String,
                                        baseDirectory: URL) -> [(name: String, suggestion: String?)] {
        var bound: Set<String> = []
        var visited: Set<URL> = []
        func collect(_ statements: [Statement], in directory: URL) {
            for statement in statements {
                switch statement {
                case let .letBinding(binding): bound.insert(binding.name.name)
                case let .forLoop(loop): collect(loop.body.statements, in: directory)
                case let .repeatLoop(loop): collect(loop.body.statements, in: directory)
                case let .command(call):
                    guard case let .flow(.include(path))? = try? CommandTable.resolve(call, in: Environment()) else { continue }
                    let url = resolve(path, in: directory)
                    guard visited.insert(url).inserted, let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                    collect(Parser.parse(text, file: url.path).script.statements, in: url.deletingLastPathComponent())
                }
            }
        }
        collect(Parser.parse(source, file: file).script.statements, in: baseDirectory)
        return names.filter { !bound.contains($0) }.map { ($0, Suggestion.closest(to: $0, among: Array(bound))) }
    }

    /// Whether `text` is an unfinished cell (open block, trailing `\`): the REPL asks for more.
    public static func needsMoreInput(_ text: String) -> Bool {
        Parser.needsMoreInput(text)
    }

    private final class DiagnosticCollector {
        var diagnostics: [Diagnostic]
        init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    }

    /// Walks statements: `let`, loops, includes, commands.
    private struct Runner {
        let interpreter: Interpreter
        let source: String
        let directory: URL
        let emit: (OutputEvent) -> Void
        let isCancelled: () -> Bool
        let dryRun: Bool

        /// Runs until the first failure; a dry run (`check`) goes on to report every error.
        mutating func run(_ statements: [Statement]) -> CellOutcome {
            var failed = false
            for statement in statements {
                // Ctrl-C (or SIGTERM) stops a script between statements, not only inside `train`.
                if !dryRun, isCancelled() { return interrupted() }
                let outcome = run(statement)
                if dryRun { failed = failed || outcome.status != .ok; continue }
                if outcome.status != .ok || outcome.quit { return outcome }
            }
            return CellOutcome(status: failed ? .error : .ok)
        }

        private func interrupted() -> CellOutcome {
            emit(.text("interrupted"))
            return CellOutcome(status: .interrupted)
        }

        private func fail(_ diagnostic: Diagnostic) -> CellOutcome {
            emit(.diagnostic(diagnostic, source: source))
            return CellOutcome(status: .error)
        }

        mutating func run(_ statement: Statement) -> CellOutcome {
            do {
                switch statement {
                case let .letBinding(binding):
                    let value: ScriptValue
                    if let override = interpreter.overrides[binding.name.name] {
                        value = try interpreter.environment.evaluate(override)
                    } else {
                        value = try interpreter.environment.evaluate(binding.value)
                    }
                    interpreter.environment.variables[binding.name.name] = value
                case let .forLoop(loop):
                    var values: [ScriptValue] = []
                    for v in loop.values { values += try interpreter.environment.evaluate(v).elements }
                    let saved = interpreter.environment.variables[loop.variable.name]
                    defer { interpreter.environment.variables[loop.variable.name] = saved }
                    for value in values {
                        if !dryRun, isCancelled() { return interrupted() }
                        interpreter.environment.variables[loop.variable.name] = value
                        let outcome = run(loop.body.statements)
                        if outcome.status != .ok || outcome.quit { return outcome }
                    }
                case let .repeatLoop(loop):
                    let count = try interpreter.environment.evaluate(loop.count)
                    let n = try Arguments.integer(count, name: "repeat count", in: 0...1_000_000, at: loop.count.range)
                    for _ in 0..<(dryRun ? min(n, 1) : n) {
                        if !dryRun, isCancelled() { return interrupted() }
                        let outcome = run(loop.body.statements)
                        if outcome.status != .ok || outcome.quit { return outcome }
                    }
                case let .command(call):
                    return try runCommand(call)
                }
            } catch let error as ScriptError {
                return fail(error.diagnostic)
            } catch {
                return fail(.error("\(error)", range: statement.range))
            }
            return CellOutcome(status: .ok)
        }

        private mutating func runCommand(_ call: CommandCall) throws -> CellOutcome {
            let command: Command
            switch try CommandTable.resolve(call, in: interpreter.environment) {
            case let .flow(.include(path)):
                return try include(resolve(path, in: directory), at: call)
            case let .flow(.replay(session)):
                return dryRun ? CellOutcome(status: .ok) : try replay(session: session, at: call)
            case let .command(resolved):
                command = resolved
            }
            guard !dryRun else { return CellOutcome(status: .ok) }
            var copy = interpreter.workspace
            let effect: Effect
            do {
                let context = ExecutionContext(baseDirectory: directory, outputDirectory: interpreter.outputDirectory,
                                               log: interpreter.log, emit: emit, isCancelled: isCancelled)
                effect = try Self.execute(command, on: &copy, context)
            } catch let error as ScriptError {
                throw error
            } catch DataError.interrupted {
                return interrupted()        // stopped inside a long data step: nothing changed
            } catch {
                throw ScriptError(.error("\(call.head.name): \(error)", range: call.range))
            }
            interpreter.workspace = copy
            switch effect {
            case .quit: return CellOutcome(status: .ok, quit: true)
            case .interrupted: return CellOutcome(status: .interrupted)
            case .done: return CellOutcome(status: .ok)
            }
        }

        /// Each group to its one executor.
        static func execute(_ command: Command, on w: inout Workspace, _ context: ExecutionContext) throws -> Effect {
            switch command {
            case let .session(c): return try SessionExecutor.run(c, on: &w, context)
            case let .data(c): return try DataExecutor.run(c, on: &w, context)
            case let .model(c): return try ModelExecutor.run(c, on: &w, context)
            case let .optimization(c): return try OptimizationExecutor.run(c, on: &w, context)
            case let .training(c): return try TrainingExecutor.run(c, on: &w, context)
            case let .report(c): return try ReportExecutor.run(c, on: &w, context)
            case let .store(c): return try StoreExecutor.run(c, on: &w, context)
            }
        }

        /// `replay session N`: that session's repeatable cells run again here, in order, as part
        /// of this cell; the first one that fails stops the replay.
        private mutating func replay(session: Int, at call: CommandCall) throws -> CellOutcome {
            guard let log = interpreter.log else {
                throw ScriptError(.error("\(SessionError.noStore(command: "replay"))", range: call.range))
            }
            let cells: [CellRecord]
            do {
                cells = try log.recordedSession(Int64(session)).cells
            } catch {
                throw ScriptError(.error("\(error)", range: call.range))
            }
            let repeatable: [SessionScript.Repeated]
            do {
                repeatable = try log.repeatedCells(cells)
            } catch {
                throw ScriptError(.error("\(error)", range: call.range))
            }
            for repeated in repeatable {
                let cell = repeated.cell
                let firstLine = repeated.source.split(separator: "\n").first.map(String.init) ?? ""
                emit(.text("replay [\(cell.number)] \(firstLine)" + (repeated.note.map { "   # \($0)" } ?? "")))
                let (script, _) = Parser.parse(repeated.source, file: "session \(session) [\(cell.number)]")
                var nested = Runner(interpreter: interpreter, source: repeated.source, directory: directory, emit: emit,
                                    isCancelled: isCancelled, dryRun: false)
                let outcome = nested.run(script.statements)
                if outcome.status == .error {
                    emit(.text("replay of session \(session) stopped at its cell [\(cell.number)]"))
                }
                if outcome.status != .ok || outcome.quit { return outcome }
            }
            emit(.text("replayed \(repeatable.count) of the \(cells.count) cells of session \(session)"))
            return CellOutcome(status: .ok)
        }

        /// `run "file.rnn"`: the file's statements, relative paths resolved from its folder.
        private mutating func include(_ url: URL, at call: CommandCall) throws -> CellOutcome {
            if interpreter.includeStack.contains(url) {
                throw ScriptError(.error("'\(url.lastPathComponent)' is already running (a 'run' cycle)", range: call.range))
            }
            guard interpreter.includeStack.count < 32 else {
                throw ScriptError(.error("'run' nests more than 32 files deep", range: call.range))
            }
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw ScriptError(.error("cannot read '\(url.path)': \(error.localizedDescription)", range: call.range))
            }
            let (script, diagnostics) = Parser.parse(text, file: url.path)
            for d in diagnostics { emit(.diagnostic(d, source: text)) }
            if diagnostics.contains(where: { $0.severity == .error }) { return CellOutcome(status: .error) }
            interpreter.includeStack.append(url)
            defer { interpreter.includeStack.removeLast() }
            var nested = Runner(interpreter: interpreter, source: text, directory: url.deletingLastPathComponent(),
                                emit: emit, isCancelled: isCancelled, dryRun: dryRun)
            return nested.run(script.statements)
        }
    }
}
