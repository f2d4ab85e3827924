import Testing
@testable import RNNScript

@Suite struct DiagnosticTests {
    struct Golden: Sendable, CustomTestStringConvertible {
        let source: String
        let expected: String
        var limits = Parser.Limits()
        var testDescription: String { source.debugDescription }
    }

    /// Every diagnostic the lexer and parser produce, rendered exactly.
    static let lexerGoldens: [Golden] = [
        Golden(source: "seed 7 %", expected: #"""
            t.rnn:1:8: error: unexpected character '%'
            seed 7 %
                   ^
            """#),
        Golden(source: "train name=“x”", expected: #"""
            t.rnn:1:12: error: unexpected character '“' (U+201C) (strings are written in straight double quotes)
            train name=“x”
                       ^
            t.rnn:1:14: error: unexpected character '”' (U+201D) (strings are written in straight double quotes)
            train name=“x”
                         ^
            """#),
        Golden(source: "train name='x", expected: #"""
            t.rnn:1:12: error: unterminated string (strings close with '"' on the same line)
            train name='x
                       ^~
            """#),
        Golden(source: "seed\u{A0}7", expected: #"""
            t.rnn:1:5: error: unexpected character U+00A0 (NO-BREAK SPACE) (use a plain space)
            seed\#u{A0}7
                ^
            """#),
        Golden(source: "seed 7\u{0}", expected: #"""
            t.rnn:1:7: error: unexpected character U+0000 (a control character)
            seed 7\#u{FFFD}
                  ^
            """#),
        Golden(source: "seed\u{200B} 7", expected: #"""
            t.rnn:1:5: error: unexpected character U+200B (ZERO WIDTH SPACE)
            seed\#u{FFFD} 7
                ^
            """#),
        Golden(source: "optimizer sgd lr=(0.1)", expected: #"""
            t.rnn:1:18: error: unexpected character '(' (lists are written without brackets: a,b,c)
            optimizer sgd lr=(0.1)
                             ^
            t.rnn:1:22: error: unexpected character ')' (lists are written without brackets: a,b,c)
            optimizer sgd lr=(0.1)
                                 ^
            """#),
        Golden(source: "data csv ./data.csv", expected: #"""
            t.rnn:1:10: error: unexpected './data.csv' (names start with a letter or '_'; put file names and other text in double quotes)
            data csv ./data.csv
                     ^~~~~~~~~~
            """#),
        Golden(source: "model dense 64relu", expected: #"""
            t.rnn:1:13: error: malformed number '64relu' (numbers look like 12, -0.5, 1e-3 or 20_000; names start with a letter or '_')
            model dense 64relu
                        ^~~~~~
            """#),
        Golden(source: "optimizer adam lr=1e999", expected: #"""
            t.rnn:1:19: error: number out of range: '1e999' (the largest magnitude is about 1.8e308)
            optimizer adam lr=1e999
                              ^~~~~
            """#),
        Golden(source: "train name=\"opt-$opt\nshow", expected: #"""
            t.rnn:1:12: error: unterminated string (strings close with '"' on the same line)
            train name="opt-$opt
                       ^~~~~~~~~
            """#),
        Golden(source: #"train name="a\qb""#, expected: #"""
            t.rnn:1:14: error: unknown escape '\q' in a string (the escapes are \", \\, \n, \t and \$)
            train name="a\qb"
                         ^~
            """#),
        Golden(source: "optimizer $ adam", expected: #"""
            t.rnn:1:11: error: expected a variable name after '$' (names start with a letter or '_')
            optimizer $ adam
                      ^
            """#),
        Golden(source: #"train name="cost $5""#, expected: #"""
            t.rnn:1:18: error: expected a variable name after '$' (write \$ for a dollar sign)
            train name="cost $5"
                             ^
            """#),
        Golden(source: "train epochs=${} seed", expected: #"""
            t.rnn:1:14: error: expected a variable name after '${'
            train epochs=${} seed
                         ^~
            """#),
        Golden(source: #"train name="${opt""#, expected: #"""
            t.rnn:1:13: error: expected '}' after '${opt'
            train name="${opt"
                        ^~~~~
            """#),
        Golden(source: #"train \ epochs=1"#, expected: #"""
            t.rnn:1:7: error: unexpected '\' (outside strings, '\' only continues a line, as its last character)
            train \ epochs=1
                  ^
            """#),
        Golden(source: #"train \"#, expected: #"""
            t.rnn:1:7: warning: '\' continues the line, but the input ends here
            train \
                  ^
            """#),
        Golden(source: "a b c d e f", expected: #"""
            t.rnn:1:9: error: input is too long (more than 4 tokens); stopping here
            a b c d e f
                    ^
            """#, limits: Parser.Limits(maxTokens: 4)),
    ]

    static let parserGoldens: [Golden] = [
        Golden(source: "3 seed", expected: #"""
            t.rnn:1:1: error: expected a command, found '3'
            3 seed
            ^
            """#),
        Golden(source: "\"seed\" 7", expected: #"""
            t.rnn:1:1: error: expected a command, found a string
            "seed" 7
            ^~~~~~
            """#),
        Golden(source: "{ reset }", expected: #"""
            t.rnn:1:1: error: expected a command, found '{' (a block follows 'for NAME in VALUES' or 'repeat N')
            { reset }
            ^
            """#),
        Golden(source: "reset }", expected: #"""
            t.rnn:1:7: error: unexpected '}' (no block is open)
            reset }
                  ^
            """#),
        Golden(source: "seed 1\nfor opt in sgd adam {\n  optimizer $opt\n", expected: #"""
            t.rnn:3:17: error: expected '}' to close the block opened at 2:21
              optimizer $opt
                            ^
            t.rnn:2:21: note: the block opened here
            for opt in sgd adam {
                                ^
            """#),
        Golden(source: "let x 3", expected: #"""
            t.rnn:1:7: error: expected '=' after 'let x'
            let x 3
                  ^
            """#),
        Golden(source: "let x =", expected: #"""
            t.rnn:1:8: error: expected a value after '='
            let x =
                   ^
            """#),
        Golden(source: "let $x = 3", expected: #"""
            t.rnn:1:5: error: expected a variable name after 'let' (write 'x' without '$')
            let $x = 3
                ^~
            """#),
        Golden(source: "let = 3", expected: #"""
            t.rnn:1:5: error: expected a variable name after 'let'
            let = 3
                ^
            """#),
        Golden(source: "let opt-x = 3", expected: #"""
            t.rnn:1:5: error: invalid variable name 'opt-x' (use letters, digits and '_', starting with a letter or '_')
            let opt-x = 3
                ^~~~~
            """#),
        Golden(source: "let x = 3 4", expected: #"""
            t.rnn:1:11: error: expected a newline or ';' after the value of 'x' (a list is written a,b,c)
            let x = 3 4
                      ^
            """#),
        Golden(source: "for in a { }", expected: #"""
            t.rnn:1:5: error: expected a loop variable after 'for'
            for in a { }
                ^~
            """#),
        Golden(source: "for x a { }", expected: #"""
            t.rnn:1:7: error: expected 'in' after 'for x'
            for x a { }
                  ^
            """#),
        Golden(source: "for x in { }", expected: #"""
            t.rnn:1:10: error: expected the values to loop over after 'in'
            for x in { }
                     ^
            """#),
        Golden(source: "for x in a b\n\ntrain", expected: #"""
            t.rnn:1:13: error: expected '{' after the loop values
            for x in a b
                        ^
            """#),
        Golden(source: "for x in a { reset } show", expected: #"""
            t.rnn:1:22: error: expected a newline or ';' after '}'
            for x in a { reset } show
                                 ^~~~
            """#),
        Golden(source: "repeat { reset }", expected: #"""
            t.rnn:1:8: error: expected a count after 'repeat' (a number or a $variable)
            repeat { reset }
                   ^
            """#),
        Golden(source: "repeat three { reset }", expected: #"""
            t.rnn:1:8: error: expected a number or a $variable after 'repeat', found 'three'
            repeat three { reset }
                   ^~~~~
            """#),
        Golden(source: "train { }", expected: #"""
            t.rnn:1:7: error: unexpected '{' (a block follows 'for NAME in VALUES' or 'repeat N')
            train { }
                  ^
            """#),
        Golden(source: "train = 5", expected: #"""
            t.rnn:1:7: error: expected an option name before '=' (options are written name=value)
            train = 5
                  ^
            """#),
        Golden(source: "train a=1,b=2", expected: #"""
            t.rnn:1:12: error: expected an option name before '=' (separate options with spaces: a=1 b=2)
            train a=1,b=2
                       ^
            """#),
        Golden(source: "train , a", expected: #"""
            t.rnn:1:7: error: expected a value before ','
            train , a
                  ^
            """#),
        Golden(source: "schedule splits 100,,50", expected: #"""
            t.rnn:1:21: error: expected a value after ','
            schedule splits 100,,50
                                ^
            """#),
        Golden(source: "train epochs= ; show", expected: #"""
            t.rnn:1:14: error: expected a value after 'epochs='
            train epochs= ; show
                         ^
            """#),
        Golden(source: "train name=run-$opt", expected: #"""
            t.rnn:1:12: error: expected a space between 'run-' and '$opt' (to join text and variables, write one string: "run-$opt")
            train name=run-$opt
                       ^~~~~~~~
            """#),
        Golden(source: "model -> lstm 64", expected: #"""
            t.rnn:1:7: error: expected a layer before '->'
            model -> lstm 64
                  ^~
            """#),
        Golden(source: "model lstm 64 -> -> dense 2", expected: #"""
            t.rnn:1:18: error: expected a layer after '->' (such as 'lstm 64')
            model lstm 64 -> -> dense 2
                             ^~
            """#),
        Golden(source: "repeat 1 { repeat 1 { repeat 1 { reset } } }\nshow", expected: #"""
            t.rnn:1:32: error: blocks nest too deeply (the limit is 2 levels); stopping here
            repeat 1 { repeat 1 { repeat 1 { reset } } }
                                           ^
            """#, limits: Parser.Limits(maxDepth: 2)),
        Golden(source: "% ; let = 1\n%\n%\n%", expected: #"""
            t.rnn:1:1: error: unexpected character '%'
            % ; let = 1
            ^
            t.rnn:1:9: error: expected a variable name after 'let'
            % ; let = 1
                    ^
            t.rnn:2:1: error: unexpected character '%'
            %
            ^
            t.rnn:2:1: error: too many errors (3); stopping here
            %
            ^
            """#, limits: Parser.Limits(maxErrors: 3)),
        Golden(source: "\tseed 7 %", expected: "t.rnn:1:9: error: unexpected character '%'\n\tseed 7 %\n\t       ^"),
    ]

    @Test(arguments: lexerGoldens + parserGoldens)
    func rendersExactly(_ golden: Golden) {
        #expect(rendered(golden.source, limits: golden.limits) == golden.expected)
    }

    @Test func colourFollowsClang() {
        let source = "seed 7 %"
        let diagnostic = parse(source).diagnostics[0]
        let esc = "\u{1B}"
        #expect(diagnostic.render(source: source, color: true) == """
            \(esc)[1mt.rnn:1:8: \(esc)[1;31merror:\(esc)[0m\(esc)[1m unexpected character '%'\(esc)[0m
            seed 7 %
                   \(esc)[1;32m^\(esc)[0m
            """)
    }

    /// Several errors in one script: each line's error is reported, and the good statements
    /// between them are kept.
    @Test func severalErrorsAndResynchronisation() {
        let source = """
            seed 7
            data sine sequences=15 length=20000 noise=
            features deltas window=128
            let = 3; targets q gamma=0.9
            for opt in sgd rmsprop adam {
              optimizer $opt lr=1e999
              train epochs=$epochs name="opt-$opt
              reset
            }
            model dense 64relu -> lstm 64
            compare opt-sgd opt-rmsprop }
            plot loss to "x.svg"
            """
        let (script, diagnostics) = parse(source)
        #expect(diagnostics.map { "\($0.location.lineColumn): \($0.message)" } == [
            "2:43: expected a value after 'noise='",
            "4:5: expected a variable name after 'let'",
            "6:21: number out of range: '1e999' (the largest magnitude is about 1.8e308)",
            "7:29: unterminated string (strings close with '\"' on the same line)",
            "10:13: malformed number '64relu' (numbers look like 12, -0.5, 1e-3 or 20_000; names start with a letter or '_')",
            "11:29: unexpected '}' (no block is open)",
        ])
        #expect(script.description == """
            seed 7
            features deltas window=128
            targets q gamma=0.9
            for opt in sgd rmsprop adam { reset }
            compare opt-sgd opt-rmsprop
            plot loss to "x.svg"
            """)
    }

    /// A block whose header is broken is still parsed for its own errors.
    @Test func errorsInsideTheBlockOfABrokenHeaderAreReported() {
        #expect(summaries("for x a {\n  let = 1\n}\nrepeat 2 { x, }") == [
            "1:7: error: expected 'in' after 'for x'",
            "2:7: error: expected a variable name after 'let'",
            "4:13: error: expected a value before ','",
        ])
    }

    @Test func crlfAndCRCountAsOneLineEach() {
        let source = "seed 7\r\nlet = 3\r\n\r\ntrain %\rshow }\n"
        #expect(summaries(source) == [
            "2:5: error: expected a variable name after 'let'",
            "4:7: error: unexpected character '%'",
            "5:6: error: unexpected '}' (no block is open)",
        ])
        #expect(rendered(source).split(separator: "\n").contains("train %"))
    }

    @Test func continuationLinesKeepTheirOwnLineNumbers() {
        #expect(summaries("model dense 64 relu \\\n  -> lstm 64 \\\n  -> %\nshow ,") == [
            "3:6: error: unexpected character '%'",
            "4:6: error: expected a value before ','",
        ])
    }

    @Test func commentsAndSemicolonsSeparateStatements() {
        #expect(summaries("seed 7 # a comment with % and \"\nshow; = ; show # }") == [
            "2:7: error: expected a command, found '='",
        ])
    }

    @Test func renderingCorners() {
        let source = "abcdef\nxy"
        let spanning = Diagnostic.error("spans", range: range(1, 3, 2, 2))
        #expect(spanning.render(source: source, color: false) == "t.rnn:1:3: error: spans\nabcdef\n  ^~~~")
        let pastTheEnd = Diagnostic.error("at the end", range: range(1, 7, 1, 7))
        #expect(pastTheEnd.render(source: source, color: false) == "t.rnn:1:7: error: at the end\nabcdef\n      ^")
        let noSuchLine = Diagnostic.warning("elsewhere", range: range(9, 1, 9, 2))
        #expect(noSuchLine.render(source: source, color: false) == "t.rnn:9:1: warning: elsewhere")
        let hostile = Diagnostic.error("a\u{1B}[2Jb", range: range(1, 1, 1, 2))
        #expect(hostile.description == "t.rnn:1:1: error: a\u{FFFD}[2Jb")
        let hostileFile = Diagnostic.error("m", range: SourceRange(at: RNNScript.SourceLocation(file: "a\u{1B}]0;x\u{7}", line: 1, column: 1)))
        #expect(hostileFile.render(source: "", color: true).unicodeScalars.filter { $0 == "\u{7}" }.isEmpty)
        #expect(Diagnostic.line(1, of: "\u{FEFF}seed") == Array("seed".unicodeScalars))
        #expect(Diagnostic.line(3, of: "a\r\n\rc") == ["c"])
    }
}
