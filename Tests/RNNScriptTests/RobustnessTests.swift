import Testing
@testable import RNNScript

/// Hostile and random input: never a trap, always a diagnostic or a valid tree.
@Suite struct RobustnessTests {
    enum Generator: String, CaseIterable, Sendable {
        /// Random bytes decoded as UTF-8 with replacement.
        case bytes
        /// Random bytes drawn mostly from the language's own punctuation, to reach deep paths.
        case syntax
        /// Random Unicode scalars: combining marks, emoji, NUL, CR, bidi overrides, any plane.
        case scalars
        /// Valid scripts with random insertions, deletions, duplications and swaps.
        case mutations
    }

    static let casesPerGenerator = 2_000

    @Test(arguments: Generator.allCases)
    func randomInputNeverTraps(_ generator: Generator) {
        var rng = SplitMix64(seed: 0x5EED_0000 + UInt64(generator.rawValue.count))
        var clean = 0
        for i in 0..<Self.casesPerGenerator {
            let source = switch generator {
            case .bytes: randomBytes(&rng)
            case .syntax: randomSyntax(&rng)
            case .scalars: randomScalars(&rng)
            case .mutations: mutated(&rng)
            }
            if check(source, label: "\(generator) #\(i)") { clean += 1 }
        }
        // The mutations keep many scripts valid, so the round trip is exercised too.
        if generator == .mutations { #expect(clean > Self.casesPerGenerator / 10) }
    }

    /// Checks every invariant for one input; returns whether it parsed without error.
    @discardableResult
    func check(_ source: String, label: String) -> Bool {
        let (script, diagnostics) = parse(source)
        let lines = lineLengths(source)
        for diagnostic in diagnostics {
            let start = diagnostic.range.start, end = diagnostic.range.end
            let inside = start.line >= 1 && start.line <= lines.count && start.column >= 1
                && start.column <= lines[start.line - 1] + 1 && !end.precedes(start)
            #expect(inside, "\(label): \(diagnostic) outside \(source.debugDescription)")
        }
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.count <= Parser.Limits().maxErrors + 1)

        // Rendering never traps and never echoes a control character but newline and tab.
        let text = Diagnostic.render(diagnostics, source: source, color: false)
        let controls = text.unicodeScalars.filter { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }
        #expect(controls.isEmpty, "\(label): control characters in \(text.debugDescription)")
        _ = Parser.needsMoreInput(source)

        var previousEnd: RNNScript.SourceLocation?
        for statement in script.statements {
            if let previousEnd { #expect(!statement.range.start.precedes(previousEnd), "\(label): statements overlap") }
            previousEnd = statement.range.end
        }

        guard errors.isEmpty else { return false }
        // A valid tree prints as source that parses to the same tree.
        let (again, more) = parse(script.description)
        #expect(more.filter { $0.severity == .error }.isEmpty, "\(label): \(script.description.debugDescription) → \(more)")
        #expect(again.description == script.description, "\(label): \(source.debugDescription)")
        return true
    }

    // MARK: - Hostile shapes

    @Test func tenThousandOpenBraces() {
        let (_, diagnostics) = parse(String(repeating: "{", count: 10_000))
        #expect(!diagnostics.isEmpty)
        check(String(repeating: "{", count: 10_000), label: "braces")
    }

    @Test(arguments: ["for x in a {", "repeat 1 {", "repeat 1 {\n"])
    func deepNestingIsRefusedNotACrash(_ opener: String) {
        let source = String(repeating: opener, count: 10_000) + String(repeating: "}", count: 10_000)
        let (_, diagnostics) = parse(source)
        #expect(diagnostics.map(\.message) == ["blocks nest too deeply (the limit is 64 levels); stopping here"])
    }

    @Test func sixtyFourLevelsAreFine() {
        let ok = String(repeating: "repeat 1 { ", count: 64) + "reset" + String(repeating: " }", count: 64)
        #expect(parse(ok).diagnostics.isEmpty)
        let tooDeep = String(repeating: "repeat 1 { ", count: 65) + "reset" + String(repeating: " }", count: 65)
        #expect(parse(tooDeep).diagnostics.count == 1)
    }

    @Test func tenThousandCloseBracesStopAtTheErrorLimit() {
        let (_, diagnostics) = parse(String(repeating: "}", count: 10_000))
        #expect(diagnostics.count == 21)
        #expect(diagnostics.last?.message == "too many errors (20); stopping here")
    }

    @Test func tooManyTokens() {
        let (_, diagnostics) = parse(String(repeating: "a ", count: Lexer.defaultMaxTokens + 10))
        #expect(diagnostics.map(\.message) == ["input is too long (more than 200000 tokens); stopping here"])
    }

    struct LongRun: Sendable, CustomTestStringConvertible {
        let name: String
        let source: String
        var testDescription: String { name }
    }

    /// Long runs that a careless look-ahead would scan again and again (each takes well under a
    /// second; a quadratic scan would take minutes).
    @Test(arguments: [
        LongRun(name: "unclosed ${", source: "\"${" + String(repeating: "a", count: 200_000)),
        LongRun(name: "spaces after \\", source: "x \\" + String(repeating: " ", count: 200_000) + "y"),
        LongRun(name: "unterminated string", source: "train name=\"" + String(repeating: "é", count: 200_000)),
        LongRun(name: "blank lines first", source: String(repeating: "\n", count: 200_000) + "for x in a"),
        LongRun(name: "blank lines before {", source: "for x in a" + String(repeating: "\n", count: 150_000) + "{ }"),
        LongRun(name: "long number", source: "x=" + String(repeating: "9", count: 100_000)),
        LongRun(name: "long word", source: String(repeating: "a", count: 200_000)),
        LongRun(name: "many arguments", source: String(repeating: "a ", count: 100_000)),
    ])
    func longRunsAreLinear(_ run: LongRun) {
        check(run.source, label: run.name)
    }

    // MARK: - Generators

    func randomBytes(_ rng: inout SplitMix64) -> String {
        let count = Int.random(in: 0...200, using: &rng)
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func randomSyntax(_ rng: inout SplitMix64) -> String {
        let alphabet = Array("{}{}==,,;;\"\"$${}\\\\##->\n\n\r\n\t  0123456789.e_-+abcxyz/@ ".unicodeScalars)
        let words = ["let ", "for ", " in ", "repeat ", "model ", "train ", "epochs=", "\"opt-$opt\"", "1e-3", "${a}", "->", "\\\n"]
        var out = ""
        for _ in 0..<Int.random(in: 0...120, using: &rng) {
            if Int.random(in: 0..<4, using: &rng) == 0 {
                out += words.randomElement(using: &rng)!
            } else {
                out.unicodeScalars.append(alphabet.randomElement(using: &rng)!)
            }
        }
        return out
    }

    func randomScalar(_ rng: inout SplitMix64) -> Unicode.Scalar {
        let special: [Unicode.Scalar] = ["\u{0}", "\r", "\n", "\t", "\u{301}", "\u{20DD}", "\u{1F600}", "\u{200D}", "\u{FEFF}",
                                         "\u{202E}", "\u{A0}", "\u{201C}", "\u{1B}", "\u{7F}", "\u{10FFFF}", "\u{E000}", "\u{85}",
                                         "\u{2028}", "{", "}", "\"", "$", "\\", "#", "=", ",", ";", "-", ">", " ", "a", "1", "."]
        if Bool.random(using: &rng) { return special.randomElement(using: &rng)! }
        while true {
            if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) { return scalar }
        }
    }

    func randomScalars(_ rng: inout SplitMix64) -> String {
        var out = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...120, using: &rng) { out.append(randomScalar(&rng)) }
        return String(out)
    }

    static let corpus: [String] = [specExample] + ParserTests.cases.map(\.source) + [
        "model dense 64 relu -> noise 0.1 -> dense 64 relu -> noise 0.1 -> lstm 64 -> noise 0.1 -> lstm 64 -> dense 2\n",
        "for k in 100,50,10 {\n  repeat $n {\n    train epochs=1 name=\"k-${k}x\"\n  }\n}\n",
        "schedule splits 100,50,10,2,1 patience=20 min_delta=0; clip norm 1.0\r\ntrain epochs=200 \\\n  until=1e-4\n",
    ]

    func mutated(_ rng: inout SplitMix64) -> String {
        var scalars = Array(Self.corpus.randomElement(using: &rng)!.unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let n = scalars.count
            let i = Int.random(in: 0...n, using: &rng)
            let j = min(n, i + Int.random(in: 0...8, using: &rng))
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: scalars.insert(randomScalar(&rng), at: i)
            case 1: scalars.removeSubrange(i..<j)
            case 2: scalars.insert(contentsOf: scalars[i..<j], at: i)
            case 3:
                let k = Int.random(in: 0...n, using: &rng)
                let l = min(n, k + (j - i))
                if j <= k || l <= i {
                    let (first, second) = (Array(scalars[i..<j]), Array(scalars[k..<l]))
                    if j <= k {
                        scalars.replaceSubrange(k..<l, with: first)
                        scalars.replaceSubrange(i..<j, with: second)
                    } else {
                        scalars.replaceSubrange(i..<j, with: second)
                        scalars.replaceSubrange(k..<l, with: first)
                    }
                }
            default:
                if i < n { scalars[i] = randomScalar(&rng) }
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// The length in scalars of each line, counting line breaks as the lexer does, with the
    /// line after a final break included (a location may point at its start).
    func lineLengths(_ source: String) -> [Int] {
        var lengths = [0]
        var afterCR = false
        var scalars = source.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        for scalar in scalars {
            defer { afterCR = scalar == "\r" }
            if afterCR && scalar == "\n" { continue }
            if scalar == "\n" || scalar == "\r" { lengths.append(0) } else { lengths[lengths.count - 1] += 1 }
        }
        return lengths
    }
}
