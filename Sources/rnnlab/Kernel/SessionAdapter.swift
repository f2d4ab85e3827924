import Foundation
import RNNReport
import RNNScript
import RNNSession
import RNNStore

// The one place the kernel touches the session layer (today `RNNScript.Interpreter`,
// `SessionLog` and `OutputEvent`); everything else in Kernel/ speaks `KernelOutput` and the
// store's plain values, so retargeting the kernel at another session module changes this file only.

/// An output of a running cell, as the kernel maps it to messages (never parsed from text).
enum KernelOutput: Sendable {
    /// Text for the stdout stream.
    case text(String)
    /// A warning or note, rendered, for the stderr stream.
    case warning(String)
    case table(TextTable)
    /// A figure as an SVG document and its plain-text fallback.
    case figure(svg: String, text: String)
    /// Progress inside an epoch of `run`.
    case progress(run: String, epoch: Int, lastEpoch: Int, chunk: Int, chunks: Int, loss: Double?)
    /// A finished epoch (already committed to the store) and its plain line.
    case epoch(run: String, epoch: Int, loss: Double, line: String)
    /// A `train` ended (finished, interrupted or diverged), with its summary line.
    case runEnded(run: String, message: String)
    /// An error: its message and the rendered diagnostic (header, source line, caret).
    case error(message: String, rendered: String)
}

/// How a cell ended, for the execute reply.
enum KernelCellStatus: Sendable {
    case ok, error, interrupted
}

/// A session of the store driven by the kernel: one interpreter, its workspace and its log.
/// Used by the shell thread only (the interpreter is not thread-safe).
final class KernelSession {
    private let interpreter: Interpreter
    private let log: SessionLog?

    /// Opens the store at `storePath` and begins a session in it.
    init(storePath: String) throws {
        let cwd = FileManager.default.currentDirectoryPath
        let log = try SessionLog(store: try Store.open(path: storePath), version: RNNLab.version, cwd: cwd)
        self.log = log
        let directory = URL(fileURLWithPath: cwd, isDirectory: true)
        interpreter = Interpreter(baseDirectory: directory, outputDirectory: directory, log: log)
    }

    /// The store, for history and the loss curves of stored runs.
    var store: Store? { log?.store }
    /// This session's id in the store.
    var sessionID: Int64? { log?.session.id }

    /// The number the next cell gets: the execution count and the store's cell number.
    var nextCellNumber: Int { interpreter.nextCellNumber }

    /// Runs one cell (recorded in the store as cell `nextCellNumber`).
    func execute(_ code: String, emit: (KernelOutput) -> Void, isCancelled: () -> Bool) -> KernelCellStatus {
        let outcome = interpreter.run(code, file: "[\(interpreter.nextCellNumber)]", emit: { event in
            if let output = Self.output(event) { emit(output) }
        }, isCancelled: isCancelled)
        switch outcome.status {
        case .ok: return .ok
        case .error: return .error
        case .interrupted: return .interrupted
        }
    }

    private static func output(_ event: OutputEvent) -> KernelOutput? {
        switch event {
        case let .progress(p):
            return .progress(run: p.runName, epoch: p.epoch, lastEpoch: p.lastEpoch, chunk: p.chunk, chunks: p.chunks,
                             loss: p.runningLoss)
        case let .epoch(line):
            return .epoch(run: line.runName, epoch: line.metrics.epoch, loss: line.metrics.loss, line: line.plainText)
        case let .text(text):
            return .text(text)
        case let .table(table):
            return .table(table)
        case let .diagnostic(d, source):
            let rendered = d.render(source: source, color: false)
            return d.severity == .error ? .error(message: d.message, rendered: rendered) : .warning(rendered)
        case let .runEnded(summary):
            return .runEnded(run: summary.name, message: summary.message)
        case let .figure(figure):
            return .figure(svg: figure.svg, text: figure.terminalText(width: 80, color: false))
        }
    }

    /// Completion candidates for the word that ends `line` (commands, options, values, runs).
    func completions(line: String) -> [String] {
        interpreter.completions(for: line)
    }

    /// Every command name.
    var commandNames: [String] { interpreter.completions(for: "") }

    /// Whether the text is an unfinished cell: an open block, a trailing `\`, or a string left
    /// open on its last line (SPEC §9; strings close on their own line, so the next line makes
    /// it an error the cell reports when run).
    func needsMoreInput(_ text: String) -> Bool {
        if Interpreter.needsMoreInput(text) { return true }
        let errors = Parser.parse(text, file: "<input>").1.filter { $0.severity == .error }
        // Lines as the lexer counts them: "\n", "\r\n" and a lone "\r" each end one.
        var lastLine = 1
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            if scalar == "\n" ? previous != "\r" : scalar == "\r" { lastLine += 1 }
            previous = scalar
        }
        return !errors.isEmpty && errors.allSatisfy {
            $0.message.hasPrefix("unterminated string") && $0.range.start.line == lastLine
        }
    }

    /// Whether the text has a syntax error that more input would not fix.
    func isInvalid(_ text: String) -> Bool {
        Parser.parse(text, file: "<input>").1.contains { $0.severity == .error }
    }

    /// `help COMMAND`'s text, from a store-less interpreter (so nothing is recorded).
    func helpText(for command: String) -> String? {
        var text: [String] = []
        let outcome = Interpreter(log: nil).run("help \(command)", file: "<inspect>", emit: { event in
            if case let .text(t) = event { text.append(t) }
        })
        return outcome.status == .ok && !text.isEmpty ? text.joined(separator: "\n") : nil
    }

    /// The losses recorded so far for the latest run called `run`, by epoch.
    func storedLosses(run: String) -> [Int: Double] {
        guard let store, let record = try? store.run(named: run), let id = record.id,
              let metrics = try? store.metrics(runID: id) else { return [:] }
        return Dictionary(metrics.map { ($0.epoch, $0.loss) }, uniquingKeysWith: { _, later in later })
    }

    /// Ends the session and closes the store.
    func close() {
        log?.close()
    }
}
