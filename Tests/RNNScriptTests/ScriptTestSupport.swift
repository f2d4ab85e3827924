@testable import RNNScript

/// The file name every test parses under.
let testFile = "t.rnn"

func location(_ line: Int, _ column: Int) -> SourceLocation {
    SourceLocation(file: testFile, line: line, column: column)
}

func range(_ line: Int, _ column: Int, _ endLine: Int, _ endColumn: Int) -> SourceRange {
    SourceRange(start: location(line, column), end: location(endLine, endColumn))
}

func parse(_ source: String, limits: Parser.Limits = Parser.Limits()) -> (script: Script, diagnostics: [Diagnostic]) {
    Parser.parse(source, file: testFile, limits: limits)
}

/// The rendered diagnostics of a source, without colour.
func rendered(_ source: String, limits: Parser.Limits = Parser.Limits()) -> String {
    Diagnostic.render(parse(source, limits: limits).diagnostics, source: source, color: false)
}

/// `LINE:COL: severity: message` for each diagnostic: compact expectations for many at once.
func summaries(_ source: String) -> [String] {
    parse(source).diagnostics.map { "\($0.location.lineColumn): \($0.severity.rawValue): \($0.message)" }
}

/// Tokens in a compact form: `seed`, `#7`, `"opt-" $opt`, `=`, `⏎`, `!` (invalid).
func compact(_ token: Token) -> String {
    switch token.kind {
    case let .word(text): text
    case let .number(text, value): "#\(text)=\(value)"
    case let .string(parts): "\"" + parts.map(compact).joined(separator: "|") + "\""
    case let .variable(name): "$" + name
    case .equals: "="
    case .comma: ","
    case .semicolon: ";"
    case .leftBrace: "{"
    case .rightBrace: "}"
    case .arrow: "->"
    case .newline: "⏎"
    case .end: "END"
    case .invalid: "!"
    }
}

func compact(_ part: StringPart) -> String {
    switch part.kind {
    case let .text(text): text
    case let .variable(name): "$" + name
    }
}

/// The compact tokens of a source, up to but not including `.end`.
func tokens(_ source: String) -> [String] {
    Lexer.tokenize(source, file: testFile).tokens.dropLast().map(compact)
}

/// SplitMix64: a small seeded generator, so every fuzz case can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The example script of SPEC §3.
let specExample = """
# seed experiment: optimizers at equal initial weights
seed 7
data sine sequences=15 length=20000
features deltas window=128
targets q gamma=0.9
model seed
let epochs = 100
for opt in sgd rmsprop adam {
  reset                          # same seed -> same initial weights
  optimizer $opt
  train epochs=$epochs name="opt-$opt"
}
compare opt-sgd opt-rmsprop opt-adam
plot loss opt-sgd opt-rmsprop opt-adam to "optimizers.svg"

"""
