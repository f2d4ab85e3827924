#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RNNReport
import RNNScript
import RNNSession
import RNNTraining

/// What the standard streams are connected to, and so what may be drawn on them.
///
/// Colours follow <https://no-color.org>: none when `NO_COLOR` is set to anything but the
/// empty string, none on `TERM=dumb`, none on a stream that is not a terminal. The live
/// progress line needs stdout to be a terminal that understands clear-to-end-of-line.
struct Terminal: Sendable, Equatable {
    var stdoutIsTerminal: Bool
    var stderrIsTerminal: Bool
    /// ANSI colours on stdout (tables, run endings, the prompt, the progress line).
    var colorOutput: Bool
    /// ANSI colours on stderr (diagnostics).
    var colorErrors: Bool
    /// A progress line redrawn in place with `\r` and clear-to-end-of-line.
    var liveProgress: Bool

    init(stdoutIsTerminal: Bool, stderrIsTerminal: Bool, environment: [String: String]) {
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        let capable = environment["TERM"] != "dumb"
        let allowsColor = capable && (environment["NO_COLOR"] ?? "").isEmpty
        colorOutput = stdoutIsTerminal && allowsColor
        colorErrors = stderrIsTerminal && allowsColor
        liveProgress = stdoutIsTerminal && capable
    }

    /// No terminal at all: plain text, one line per epoch (SPEC §5).
    static let plain = Terminal(stdoutIsTerminal: false, stderrIsTerminal: false, environment: [:])

    /// The process's own standard streams and environment.
    static func current() -> Terminal {
        Terminal(stdoutIsTerminal: isatty(STDOUT_FILENO) == 1, stderrIsTerminal: isatty(STDERR_FILENO) == 1,
                 environment: ProcessInfo.processInfo.environment)
    }

    /// Whether standard input is a terminal (the REPL), or a pipe or file (a batch).
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Columns of the terminal on stdout, when it says.
    static func columns() -> Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}

extension ANSI {
    /// `text` in `style` when `enabled`, else `text` alone.
    static func styled(_ text: String, _ style: String, enabled: Bool) -> String {
        enabled ? style + text + reset : text
    }
}

/// One of the two streams rendered text goes to.
enum StandardStream: Sendable, Equatable {
    case output, error
}

/// A piece of rendered text and where it goes.
struct Write: Sendable, Equatable {
    var stream: StandardStream
    var text: String

    init(_ stream: StandardStream, _ text: String) {
        self.stream = stream
        self.text = text
    }
}

/// Turns the interpreter's output events into text for the standard streams; text that came
/// from outside (names, sources, paths) is made visible (`VisibleText`). Pure: the only
/// state is whether a live progress line is on screen (it must be erased before anything
/// else is written, and is replaced by the epoch's summary line).
struct EventRenderer: Sendable {
    let terminal: Terminal
    /// A progress line is drawn and the cursor is still on it.
    private(set) var progressShown = false

    init(terminal: Terminal) {
        self.terminal = terminal
    }

    /// The text for one event.
    /// - Parameter width: the terminal's columns; the progress line is cut to fit, so it never
    ///   wraps (a wrapped line cannot be redrawn with `\r`), and plots are drawn to fit.
    mutating func render(_ event: OutputEvent, width: Int = 80) -> [Write] {
        switch event {
        case let .progress(progress):
            guard terminal.liveProgress else { return [] }
            progressShown = true
            return [Write(.output, Self.progressLine(progress, width: width, color: terminal.colorOutput))]
        case let .epoch(line):
            return erasingProgress() + [Write(.output, line.plainText + "\n")]
        case let .text(text):
            return erasingProgress() + [Write(.output, Self.terminated(VisibleText.of(text)))]
        case let .table(table):
            return erasingProgress() + [Write(.output, Self.terminated(VisibleText.of(table.render())))]
        case let .diagnostic(diagnostic, source):
            let text = diagnostic.render(source: source, color: terminal.colorErrors)
            return erasingProgress() + [Write(.error, Self.terminated(text))]
        case let .runEnded(summary):
            var summary = summary
            summary.message = VisibleText.of(summary.message)
            let text = Self.runEnded(summary, color: terminal.colorOutput)
            return erasingProgress() + [Write(.output, Self.terminated(text))]
        case let .figure(figure):
            guard figure.inTerminal else { return [] }
            let text = figure.visible().terminalText(width: width, color: terminal.colorOutput)
            return erasingProgress() + [Write(.output, Self.terminated(text))]
        }
    }

    /// What is needed at the end of a cell: the progress line erased if one is showing.
    mutating func finish() -> [Write] {
        erasingProgress()
    }

    private mutating func erasingProgress() -> [Write] {
        guard progressShown else { return [] }
        progressShown = false
        return [Write(.output, "\r" + ANSI.clearToEndOfLine)]
    }

    // MARK: - Pure pieces

    /// `epoch 3/100  chunk 12/50  loss 0.004211  splits 50  ETA 1m23s`: the words of the epoch
    /// summary line it is replaced by, plus the chunk and the time left for this `train`.
    static func progressText(_ p: TrainingProgress) -> String {
        var parts = ["epoch \(p.epoch)/\(p.lastEpoch)", "chunk \(p.chunk)/\(p.chunks)"]
        if let loss = p.runningLoss { parts.append("loss \(NumberText.fixed(loss, 6))") }
        parts.append("splits \(p.splits)")
        if let remaining = p.remaining, let eta = duration(remaining) { parts.append("ETA \(eta)") }
        return parts.joined(separator: "  ")
    }

    /// The progress line as drawn over the previous one: carriage return, the text (dim, cut
    /// to `width - 1` columns), then clear-to-end-of-line.
    static func progressLine(_ p: TrainingProgress, width: Int, color: Bool) -> String {
        let text = String(progressText(p).prefix(max(width - 1, 1)))
        return "\r" + ANSI.styled(text, ANSI.dim, enabled: color) + ANSI.clearToEndOfLine
    }

    /// A run's ending line; an interrupted run in yellow and a diverged one in red on a
    /// colour terminal.
    static func runEnded(_ summary: RunSummary, color: Bool) -> String {
        switch summary.status {
        case .finished: summary.message
        case .interrupted: ANSI.styled(summary.message, ANSI.yellow, enabled: color)
        case .diverged: ANSI.styled(summary.message, ANSI.red, enabled: color)
        }
    }

    /// `42s`, `1m23s`, `2h05m`; nil for a negative, infinite or NaN time.
    static func duration(_ seconds: Double) -> String? {
        guard seconds.isFinite, seconds >= 0, seconds < 1e9 else { return nil }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        if h > 0 { return "\(h)h" + String(format: "%02dm", m) }
        if m > 0 { return "\(m)m" + String(format: "%02ds", s) }
        return "\(s)s"
    }

    /// `text` ending in exactly the newline it had, or one added.
    static func terminated(_ text: String) -> String {
        text.hasSuffix("\n") ? text : text + "\n"
    }
}
