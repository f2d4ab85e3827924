/// A command's arguments with variables substituted, read one by one by a resolver. Every
/// option must be consumed or `finish()` reports it (with a did-you-mean).
public struct Arguments {
    public let call: CommandCall
    public let commandName: String
    private(set) var positionals: [(value: ScriptValue, range: SourceRange)] = []
    private var options: [(key: String, keyRange: SourceRange, value: ScriptValue, range: SourceRange)] = []
    private var position = 0
    private var used: Set<String> = []
    /// Options this form accepts, for did-you-mean and completion.
    private var known: [String] = []

    public init(_ call: CommandCall, in environment: Environment) throws(ScriptError) {
        self.call = call
        commandName = call.head.name
        for argument in call.arguments {
            switch argument.kind {
            case let .positional(value):
                positionals.append((try environment.evaluate(value), argument.range))
            case let .option(key, value):
                if options.contains(where: { $0.key == key.name }) {
                    throw ScriptError(.error("option '\(key.name)' is given twice", range: key.range))
                }
                options.append((key.name, key.range, try environment.evaluate(value), value.range))
            case .arrow:
                throw ScriptError(.error("'->' only separates the layers of 'model'", range: argument.range))
            }
        }
    }

    public var remainingPositionals: Int { positionals.count - position }

    /// The next positional argument, if any.
    public mutating func nextPositional() -> (value: ScriptValue, range: SourceRange)? {
        guard position < positionals.count else { return nil }
        defer { position += 1 }
        return positionals[position]
    }

    /// The next positional argument as a word (or string) naming one of `choices`.
    public mutating func choice(_ what: String, _ choices: [String]) throws(ScriptError) -> String {
        guard let (value, range) = nextPositional() else {
            throw ScriptError(.error("\(commandName) needs \(what) (\(Suggestion.list(choices)))", range: call.range))
        }
        let word = value.description
        guard choices.contains(word) else {
            let hint = Suggestion.closest(to: word, among: choices).map { "did you mean '\($0)'? " } ?? ""
            throw ScriptError(.error("unknown \(what) '\(word)' (\(hint)expected \(Suggestion.list(choices)))", range: range))
        }
        return word
    }

    /// The next positional argument as one of an enum's cases (a sub-form: `clip norm`).
    public mutating func choice<Form>(_ what: String, _ type: Form.Type) throws(ScriptError) -> Form
    where Form: RawRepresentable<String> & CaseIterable {
        Form(rawValue: try choice(what, Form.allCases.map(\.rawValue)))!
    }

    /// The next positional argument as a string (a quoted path, usually).
    public mutating func text(_ what: String) throws(ScriptError) -> String {
        guard let (value, _) = nextPositional() else {
            throw ScriptError(.error("\(commandName) needs \(what)", range: call.range))
        }
        return value.description
    }

    /// Consumes the word `word` if it is next (a flag such as `force`).
    public mutating func flag(_ word: String) -> Bool {
        guard position < positionals.count, case let .word(w) = positionals[position].value, w == word else { return false }
        position += 1
        return true
    }

    /// `WORD N`, such as `session 3` or `last 10`: the number after the word when the word is next.
    public mutating func keyword(_ word: String, in range: ClosedRange<Int>) throws(ScriptError) -> Int? {
        guard flag(word) else { return nil }
        guard let (value, place) = nextPositional() else {
            throw ScriptError(.error("'\(word)' needs a number after it, e.g. '\(word) \(range.lowerBound)'", range: call.range))
        }
        return try Self.integer(value, name: word, in: range, at: place)
    }

    /// Words after the names a command takes (`compare a b log to "f.svg" force`, and the
    /// `title=` option): names are
    /// every positional until `to`, except the given flag words (a name spelled like a flag is
    /// written in quotes); returns the names, the flags seen and the figure's output.
    public mutating func namesAndFigureOptions(flags: Set<String>) throws(ScriptError) -> (names: [String], flags: Set<String>, output: FigureOptions) {
        var names: [String] = [], seen: Set<String> = []
        var output = FigureOptions.terminal
        output.title = option("title")?.value.description
        while let (value, range) = nextPositional() {
            if case let .word(w) = value, flags.contains(w) {
                seen.insert(w)
            } else if case .word("to") = value {
                guard let (path, _) = nextPositional() else {
                    throw ScriptError(.error("'to' needs a file name, e.g. to \"figure.svg\"", range: range))
                }
                output.path = path.description
                output.force = flag("force")
            } else if case .word("force") = value {
                throw ScriptError(.error("'force' goes after 'to \"FILE\"'", range: range))
            } else {
                names += value.elements.map(\.description)
            }
        }
        return (names, seen, output)
    }

    /// `[title="…"] [to "FILE.svg" [force]]` at the end of a command.
    public mutating func figureOptions() throws(ScriptError) -> FigureOptions {
        let (names, _, output) = try namesAndFigureOptions(flags: [])
        if let extra = names.first {
            throw ScriptError(.error("unexpected '\(extra)' (expected 'to \"FILE.svg\"' or nothing)", range: call.range))
        }
        return output
    }

    public mutating func option(_ name: String) -> (value: ScriptValue, range: SourceRange)? {
        known.append(name)
        used.insert(name)
        return options.first { $0.key == name }.map { ($0.value, $0.range) }
    }

    /// A number option's value, checked against its bound.
    public static func number(_ value: ScriptValue, name: String, _ bound: NumberBound,
                              at place: SourceRange) throws(ScriptError) -> Double {
        guard case let .number(v, _) = value else {
            throw ScriptError(.error("\(name) must be a number (found '\(value)')", range: place))
        }
        guard bound.contains(v) else {
            throw ScriptError(.error("\(name)=\(value) is out of range (expected \(bound.expected(name)))", range: place))
        }
        return v
    }

    public static func integer(_ value: ScriptValue, name: String, in range: ClosedRange<Int>,
                        at place: SourceRange) throws(ScriptError) -> Int {
        guard case let .number(v, _) = value, let n = Int(exactly: v) else {
            throw ScriptError(.error("\(name) must be a whole number (found '\(value)')", range: place))
        }
        guard range.contains(n) else {
            let expected = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "\(range.lowerBound)…\(range.upperBound)"
            throw ScriptError(.error("\(name)=\(n) is out of range (expected \(expected))", range: place))
        }
        return n
    }

    /// Reports the first option or positional argument nobody read.
    public func finish() throws(ScriptError) {
        if let extra = options.first(where: { !used.contains($0.key) }) {
            let hint = Suggestion.closest(to: extra.key, among: known).map { " (did you mean '\($0)='?)" } ?? ""
            let accepted = known.isEmpty ? "it takes no options" : "it takes \(Suggestion.list(known.map { "\($0)=" }))"
            throw ScriptError(.error("unknown option '\(extra.key)' for \(commandName)\(hint); \(accepted)", range: extra.keyRange))
        }
        if position < positionals.count {
            throw ScriptError(.error("unexpected '\(positionals[position].value)' after \(commandName)",
                                     range: positionals[position].range))
        }
    }
}
