import Testing
@testable import RNNScript

@Suite struct ParserTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let source: String
        /// The script printed back in canonical form.
        let canonical: String
        var testDescription: String { source.debugDescription }
    }

    static let cases: [Case] = [
        Case(source: "seed 7", canonical: "seed 7"),
        Case(source: "data sine sequences=15 length=20_000 noise=0.01", canonical: "data sine sequences=15 length=20_000 noise=0.01"),
        Case(source: "data csv \"prices.csv\" column=close key=ticker", canonical: "data csv \"prices.csv\" column=close key=ticker"),
        Case(source: "targets q gamma=0.9 actions=buy,sell,hold", canonical: "targets q gamma=0.9 actions=buy,sell,hold"),
        Case(source: "schedule splits 100, 50 ,10,\n  2,1 patience=20 min_delta=0",
             canonical: "schedule splits 100,50,10,2,1 patience=20 min_delta=0"),
        Case(source: "schedule lr plateau factor=0.1 min_lr=1e-6", canonical: "schedule lr plateau factor=0.1 min_lr=1e-6"),
        Case(source: "model dense 64 relu -> noise 0.1 ->\n      lstm 64->dense 2",
             canonical: "model dense 64 relu -> noise 0.1 -> lstm 64 -> dense 2"),
        Case(source: "optimizer sgd lr = 0.01 momentum=0.9 nesterov=true", canonical: "optimizer sgd lr=0.01 momentum=0.9 nesterov=true"),
        Case(source: "clip norm 1.0   # per tensor", canonical: "clip norm 1.0"),
        Case(source: "train epochs=$epochs name=\"opt-${opt}\" until=1e-4", canonical: "train epochs=$epochs name=\"opt-$opt\" until=1e-4"),
        Case(source: "plot loss a b log smooth=0.6 to \"out.svg\"", canonical: "plot loss a b log smooth=0.6 to \"out.svg\""),
        Case(source: "export run opt-sgd to \"opt sgd.csv\"", canonical: "export run opt-sgd to \"opt sgd.csv\""),
        Case(source: "resume opt-sgd@best", canonical: "resume opt-sgd@best"),
        Case(source: "run \"other.rnn\"", canonical: "run \"other.rnn\""),
        Case(source: "let epochs = 100", canonical: "let epochs = 100"),
        Case(source: "let splits = 100, 50,10", canonical: "let splits = 100,50,10"),
        Case(source: "let name = \"a\\\"b $x${y}z\"", canonical: "let name = \"a\\\"b $x${y}z\""),
        Case(source: "let copy=$other", canonical: "let copy = $other"),
        Case(source: "for opt in sgd rmsprop adam { optimizer $opt }", canonical: "for opt in sgd rmsprop adam { optimizer $opt }"),
        Case(source: "for k in 100,50,10 {\n  schedule splits $k\n}", canonical: "for k in 100,50,10 { schedule splits $k }"),
        Case(source: "for x in $list a,b c {\n}", canonical: "for x in $list a,b c { }"),
        Case(source: "repeat 3 { train epochs=1 }", canonical: "repeat 3 { train epochs=1 }"),
        Case(source: "repeat $n {\n  reset\n\n  train epochs=1;evaluate\n}\n",
             canonical: "repeat $n { reset; train epochs=1; evaluate }"),
        Case(source: "for a in x y { for b in 1,2 {\n repeat 2 { reset } } }",
             canonical: "for a in x y { for b in 1,2 { repeat 2 { reset } } }"),
        Case(source: "for x in a\n{\n  reset\n}", canonical: "for x in a { reset }"),
        Case(source: "repeat 2\r\n\r\n{ reset }", canonical: "repeat 2 { reset }"),
        Case(source: "a; b;; c\n\n;", canonical: "a\nb\nc"),
        Case(source: "x \\\n  y", canonical: "x y"),
        Case(source: "compare let for repeat in", canonical: "compare let for repeat in"),
        Case(source: "seed 1\r\nshow\rquit", canonical: "seed 1\nshow\nquit"),
        Case(source: "", canonical: ""),
        Case(source: "\n # nothing\n;;\n", canonical: ""),
    ]

    @Test(arguments: cases)
    func parsesToTheExpectedShape(_ c: Case) {
        let (script, diagnostics) = parse(c.source)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
        #expect(script.description == c.canonical)
        // The canonical text parses to the same tree.
        let (again, more) = parse(script.description)
        #expect(more.isEmpty)
        #expect(again.description == c.canonical)
    }

    /// SPEC §3's example, node by node.
    @Test func specExampleParses() throws {
        let (script, diagnostics) = parse(specExample)
        #expect(diagnostics.isEmpty)
        #expect(script.statements.count == 9)

        let heads = script.statements.map { statement -> String in
            switch statement {
            case let .command(command): command.head.name
            case .letBinding: "let"
            case .forLoop: "for"
            case .repeatLoop: "repeat"
            }
        }
        #expect(heads == ["seed", "data", "features", "targets", "model", "let", "for", "compare", "plot"])

        guard case let .command(data) = script.statements[1] else { throw Failed("data") }
        #expect(data.arguments.map(\.kind) == [
            .positional(Value(.word("sine"), range: range(3, 6, 3, 10))),
            .option(key: Identifier("sequences", range: range(3, 11, 3, 20)),
                    value: Value(.number(text: "15", value: 15), range: range(3, 21, 3, 23))),
            .option(key: Identifier("length", range: range(3, 24, 3, 30)),
                    value: Value(.number(text: "20000", value: 20000), range: range(3, 31, 3, 36))),
        ])
        #expect(data.range == range(3, 1, 3, 36))

        guard case let .letBinding(binding) = script.statements[5] else { throw Failed("let") }
        #expect(binding.name.name == "epochs" && binding.value.integerValue == 100)

        guard case let .forLoop(loop) = script.statements[6] else { throw Failed("for") }
        #expect(loop.variable.name == "opt")
        #expect(loop.values.map(\.kind) == [.word("sgd"), .word("rmsprop"), .word("adam")])
        #expect(loop.range == range(8, 1, 12, 2))
        #expect(loop.body.range == range(8, 29, 12, 2))
        #expect(loop.body.statements.map(\.description) == ["reset", "optimizer $opt", "train epochs=$epochs name=\"opt-$opt\""])

        guard case let .command(train) = loop.body.statements[2] else { throw Failed("train") }
        #expect(train.range == range(11, 3, 11, 39))
        guard case let .option(key, value) = train.arguments[1].kind, case let .string(parts) = value.kind else {
            throw Failed("name=")
        }
        #expect(key.name == "name")
        #expect(parts == [StringPart(.text("opt-"), range: range(11, 30, 11, 34)),
                          StringPart(.variable("opt"), range: range(11, 34, 11, 38))])
        guard case let .option(_, epochs) = train.arguments[0].kind else { throw Failed("epochs=") }
        #expect(epochs.kind == .variable("epochs") && epochs.range == range(11, 16, 11, 23))

        guard case let .command(plot) = script.statements[8] else { throw Failed("plot") }
        #expect(plot.arguments.last?.kind == .positional(Value(.string([StringPart(.text("optimizers.svg"),
                                                                                    range: range(14, 44, 14, 58))]),
                                                                  range: range(14, 43, 14, 59))))
        #expect(script.range == range(1, 1, 15, 1))
    }

    @Test func modelSegmentsSplitAtArrows() throws {
        let (script, _) = parse("model dense 64 relu -> noise 0.1 -> lstm 64")
        guard case let .command(model) = script.statements.first else { throw Failed("model") }
        #expect(model.segments.map { $0.map(\.description) } == [["dense", "64", "relu"], ["noise", "0.1"], ["lstm", "64"]])
        #expect(model.arguments[3].range == range(1, 21, 1, 23))
    }

    @Test func listsKeepEveryElementWithItsRange() throws {
        let (script, _) = parse("schedule splits 100, 50,\n  10")
        guard case let .command(command) = script.statements.first,
              case let .positional(list) = command.arguments[1].kind,
              case let .list(elements) = list.kind else { throw Failed("list") }
        #expect(elements.map(\.range) == [range(1, 17, 1, 20), range(1, 22, 1, 24), range(2, 3, 2, 5)])
        #expect(list.range == range(1, 17, 2, 5))
    }

    /// A statement with an error is left out; the rest of the script is kept.
    @Test func badStatementsAreLeftOut() {
        let (script, diagnostics) = parse("seed 7\nlet = 3\nshow\nfor x in a {\n  reset\n  train ,\n}\n")
        #expect(diagnostics.count == 2)
        #expect(script.description == "seed 7\nshow\nfor x in a { reset }")
    }

    struct MoreInput: Sendable, CustomTestStringConvertible {
        let text: String
        let needsMore: Bool
        var testDescription: String { text.debugDescription }
    }

    static let moreInputCases: [MoreInput] = [
        MoreInput(text: "for opt in sgd adam {", needsMore: true),
        MoreInput(text: "for opt in sgd adam {\n", needsMore: true),
        MoreInput(text: "for x in a {  # open\r\n  reset", needsMore: true),
        MoreInput(text: "repeat 3 {\n  reset\n  for b in y {\n  }", needsMore: true),
        MoreInput(text: "for a in x { for b in y {", needsMore: true),
        MoreInput(text: "train \\", needsMore: true),
        MoreInput(text: "train epochs=1 \\  ", needsMore: true),
        MoreInput(text: "model dense 64 relu ->", needsMore: true),
        MoreInput(text: "model dense 64 relu ->\n", needsMore: true),
        MoreInput(text: "schedule splits 100,", needsMore: true),
        MoreInput(text: "", needsMore: false),
        MoreInput(text: "seed 7", needsMore: false),
        MoreInput(text: "for x in a { reset }", needsMore: false),
        MoreInput(text: "for x in a {\n reset\n}\n", needsMore: false),
        MoreInput(text: "let x =", needsMore: false),
        MoreInput(text: "for x in a b", needsMore: true),
        MoreInput(text: "repeat 3\n", needsMore: true),
        MoreInput(text: "for x in a b\n\ntrain", needsMore: false),
        MoreInput(text: "}", needsMore: false),
        MoreInput(text: "train name=\"abc", needsMore: false),
        MoreInput(text: "for x in a {\n  let = 3", needsMore: false),
        MoreInput(text: "for x in a {\n  train name=\"x", needsMore: false),
        MoreInput(text: "for x in a { seed 7 ☃", needsMore: false),
        MoreInput(text: "# comment \\", needsMore: false),
        MoreInput(text: "train name=\"a\\", needsMore: false),
        MoreInput(text: "model -> ", needsMore: false),
    ]

    @Test(arguments: moreInputCases)
    func needsMoreInput(_ c: MoreInput) {
        #expect(Parser.needsMoreInput(c.text) == c.needsMore)
    }

    /// What a REPL does: keep reading while more is needed, then the whole cell parses.
    @Test func continuationLinesCompleteACell() {
        let lines = ["for opt in sgd adam {", "  optimizer $opt", "  train epochs=1 \\", "    name=\"opt-$opt\"", "}"]
        var cell = ""
        var prompts: [Bool] = []
        for line in lines {
            cell += cell.isEmpty ? line : "\n" + line
            prompts.append(Parser.needsMoreInput(cell))
        }
        #expect(prompts == [true, true, true, true, false])
        #expect(parse(cell).script.description == "for opt in sgd adam { optimizer $opt; train epochs=1 name=\"opt-$opt\" }")
    }
}

@Suite struct ValueTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let expected: String?
        let messages: [String]
        var testDescription: String { text.debugDescription }
    }

    /// `--set NAME=VALUE` values.
    static let cases: [Case] = [
        Case(text: "300", expected: "300", messages: []),
        Case(text: "100,50, 10", expected: "100,50,10", messages: []),
        Case(text: "adam", expected: "adam", messages: []),
        Case(text: "\"my run\"", expected: "\"my run\"", messages: []),
        Case(text: "$other", expected: "$other", messages: []),
        Case(text: "", expected: nil, messages: ["1:1: expected a value after '='"]),
        Case(text: "my run", expected: nil,
             messages: ["1:4: expected one value and nothing after it (a list is written a,b,c; text with spaces goes in double quotes)"]),
        Case(text: "1e999", expected: nil, messages: ["1:1: number out of range: '1e999' (the largest magnitude is about 1.8e308)"]),
        Case(text: "a;b", expected: nil,
             messages: ["1:2: expected one value and nothing after it (a list is written a,b,c; text with spaces goes in double quotes)"]),
    ]

    @Test(arguments: cases)
    func parsesOneValue(_ c: Case) {
        let (value, diagnostics) = Parser.parseValue(c.text, file: "--set")
        #expect(value?.description == c.expected)
        #expect(diagnostics.map { "\($0.location.lineColumn): \($0.message)" } == c.messages)
    }
}

struct Failed: Error, CustomStringConvertible {
    let description: String
    init(_ what: String) { description = "unexpected shape: \(what)" }
}
