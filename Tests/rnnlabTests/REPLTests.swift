import Foundation
import Testing

/// The REPL in a real pseudo-terminal (tmux): prompts, continuation, history, completion,
/// Ctrl-C at the prompt and while training, Ctrl-D.
@Suite struct REPLTests {
    @Test(.timeLimit(.minutes(3)))
    func aSessionAtTheTerminal() throws {
        // A test that cannot run fails and says why, never skips.
        try #require(TmuxSession.executable != nil, "tmux is not installed: scripts/setup installs it")
        let binary = try #require(Binary.url, "rnnlab is not built")
        let work = try Scratch()
        try work.write("sample-prices.csv", "price\n1\n")
        let session = try TmuxSession([binary.path, "--store", work.file("s.sqlite").path], in: work.url,
                                      environment: ["INPUTRC": "/dev/null"])
        try session.waitForLastLine("[1]>")
        #expect(try session.screen().contains { $0.hasPrefix("rnnlab ") && $0.contains("· store ") && $0.contains("'help'") },
                "a one-line banner before the first prompt")

        // A cell runs and the prompt counts it.
        try session.type("seed 7")
        try session.press("Enter")
        try session.waitForLastLine("[2]>")

        // Up recalls it; Ctrl-C abandons the recalled line without running it.
        try session.press("Up")
        try session.waitForLastLine("[2]> seed 7")
        try session.press("C-c")
        try session.waitFor("a fresh [2] prompt under the abandoned line") { lines in
            lines.last == "[2]>" && lines.dropLast().last?.hasPrefix("[2]> seed 7") == true
        }

        // An error names the cell and counts as a cell.
        try session.type("seed (")
        try session.press("Enter")
        try session.waitFor("the diagnostic and prompt 3") { lines in
            lines.contains("[2]:1:6: error: unexpected character '(' (lists are written without brackets: a,b,c)")
                && lines.last == "[3]>"
        }

        // A block continues over lines with '...>' and is one cell.
        try session.type("for x in a b {")
        try session.press("Enter")
        try session.waitForLastLine("...>")
        try session.type("  seed 1")
        try session.press("Enter")
        try session.waitForLastLine("...>")
        try session.type("}")
        try session.press("Enter")
        try session.waitForLastLine("[4]>")

        // Ctrl-C in a block drops the lines typed so far.
        try session.type("repeat 2 {")
        try session.press("Enter")
        try session.waitForLastLine("...>")
        try session.press("C-c")
        try session.waitForLastLine("[4]>")
        try session.type("seed 2")
        try session.press("Enter")
        try session.waitForLastLine("[5]>")

        // History holds whole cells (the block as one entry), not the abandoned one.
        try session.press("Up")
        try session.waitForLastLine("[5]> seed 2")
        try session.press("Up")
        try session.waitFor("the block recalled as one entry") { Array($0.suffix(3)) == ["[5]> for x in a b {", "  seed 1", "}"] }
        try session.press("C-c")
        try session.waitForLastLine("[5]>")

        // Tab completes a file name inside a string (the closing quote is added).
        try session.type("data csv \"sample-p")
        try session.press("Tab")
        try session.waitForLastLine("[5]> data csv \"sample-prices.csv\"")
        try session.press("Enter")
        try session.waitForLastLine("[6]>")

        // Tab completes a command from the command table.
        try session.type("opt")
        try session.press("Tab")
        try session.waitForLastLine("[6]> optimizer")
        try session.type("sgd")
        try session.press("Enter")
        try session.waitForLastLine("[7]>")

        // Ctrl-C while training stops it promptly, rolls back to the last whole epoch, and the
        // next command works.
        try session.type("data sine sequences=2 length=400; features deltas window=4; model lstm 8 -> dense 2")
        try session.press("Enter")
        try session.waitForLastLine("[8]>")
        try session.type("train epochs=100000 name=\"long\"")
        try session.press("Enter")
        // Any epoch line: this small run makes hundreds a second, so epoch 1 may have scrolled away.
        try session.waitFor("an epoch line") { lines in
            lines.contains { $0.hasPrefix("epoch ") && $0.contains("/100000  loss") }
        }
        try session.press("C-c")
        try session.waitFor("the interrupted run and a prompt") { lines in
            lines.contains { $0.contains("run 'long' interrupted: rolled back to epoch") } && lines.last == "[9]>"
        }
        // Every epoch the run kept is on screen: Ctrl-C does not discard output written before it
        // (the terminal driver flushes its output queue unless NOFLSH is set).
        // (The terminal echoes the Ctrl-C as "^C" where the cursor was: at the start of a line.)
        let screen = try session.screen().map { $0.hasPrefix("^C") ? String($0.dropFirst(2)) : $0 }
        let message = try #require(screen.first { $0.hasPrefix("run 'long' interrupted: rolled back to epoch ") },
                                   "\(screen.joined(separator: "\n"))")
        let kept = try #require(Int(message.dropFirst("run 'long' interrupted: rolled back to epoch ".count)
            .prefix { $0.isNumber }))
        #expect(screen.contains { $0.hasPrefix("epoch \(kept)/100000  loss") }, "\(screen.joined(separator: "\n"))")
        try session.type("show run")
        try session.press("Enter")
        try session.waitFor("the run still there") { lines in
            lines.contains { $0.hasPrefix("run 'long': ") } && lines.last == "[10]>"
        }

        // Ctrl-D on an empty prompt ends the session with status 0.
        try session.press("C-d")
        #expect(try session.waitForExit() == 0)

        // A new session on the same store: arrow-up reaches the last one's cells, and its
        // record shows the interrupted training cell as such.
        let next = try TmuxSession([binary.path, "--store", work.file("s.sqlite").path], in: work.url,
                                   environment: ["INPUTRC": "/dev/null"])
        try next.waitForLastLine("[1]>")
        try next.press("Up")
        try next.waitForLastLine("[1]> show run")
        try next.press("C-c")
        try next.waitForLastLine("[1]>")
        try next.type("history session 1 last 3")
        try next.press("Enter")
        try next.waitFor("the first session's last cells") { lines in
            lines.contains { $0.hasPrefix("[8]") && $0.contains("train epochs=100000") && $0.hasSuffix("✗ interrupted") }
                && lines.contains { $0.hasPrefix("[9]") && $0.contains("show run") } && lines.last == "[2]>"
        }
        try next.press("C-d")
        #expect(try next.waitForExit() == 0)
    }
}
