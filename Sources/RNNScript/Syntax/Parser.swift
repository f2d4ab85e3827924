/// Recursive-descent parser from script text to a `Script`, after Crafting Interpreters.
///
/// ```
/// script     = separator* (statement (separator+ statement)*)? separator* END
/// separator  = NEWLINE | ';'
/// statement  = let | for | repeat | command
/// let        = 'let' NAME '=' value
/// for        = 'for' NAME 'in' value+ block
/// repeat     = 'repeat' (NUMBER | VARIABLE) block
/// command    = WORD argument*
/// argument   = WORD '=' value | value | '->' NEWLINE*
/// value      = atom (',' NEWLINE* atom)*
/// atom       = WORD | NUMBER | STRING | VARIABLE
/// block      = NEWLINE* '{' separator* (statement (separator+ statement)*)? separator* '}'
/// ```
///
/// - A statement ends at a newline, `;`, `}` or the end of the input. Blocks may span lines,
///   and a block's `{` may stand on the line after its `for` or `repeat` header.
/// - `let`, `for`, `in` and `repeat` are keywords only where the grammar expects them; as
///   values they are plain words.
/// - A line break is allowed after `->` and after `,`, so a long `model` or list can go on over
///   several lines, and before a block's `{`.
/// - Values written without a space between them (`run-$opt`) are an error that suggests a
///   string (`"run-$opt"`).
///
/// After an error the parser skips to the next statement boundary (newline, `;` or `}`) and goes
/// on, so one run reports the errors of every line; a block met while skipping is still parsed
/// for its own errors. Only statements without errors are in the returned script, and any error
/// means the script must not run.
///
/// (Over 400 lines on purpose: one grammar, whose rules call each other, reads best whole.)
public struct Parser: Sendable, Equatable {
    /// Bounds against hostile input.
    public struct Limits: Sendable, Equatable {
        /// Deepest nesting of blocks.
        public var maxDepth: Int
        /// Most tokens read before the input is refused as too long.
        public var maxTokens: Int
        /// Errors reported before the parser stops.
        public var maxErrors: Int

        public init(maxDepth: Int = 64, maxTokens: Int = Lexer.defaultMaxTokens, maxErrors: Int = 20) {
            self.maxDepth = maxDepth
            self.maxTokens = maxTokens
            self.maxErrors = maxErrors
        }
    }

    /// Parses a script or REPL cell.
    ///
    /// - Returns: the statements that parsed without error, and every diagnostic in source
    ///   order (the lexer's among them). The script may run only if no diagnostic is an error.
    public static func parse(_ source: String, file: String = "<input>",
                             limits: Limits = Limits()) -> (script: Script, diagnostics: [Diagnostic]) {
        var parser = Parser(source: source, file: file, limits: limits)
        let statements = parser.statements(inBlock: false)
        let start = SourceLocation(file: file, line: 1, column: 1)
        let script = Script(statements: statements, range: SourceRange(start: start, end: parser.current.range.end))
        return (script, parser.sortedDiagnostics)
    }

    /// Parses text that must be exactly one value (a word, number, string, variable or list),
    /// such as the VALUE of `rnnlab run FILE --set NAME=VALUE`.
    ///
    /// - Returns: the value, or nil with at least one error.
    public static func parseValue(_ source: String, file: String = "<value>") -> (value: Value?, diagnostics: [Diagnostic]) {
        var parser = Parser(source: source, file: file, limits: Limits())
        let value = try? parser.value(after: "'='")
        if value != nil && parser.current.kind != .end {
            parser.report(.expectedEndOfValue, at: parser.current.range)
        }
        let diagnostics = parser.sortedDiagnostics
        return (diagnostics.contains { $0.severity == .error } ? nil : value, diagnostics)
    }

    /// Whether a REPL should read another line before running `text`: a block is still open,
    /// a loop header waits for its `{`, or the text ends with a `\`, `->` or `,` that asks for
    /// more — and nothing else is wrong.
    /// Text with any other error is complete: running it shows the error at once.
    public static func needsMoreInput(_ text: String) -> Bool {
        var parser = Parser(source: text, file: "<input>", limits: Limits())
        _ = parser.statements(inBlock: false)
        let wantsMore = parser.endsEarly > 0 || parser.lexer.endsWithContinuation
        return wantsMore && parser.errorCount == parser.endsEarly
    }

    /// Thrown to abandon a statement; its diagnostic, if any, has been recorded.
    private struct Failure: Error {}

    private var lexer: Lexer
    private let limits: Limits
    private var current: Token
    /// Tokens read past the current one: `lookahead[lookaheadStart...]`, nearest first (a
    /// queue that never shifts, so looking far ahead over blank lines stays linear).
    private var lookahead: [Token] = []
    private var lookaheadStart = 0
    /// The last token consumed other than a newline: errors about something missing point just
    /// after it.
    private var previous: Token
    private var diagnostics: [Diagnostic] = []
    private var lexerDiagnosticsSeen = 0
    private var errorCount = 0
    /// Errors that only say the input ended too soon (an open block, a trailing `->` or `,`).
    private var endsEarly = 0
    private var depth = 0
    /// Set when parsing stops early (too many errors, too deep, too long); from then on the
    /// current token is `.end` and nothing more is reported.
    private var halted = false
    private var stopMessage: Diagnostic?

    private init(source: String, file: String, limits: Limits) {
        lexer = Lexer(source: source, file: file, maxTokens: limits.maxTokens)
        self.limits = limits
        let start = SourceLocation(file: file, line: 1, column: 1)
        previous = Token(.end, range: SourceRange(at: start))
        current = previous
        current = pull()
    }

    private var sortedDiagnostics: [Diagnostic] {
        let ordered = diagnostics.enumerated().sorted { a, b in
            (a.element.location.line, a.element.location.column, a.offset)
                < (b.element.location.line, b.element.location.column, b.offset)
        }.map(\.element)
        return ordered + (stopMessage.map { [$0] } ?? [])
    }

    // MARK: - Statements

    /// Statements up to the end of the input, or up to a `}` inside a block.
    private mutating func statements(inBlock: Bool) -> [Statement] {
        var result: [Statement] = []
        while true {
            while current.kind == .newline || current.kind == .semicolon { advance() }
            switch current.kind {
            case .end:
                return result
            case .rightBrace where inBlock:
                return result
            case .rightBrace:
                report(.unexpectedCloseBrace, at: current.range)
                advance()
                continue
            default:
                break
            }
            do {
                let statement = try statement()
                try expectStatementEnd(after: statement)
                result.append(statement)
            } catch {
                synchronize()
            }
        }
    }

    private mutating func statement() throws(Failure) -> Statement {
        guard case let .word(word) = current.kind else { throw fail(.expectedCommand(found: current)) }
        switch word {
        case "let": return try letBinding()
        case "for": return try forLoop()
        case "repeat": return try repeatLoop()
        default: return .command(try command())
        }
    }

    private mutating func expectStatementEnd(after statement: Statement) throws(Failure) {
        switch current.kind {
        case .newline, .semicolon, .end, .rightBrace:
            return
        default:
            break
        }
        switch statement {
        case .command:                          // a command's arguments run up to a separator or a '{'
            throw fail(.unexpectedBlock)
        case let .letBinding(binding):
            throw fail(.expectedStatementEnd(after: "the value of '\(binding.name.name)'",
                                             hint: "a list is written a,b,c"))
        case .forLoop, .repeatLoop:
            throw fail(.expectedStatementEnd(after: "'}'"))
        }
    }

    /// `let NAME = VALUE`
    private mutating func letBinding() throws(Failure) -> Statement {
        let keyword = current
        advance()
        let name = try variableName(what: "a variable name", after: "'let'")
        guard current.kind == .equals else { throw fail(.expected("'='", after: "'let \(name.name)'")) }
        advance()
        let value = try value(after: "'='")
        return .letBinding(LetBinding(name: name, value: value, range: SourceRange(from: keyword.range, to: value.range)))
    }

    /// `for NAME in VALUE… { … }`
    private mutating func forLoop() throws(Failure) -> Statement {
        let keyword = current
        advance()
        if current.kind == .word("in") { throw fail(.expected("a loop variable", after: "'for'")) }
        let variable = try variableName(what: "a loop variable", after: "'for'")
        guard current.kind == .word("in") else { throw fail(.expected("'in'", after: "'for \(variable.name)'")) }
        advance()
        var values: [Value] = []
        while current.startsValue {
            values.append(try value(after: "'in'"))
        }
        guard !values.isEmpty else { throw fail(.expected("the values to loop over", after: "'in'")) }
        let body = try block(after: "the loop values")
        return .forLoop(ForLoop(variable: variable, values: values, body: body,
                                range: SourceRange(from: keyword.range, to: body.range)))
    }

    /// `repeat N { … }`
    private mutating func repeatLoop() throws(Failure) -> Statement {
        let keyword = current
        advance()
        guard current.startsValue else {
            throw fail(.expected("a count", after: "'repeat'", hint: "a number or a $variable"))
        }
        let count = try value(after: "'repeat'")
        switch count.kind {
        case .number, .variable:
            break
        case let .word(word):
            throw fail(.repeatCount(found: quoted(word)), at: count.range)
        case .string:
            throw fail(.repeatCount(found: "a string"), at: count.range)
        case .list:
            throw fail(.repeatCount(found: "a list"), at: count.range)
        }
        let body = try block(after: "'repeat \(count)'")
        return .repeatLoop(RepeatLoop(count: count, body: body, range: SourceRange(from: keyword.range, to: body.range)))
    }

    /// `HEAD ARGUMENT…`
    private mutating func command() throws(Failure) -> CommandCall {
        guard case let .word(name) = current.kind else { throw fail(.expectedCommand(found: current)) }
        let head = Identifier(name, range: current.range)
        advance()
        var arguments: [Argument] = []
        while true {
            switch current.kind {
            case .newline, .semicolon, .end, .leftBrace, .rightBrace:
                let end = arguments.last?.range ?? head.range
                return CommandCall(head: head, arguments: arguments, range: SourceRange(from: head.range, to: end))
            case .arrow:
                guard let last = arguments.last, last.kind != .arrow else { throw fail(.expectedLayerBeforeArrow) }
                arguments.append(Argument(.arrow, range: current.range))
                advance()
                skipNewlines()
                guard current.startsValue else { throw fail(.expectedLayerAfterArrow, endsEarly: true) }
            case .equals:
                throw fail(.expectedOptionName(afterList: Self.endsInListedWord(arguments.last)))
            case .comma:
                throw fail(.expectedValueBeforeComma)
            case let .word(key) where peek().kind == .equals:
                let keyToken = current
                advance()
                advance()
                let value = try value(after: "'\(key)='")
                arguments.append(Argument(.option(key: Identifier(key, range: keyToken.range), value: value),
                                          range: SourceRange(from: keyToken.range, to: value.range)))
            default:
                let value = try value(after: quoted(name))
                arguments.append(Argument(.positional(value), range: value.range))
            }
        }
    }

    /// Whether an argument's value is a list ending in a word, as `a=1,b` in `a=1,b=2`.
    private static func endsInListedWord(_ argument: Argument?) -> Bool {
        let value: Value? = switch argument?.kind {
        case let .positional(value)?, let .option(_, value)?: value
        default: nil
        }
        guard case let .list(elements)? = value?.kind, case .word? = elements.last?.kind else { return false }
        return true
    }

    /// A name for `let` or `for`: a word of letters, digits and `_`.
    private mutating func variableName(what: String, after context: String) throws(Failure) -> Identifier {
        switch current.kind {
        case let .word(word):
            guard word.unicodeScalars.allSatisfy(isNameCharacter) else { throw fail(.invalidVariableName(word)) }
            let name = Identifier(word, range: current.range)
            advance()
            return name
        case let .variable(name):
            throw fail(.expected(what, after: context, hint: "write '\(name)' without '$'"))
        default:
            throw fail(.expected(what, after: context))
        }
    }

    // MARK: - Blocks

    /// `{ … }` after a loop header, on the same line or a later one.
    private mutating func block(after context: String) throws(Failure) -> Block {
        if current.kind == .newline {
            let next = peekPastNewlines()
            if next.kind == .leftBrace || next.kind == .end { skipNewlines() }
        }
        guard current.kind == .leftBrace else { throw fail(.expected("'{'", after: context), endsEarly: true) }
        return try blockBody()
    }

    /// The block whose `{` is the current token.
    private mutating func blockBody() throws(Failure) -> Block {
        let open = current
        guard depth < limits.maxDepth else {
            report(.nestingTooDeep(limit: limits.maxDepth), at: open.range)
            halt()
            throw Failure()
        }
        advance()
        depth += 1
        defer { depth -= 1 }
        let statements = statements(inBlock: true)
        guard current.kind == .rightBrace else {
            let note = Diagnostic.note("the block opened here", range: open.range)
            throw fail(.unclosedBlock(openedAt: open.range.start), notes: [note], endsEarly: true)
        }
        let close = current
        advance()
        return Block(statements: statements, range: SourceRange(from: open.range, to: close.range))
    }

    // MARK: - Values

    /// A value, or a list of values joined by commas.
    private mutating func value(after context: String) throws(Failure) -> Value {
        let first = try atom(after: context)
        guard current.kind == .comma else { return first }
        var elements = [first]
        while current.kind == .comma {
            advance()
            skipNewlines()
            elements.append(try atom(after: "','", endsEarly: true))
        }
        return Value(.list(elements), range: SourceRange(from: first.range, to: elements[elements.count - 1].range))
    }

    /// A word, number, string or variable.
    private mutating func atom(after context: String, endsEarly: Bool = false) throws(Failure) -> Value {
        let token = current
        let kind: Value.Kind
        switch token.kind {
        case let .word(text): kind = .word(text)
        case let .number(text, value): kind = .number(text: text, value: value)
        case let .string(parts): kind = .string(parts)
        case let .variable(name): kind = .variable(name)
        default: throw fail(.expected("a value", after: context), endsEarly: endsEarly)
        }
        advance()
        if current.startsValue && current.range.start == token.range.end {
            throw fail(.missingSpace(between: token, and: current), at: SourceRange(from: token.range, to: current.range))
        }
        return Value(kind, range: token.range)
    }

    // MARK: - Errors and recovery

    /// Reports `error` at the current token, or just after the previous one when the current
    /// token ends a line or block (the place where something is missing), and returns the
    /// failure to throw. Says nothing when the current token is `.invalid`: the lexer has.
    ///
    /// - Parameter endsEarly: the error only says the input ended too soon, when it is at the end.
    private mutating func fail(_ error: SyntaxError, notes: [Diagnostic] = [], endsEarly: Bool = false) -> Failure {
        switch current.kind {
        case .invalid:
            return Failure()
        case .newline, .semicolon, .end, .rightBrace:
            if endsEarly && current.kind == .end && !halted { self.endsEarly += 1 }
            return fail(error, at: SourceRange(at: previous.range.end), notes: notes)
        default:
            return fail(error, at: current.range, notes: notes)
        }
    }

    private mutating func fail(_ error: SyntaxError, at range: SourceRange, notes: [Diagnostic] = []) -> Failure {
        report(error, at: range, notes: notes)
        return Failure()
    }

    private mutating func report(_ error: SyntaxError, at range: SourceRange, notes: [Diagnostic] = []) {
        record(error.diagnostic(at: range, notes: notes))
    }

    private mutating func record(_ diagnostic: Diagnostic) {
        guard !halted else { return }
        diagnostics.append(diagnostic)
        guard diagnostic.severity == .error else { return }
        errorCount += 1
        if errorCount >= limits.maxErrors {
            stopMessage = SyntaxError.tooManyErrors(limit: limits.maxErrors).diagnostic(at: diagnostic.range)
            halt()
        }
    }

    /// Skips to the next statement boundary, parsing any block met on the way for its errors.
    private mutating func synchronize() {
        while true {
            switch current.kind {
            case .newline, .semicolon, .rightBrace, .end:
                return
            case .leftBrace:
                _ = try? blockBody()
            default:
                advance()
            }
        }
    }

    /// Stops parsing: the current token becomes the end, and nothing more is reported.
    private mutating func halt() {
        halted = true
        lookahead = []
        lookaheadStart = 0
        current = Token(.end, range: SourceRange(at: previous.range.end))
    }

    // MARK: - Tokens

    private mutating func advance() {
        if current.kind != .newline { previous = current }
        guard lookaheadStart < lookahead.count else {
            current = pull()
            return
        }
        current = lookahead[lookaheadStart]
        lookaheadStart += 1
        if lookaheadStart == lookahead.count {
            lookahead.removeAll(keepingCapacity: true)
            lookaheadStart = 0
        }
    }

    /// The token `distance` places after the current one.
    private mutating func peek(_ distance: Int = 1) -> Token {
        while lookahead.count - lookaheadStart < distance { lookahead.append(pull()) }
        return lookahead[lookaheadStart + distance - 1]
    }

    /// The first token after the current one and any newlines that follow it.
    private mutating func peekPastNewlines() -> Token {
        var distance = 1
        while peek(distance).kind == .newline { distance += 1 }
        return peek(distance)
    }

    private mutating func skipNewlines() {
        while current.kind == .newline { advance() }
    }

    /// The lexer's next token, passing on what it reported.
    private mutating func pull() -> Token {
        guard !halted else { return Token(.end, range: SourceRange(at: previous.range.end)) }
        let token = lexer.next()
        let reported = lexer.diagnostics
        while lexerDiagnosticsSeen < reported.count {
            record(reported[lexerDiagnosticsSeen])
            lexerDiagnosticsSeen += 1
        }
        if lexer.reachedTokenLimit { halt() }
        return halted ? current : token
    }
}
