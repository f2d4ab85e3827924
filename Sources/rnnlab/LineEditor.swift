@preconcurrency import CReadline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RNNReport

/// What the user gave at a prompt.
enum LineInput: Equatable {
    /// A line ended with Return (it may hold line breaks when a block was pasted).
    case line(String)
    /// Ctrl-C: the line was abandoned.
    case interrupted
    /// Ctrl-D on an empty line (the prompt's line is ended).
    case endOfInput
}

/// GNU readline behind a small interface: a prompt, line editing, history, Tab completion,
/// and Ctrl-C that abandons the line instead of killing the process.
///
/// Readline is a library of globals, so there is one editor per process and it is used on
/// the main thread only. Readline does not handle signals here (`rl_catch_signals = 0`): the
/// process's SIGINT handler raises `interruptRequested`, and two hooks look at it while
/// readline waits for a key — `rl_signal_event_hook` when a read is cut short by the signal,
/// `rl_event_hook` ten times a second as a fallback — and end the line (`rl_done`).
final class LineEditor {
    private var lastHistoryEntry: String?
    private let colorPrompt: Bool
    /// Where the prompt and the echo go: stdout, or stderr when only stderr is a terminal.
    private let promptStream: StandardStream

    /// - Parameters:
    ///   - terminal: whether the prompt may be drawn in colour.
    ///   - complete: candidates for the word that ends the given text (the line up to the
    ///     cursor); only candidates that start with that word are offered.
    init(terminal: Terminal, complete: @escaping (String) -> [String]) {
        activeCompleter = complete
        rl_readline_name = UnsafePointer(strdup("rnnlab"))  // for `$if rnnlab` in ~/.inputrc
        rl_catch_signals = 0
        rl_change_environment = 0  // do not export LINES and COLUMNS into the environment
        rl_signal_event_hook = { whileWaitingForKey() }
        rl_event_hook = { whileWaitingForKey() }
        Signals.installContinueHandler()
        rl_attempted_completion_function = { text, start, end in completions(text: text, start: start, end: end) }
        rl_completer_word_break_characters = UnsafePointer(strdup(LineEditor.wordBreaks))
        rl_completer_quote_characters = UnsafePointer(strdup("\""))
        if isatty(STDOUT_FILENO) == 0 && isatty(STDERR_FILENO) == 1 {
            rl_outstream = stderr  // keep the prompt on the terminal when stdout is redirected
            promptStream = .error
            colorPrompt = terminal.colorErrors
        } else {
            promptStream = .output
            colorPrompt = terminal.colorOutput
        }
    }

    /// Characters that end a word for completion: a word is what a candidate replaces, so
    /// `$name`, `run-1` and `opt-$x` are words, while `=` and `,` start a new one (`lr=0.0`).
    static let wordBreaks = " \t\n;=,{}\""

    /// Shows `prompt` and reads one line. Clears `interruptRequested` first, so only a Ctrl-C
    /// pressed at this prompt abandons it.
    func readLine(prompt: String) -> LineInput {
        Signals.clearInterrupt()
        _ = Signals.takeContinued()  // readline sets the terminal up afresh for every prompt
        let shown = colorPrompt ? Self.invisible(ANSI.green) + prompt + Self.invisible(ANSI.reset) : prompt
        let raw = readline(shown)
        defer { free(raw) }
        if Signals.isInterrupted {
            Signals.clearInterrupt()
            return .interrupted
        }
        guard let raw else {
            Console.write("\n", to: promptStream)  // end the prompt's line (Ctrl-D echoes nothing)
            return .endOfInput
        }
        return .line(String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self))
    }

    /// Adds a finished cell to the history (arrow keys), without the space completion may
    /// leave at its end, and not twice in a row.
    func addHistory(_ entry: String) {
        var trimmed = Substring(entry)
        while let last = trimmed.last, last == " " || last == "\t" || last == "\n" { trimmed.removeLast() }
        guard !trimmed.isEmpty, String(trimmed) != lastHistoryEntry else { return }
        lastHistoryEntry = String(trimmed)
        add_history(String(trimmed))
    }

    /// Wraps escape sequences so readline does not count them as prompt columns.
    private static func invisible(_ escape: String) -> String {
        "\u{01}" + escape + "\u{02}"
    }
}

// MARK: - Readline callbacks
//
// C callbacks capture nothing: they call these file-scope functions.

/// The live editor's completion source. `nonisolated(unsafe)` is sound here: readline calls
/// the completion function only from inside `readline()`, which `LineEditor.readLine` calls on
/// the main thread, and the one editor sets this once, on that thread, before its first prompt.
nonisolated(unsafe) private var activeCompleter: ((String) -> [String])?

/// Called by readline while it waits for a key: after `fg` sets the terminal up again and
/// redraws the line; after Ctrl-C ends the line, which `LineEditor.readLine` then reports as
/// `.interrupted`.
private func whileWaitingForKey() -> Int32 {
    if Signals.takeContinued() {
        rl_deprep_terminal()   // back to the modes saved when the prompt began (readline's own bookkeeping)…
        rl_prep_terminal(1)    // …then raw again from the terminal as the shell left it (8-bit input kept)
        rl_forced_update_display()
    }
    guard Signals.isInterrupted, rl_done == 0 else { return 0 }
    rl_echo_signal_char(SIGINT)  // `^C`, as a shell shows it
    rl_done = 1
    return 0
}

/// `rl_attempted_completion_function`: file names inside a double-quoted string, else the
/// interpreter's candidates for the word before the cursor.
private func completions(text: UnsafePointer<CChar>?, start: Int32, end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1  // no fallback to readline's file names outside strings
    guard let text else { return nil }
    if rl_completion_quote_character == Int32(UInt8(ascii: "\"")) {
        return rl_completion_matches(text, rl_filename_completion_function)
    }
    guard let completer = activeCompleter, let buffer = rl_line_buffer else { return nil }
    let length = Int(max(0, min(end, rl_end)))
    let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    let word = String(cString: text)
    var seen = Set<String>()
    let candidates = completer(line).filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    if candidates.count == 1, candidates[0].hasSuffix("=") {
        rl_completion_append_character = 0  // `epochs=` waits for its value
    }
    return matchArray(candidates)
}

/// Readline's match list: a malloc'd, nil-terminated array of malloc'd strings whose first
/// entry is what replaces the word (the one match, or the longest common prefix of several).
private func matchArray(_ candidates: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    guard let first = candidates.first else { return nil }
    let entries = candidates.count == 1 ? [first] : [commonPrefix(candidates)] + candidates
    guard let array = malloc((entries.count + 1) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)?
        .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1) else { return nil }
    for (i, entry) in entries.enumerated() { array[i] = strdup(entry) }
    array[entries.count] = nil
    return array
}

/// The longest prefix (in whole characters) that every string starts with.
func commonPrefix(_ strings: [String]) -> String {
    guard var prefix = strings.first.map(Array.init) else { return "" }
    for string in strings.dropFirst() {
        let characters = Array(string)
        var n = 0
        while n < prefix.count, n < characters.count, prefix[n] == characters[n] { n += 1 }
        prefix.removeSubrange(n...)
    }
    return String(prefix)
}
