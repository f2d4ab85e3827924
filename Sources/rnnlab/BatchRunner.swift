import RNNScript
import RNNSession

/// Runs a script without a terminal conversation: a file (`rnnlab run`), `-c` text, or
/// standard input. SPEC §5's exit statuses come from here.
///
/// `Interpreter.run` parses the whole text first (any parse error: nothing runs); each
/// top-level statement is then a cell of its own (recorded so in the store), and the first
/// failing one stops the batch unless `--keep-going`.
struct BatchRunner {
    let interpreter: Interpreter
    let console: Console
    /// Go on after a failing cell; the exit status still says a cell failed.
    let keepGoing: Bool

    /// A script's text and the name its diagnostics use.
    struct Cell {
        var source: String
        var file: String
    }

    enum ExitStatus {
        static let success: Int32 = 0
        static let scriptError: Int32 = 1
        static let usage: Int32 = 2
        /// Ctrl-C stopped the batch (128 + SIGINT, as a shell reports a process killed by it).
        /// The interrupted `train` itself is a result (rolled back to its last whole epoch and
        /// recorded); the exit status tells a calling script that the batch did not finish.
        static let interrupted: Int32 = 130
    }

    /// Runs the cells in order; returns the exit status.
    func run(_ cells: [Cell]) -> Int32 {
        var failed = false
        for cell in cells {
            let outcome = interpreter.run(cell.source, file: cell.file, cells: .eachStatement, keepGoing: keepGoing,
                                          emit: console.emit, isCancelled: { Signals.isInterrupted })
            console.finish()
            if let signal = Signals.termination { return 128 + signal }
            if outcome.status == .interrupted || Signals.isInterrupted { return ExitStatus.interrupted }
            if outcome.status == .error {
                failed = true
                if !keepGoing { break }
            }
            if outcome.quit { break }
        }
        return failed ? ExitStatus.scriptError : ExitStatus.success
    }
}
