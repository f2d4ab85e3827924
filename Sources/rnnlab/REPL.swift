import RNNReport
import RNNScript
import RNNSession

/// The interactive loop: numbered prompts, cells that may span lines, Ctrl-C and Ctrl-D.
///
/// `[N]> ` asks for cell N (N counts the cells run so far, plus one); inside an unfinished
/// block `...> ` asks for more of the same cell. Ctrl-C at a prompt abandons the cell being
/// typed; Ctrl-C while a cell runs asks it to stop (training rolls back to its last whole
/// epoch) and the prompt comes back. Ctrl-D on an empty prompt, or `quit`, ends the session.
struct REPL {
    let interpreter: Interpreter
    let console: Console

    static let continuationPrompt = "...> "
    /// Cells of the store loaded into the line editor's history at start.
    static let historyLength = 1_000

    /// One line before the first prompt: what this is, where it records, where help is.
    static func banner(store: String?) -> String {
        "rnnlab \(RNNLab.version) · store \(store.map(VisibleText.of) ?? "none") · 'help' lists the commands, Ctrl-D quits\n"
    }

    /// Runs until the user quits; returns the exit status (0).
    func run() -> Int32 {
        let keptOutput = OutputKeptOnInterrupt()
        defer { keptOutput?.restore() }
        let interpreter = interpreter
        let editor = LineEditor(terminal: console.terminal) { interpreter.completions(for: $0) }
        // Arrow-up reaches the cells of earlier sessions too.
        for source in (try? interpreter.log?.store.recentSources(limit: Self.historyLength)) ?? [] {
            editor.addHistory(source)
        }
        console.write(Write(.output, Self.banner(store: interpreter.log?.store.path)))
        var pending: [String] = []
        while true {
            let number = interpreter.nextCellNumber
            let prompt = pending.isEmpty ? "[\(number)]> " : Self.continuationPrompt
            let cell: String
            let input = editor.readLine(prompt: prompt)
            if let signal = Signals.termination { return 128 + signal }
            switch input {
            case .interrupted:
                pending.removeAll()
                continue
            case .endOfInput:
                if pending.isEmpty { return 0 }
                // Ctrl-D inside an unfinished block ends the cell as it is; running it says what is missing.
                cell = pending.joined(separator: "\n")
                pending.removeAll()
            case let .line(line):
                pending.append(line)
                let text = pending.joined(separator: "\n")
                if Interpreter.needsMoreInput(text) { continue }
                pending.removeAll()
                guard text.contains(where: { !$0.isWhitespace }) else { continue }
                cell = text
            }
            editor.addHistory(cell)
            let outcome = interpreter.run(cell, file: "[\(number)]", emit: console.emit,
                                          isCancelled: { Signals.isInterrupted })
            console.finish()
            if outcome.quit { return 0 }
            // SIGHUP (the terminal closed) or SIGTERM: the cell rolled back; the store closes.
            if let signal = Signals.termination { return 128 + signal }
        }
    }
}
