import Testing
@testable import RNNScript

@Suite struct LexerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let source: String
        let tokens: [String]
        var testDescription: String { source.debugDescription }
    }

    /// Realistic lines from SPEC §3, and the corners of each token kind.
    static let cases: [Case] = [
        Case(source: "seed 7", tokens: ["seed", "#7=7.0"]),
        Case(source: "data sine sequences=15 length=20000",
             tokens: ["data", "sine", "sequences", "=", "#15=15.0", "length", "=", "#20000=20000.0"]),
        Case(source: "schedule splits 100,50,10,2,1 patience=20",
             tokens: ["schedule", "splits", "#100=100.0", ",", "#50=50.0", ",", "#10=10.0", ",", "#2=2.0", ",",
                      "#1=1.0", "patience", "=", "#20=20.0"]),
        Case(source: "model dense 64 relu->noise 0.1 -> lstm 64",
             tokens: ["model", "dense", "#64=64.0", "relu", "->", "noise", "#0.1=0.1", "->", "lstm", "#64=64.0"]),
        Case(source: "lstm 64->dense 2", tokens: ["lstm", "#64=64.0", "->", "dense", "#2=2.0"]),
        Case(source: "optimizer adam lr=1e-3 eps=1E+3 beta1=.5 momentum=-0.25",
             tokens: ["optimizer", "adam", "lr", "=", "#1e-3=0.001", "eps", "=", "#1E+3=1000.0", "beta1", "=",
                      "#.5=0.5", "momentum", "=", "#-0.25=-0.25"]),
        Case(source: "data sine length=20_000 walk=1_000.5 x=-.5 y=-1",
             tokens: ["data", "sine", "length", "=", "#20_000=20000.0", "walk", "=", "#1_000.5=1000.5",
                      "x", "=", "#-.5=-0.5", "y", "=", "#-1=-1.0"]),
        Case(source: "train epochs=$epochs name=\"opt-$opt\"",
             tokens: ["train", "epochs", "=", "$epochs", "name", "=", "\"opt-|$opt\""]),
        Case(source: "plot loss opt-sgd opt-rmsprop to \"optimizers.svg\"",
             tokens: ["plot", "loss", "opt-sgd", "opt-rmsprop", "to", "\"optimizers.svg\""]),
        Case(source: "resume opt-sgd@best; checkpoint load run-3@100",
             tokens: ["resume", "opt-sgd@best", ";", "checkpoint", "load", "run-3@100"]),
        Case(source: "features deltas window=128 scale=zscore # the article's features",
             tokens: ["features", "deltas", "window", "=", "#128=128.0", "scale", "=", "zscore"]),
        Case(source: "for x in a { reset }", tokens: ["for", "x", "in", "a", "{", "reset", "}"]),
        Case(source: "let x = ${y}", tokens: ["let", "x", "=", "$y"]),
        Case(source: #""a\"b\\c\nd\te\$f""#, tokens: ["\"a\"b\\c\nd\te$f\""]),
        Case(source: ##""${opt}x $a$b" "" "#no comment""##, tokens: ["\"$opt|x |$a|$b\"", "\"\"", "\"#no comment\""]),
        // Single quotes: the text as written, as in a shell (no interpolation, no escapes).
        Case(source: #"compare 't-*' '$x\n' ''"#, tokens: ["compare", "\"t-*\"", "\"$x\\n\"", "\"\""]),
        Case(source: "a \\\nb", tokens: ["a", "b"]),
        Case(source: "a \\  \t\r\nb", tokens: ["a", "b"]),
        Case(source: "a\r\nb\rc\nd", tokens: ["a", "⏎", "b", "⏎", "c", "⏎", "d"]),
        Case(source: "# only a comment\n", tokens: ["⏎"]),
        Case(source: "\u{FEFF}seed 1", tokens: ["seed", "#1=1.0"]),
        Case(source: "x\u{0B}\u{0C}y", tokens: ["x", "y"]),
        Case(source: "_private run_2 a/b.c", tokens: ["_private", "run_2", "a/b.c"]),
    ]

    @Test(arguments: cases)
    func tokensOfRealisticLines(_ c: Case) {
        let (_, diagnostics) = Lexer.tokenize(c.source, file: testFile)
        #expect(tokens(c.source) == c.tokens)
        #expect(diagnostics.isEmpty)
    }

    /// Text that looks like a number but is not one is a single malformed-number error.
    @Test(arguments: ["1.", "1..2", "20__000", "2_", "1e", "1e+", "64relu", "1.2.3", "0x10", "-5x", ".5.", "1e5e5"])
    func malformedNumbers(_ text: String) {
        let (tokens, diagnostics) = Lexer.tokenize("x=\(text) y", file: testFile)
        #expect(tokens.map(compact) == ["x", "=", "!", "y", "END"])
        #expect(diagnostics.map(\.message).first?.hasPrefix("malformed number '\(text)'") == true)
        #expect(diagnostics.count == 1)
    }

    @Test(arguments: ["1e999", "-1e400", "1" + String(repeating: "0", count: 5_000)])
    func numbersOutOfRangeAreErrorsNotTraps(_ text: String) {
        let (tokens, diagnostics) = Lexer.tokenize(text, file: testFile)
        #expect(tokens.map(\.kind) == [.invalid, .end])
        #expect(diagnostics.count == 1 && diagnostics[0].message.hasPrefix("number out of range"))
    }

    @Test func tinyNumbersUnderflowToZero() {
        #expect(tokens("1e-400") == ["#1e-400=0.0"])
    }

    /// Lines count `\r\n` once and a lone `\r` as a line break; columns count scalars.
    @Test func positionsWithMixedLineBreaks() {
        let (tokens, _) = Lexer.tokenize("a\r\nbb\r\n\r\nc\rd\n  e", file: testFile)
        let words = tokens.filter { if case .word = $0.kind { true } else { false } }
        #expect(words.map(\.range) == [range(1, 1, 1, 2), range(2, 1, 2, 3), range(4, 1, 4, 2), range(5, 1, 5, 2),
                                       range(6, 3, 6, 4)])
    }

    /// `é` written as e + U+0301, an emoji and a tab are one column each.
    @Test func columnsCountUnicodeScalars() {
        let (tokens, _) = Lexer.tokenize("\"e\u{301}😀\"\tx", file: testFile)
        #expect(tokens[0].range == range(1, 1, 1, 6))
        #expect(tokens[1].range == range(1, 7, 1, 8))
    }

    @Test func continuationJoinsLinesButKeepsPositions() {
        let (tokens, diagnostics) = Lexer.tokenize("train \\\r\n  epochs=3", file: testFile)
        #expect(tokens.map(compact) == ["train", "epochs", "=", "#3=3.0", "END"])
        #expect(tokens[1].range == range(2, 3, 2, 9))
        #expect(diagnostics.isEmpty)
    }

    @Test func stringPartsCarryTheirRanges() {
        let (tokens, _) = Lexer.tokenize(#"x "ab${c}\n$d""#, file: testFile)
        guard case let .string(parts) = tokens[1].kind else {
            Issue.record("expected a string, got \(tokens[1])")
            return
        }
        #expect(parts == [
            StringPart(.text("ab"), range: range(1, 4, 1, 6)),
            StringPart(.variable("c"), range: range(1, 6, 1, 10)),
            StringPart(.text("\n"), range: range(1, 10, 1, 12)),
            StringPart(.variable("d"), range: range(1, 12, 1, 14)),
        ])
        #expect(tokens[1].range == range(1, 3, 1, 15))
    }

    /// The lexer goes on after an error, so every problem on a line is reported.
    @Test func errorsDoNotStopTheLexer() {
        let (tokens, diagnostics) = Lexer.tokenize("a % b ‘c’ \u{200B} d", file: testFile)
        #expect(tokens.map(compact) == ["a", "!", "b", "!", "c", "!", "!", "d", "END"])
        #expect(diagnostics.count == 4)
    }

    @Test func endRepeats() {
        var lexer = Lexer(source: "x", file: testFile)
        #expect(lexer.next().kind == .word("x"))
        #expect(lexer.next().kind == .end)
        #expect(lexer.next().kind == .end)
    }

    @Test func tokenLimit() {
        let (tokens, diagnostics) = Lexer.tokenize(String(repeating: "a ", count: 100), file: testFile, maxTokens: 10)
        #expect(tokens.count == 11 && tokens.last?.kind == .end)
        #expect(diagnostics.map(\.message) == ["input is too long (more than 10 tokens); stopping here"])
    }

    @Test func trailingBackslashAtTheEndIsAWarning() {
        var lexer = Lexer(source: "train \\  ", file: testFile)
        #expect(lexer.next().kind == .word("train"))
        #expect(lexer.next().kind == .end)
        #expect(lexer.endsWithContinuation)
        #expect(lexer.diagnostics.map(\.severity) == [.warning])
    }
}
