/// A command's arguments with variables substituted, read one by one by a resolver. Every
/// option must be consumed or `finish()` reports it (with a did-you-mean).
struct Arguments {
    let call: CommandCall
    let commandName: String
    private(set) var positionals: [(value: ScriptValue, range: SourceRange)] = []
    private var options: [(key: String, keyRange: SourceRange, value: ScriptValue, range: SourceRange)] = []
    private var position = 0
    private var used: Set<String> = []
    /// Options this form accepts, for did-you-mean and completion.
    private var known: [String] = []

    init(_ call: CommandCall, in environment: Environment) throws(ScriptError) {
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

    var remainingPositionals: Int { positionals.count - position }

    /// The next positional argument, if any.
    mutating func nextPositional() -> (value: ScriptValue, range: SourceRange)? {
        guard position < positionals.count else { return nil }
        defer { position += 1 }
        return positionals[position]
    }

    /// The next positional argument as a word (or string) naming one of `choices`.
    mutating func choice(_ what: String, _ choices: [String]) throws(ScriptError) -> String {
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

    /// The next positional argument as a string (a quoted path, usually).
    mutating func text(_ what: String) throws(ScriptError) -> String {
        guard let (value, _) = nextPositional() else {
            throw ScriptError(.error("\(commandName) needs \(what)", range: call.range))
        }
        return value.description
    }

    /// Consumes the word `word` if it is next (a flag such as `force`).
    mutating func flag(_ word: String) -> Bool {
        guard position < positionals.count, case let .word(w) = positionals[position].value, w == word else { return false }
        position += 1
        return true
    }

    /// `WORD N`, such as `session 3` or `last 10`: the number after the word when the word is next.
    mutating func keyword(_ word: String, in range: ClosedRange<Int>) throws(ScriptError) -> Int? {
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
    mutating func namesAndFigureOptions(flags: Set<String>) throws(ScriptError) -> (names: [String], flags: Set<String>, output: FigureOptions) {
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
    mutating func figureOptions() throws(ScriptError) -> FigureOptions {
        let (names, _, output) = try namesAndFigureOptions(flags: [])
        if let extra = names.first {
            throw ScriptError(.error("unexpected '\(extra)' (expected 'to \"FILE.svg\"' or nothing)", range: call.range))
        }
        return output
    }

    /// Declares the options this form accepts.
    mutating func accept(_ names: [String]) {
        known += names
    }

    mutating func option(_ name: String) -> (value: ScriptValue, range: SourceRange)? {
        known.append(name)
        used.insert(name)
        return options.first { $0.key == name }.map { ($0.value, $0.range) }
    }

    mutating func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ScriptError) -> Int {
        guard let (value, place) = option(name) else { return fallback }
        return try Self.integer(value, name: name, in: range, at: place)
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int>) throws(ScriptError) -> Int? {
        guard let (value, place) = option(name) else { return nil }
        return try Self.integer(value, name: name, in: range, at: place)
    }

    mutating func number(_ name: String, default fallback: Double, where valid: (Double) -> Bool,
                         expected: String) throws(ScriptError) -> Double {
        try number(name, where: valid, expected: expected) ?? fallback
    }

    mutating func number(_ name: String, where valid: (Double) -> Bool, expected: String) throws(ScriptError) -> Double? {
        guard let (value, place) = option(name) else { return nil }
        guard case let .number(v, _) = value else {
            throw ScriptError(.error("\(name) must be a number (found '\(value)')", range: place))
        }
        guard valid(v) else { throw ScriptError(.error("\(name)=\(value) is out of range (expected \(expected))", range: place)) }
        return v
    }

    mutating func bool(_ name: String, default fallback: Bool) throws(ScriptError) -> Bool {
        guard let (value, place) = option(name) else { return fallback }
        switch value.description {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw ScriptError(.error("\(name) must be true or false (found '\(value)')", range: place))
        }
    }

    static func integer(_ value: ScriptValue, name: String, in range: ClosedRange<Int>,
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
    func finish() throws(ScriptError) {
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
