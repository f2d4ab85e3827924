/// Turns script text into tokens, one `next()` at a time, in the manner of Lua's `llex.c`.
///
/// Works over Unicode scalars, so any text is accepted and positions are exact: `"\r\n"` is one
/// newline and `"\r"` alone is one too. It never traps. Text it cannot make sense of becomes an
/// `.invalid` token and a diagnostic naming what was found; lexing goes on after it.
///
/// - Spaces, tabs, vertical tabs and form feeds separate tokens; a byte-order mark at the very
///   start is skipped.
/// - `#` starts a comment that runs to the end of the line (outside strings, always).
/// - `\` as the last character of a line (trailing spaces allowed) joins the next line to it:
///   no newline token is produced.
/// - Strings are double-quoted, end on the same line, and know the escapes `\"` `\\` `\n` `\t`
///   `\$`. `$name` and `${name}` inside a string become variable parts.
/// - Words are ASCII: they start with a letter or `_` and go on with letters, digits and
///   `_ - . / @`. Text in any other script belongs in a string.
public struct Lexer: Sendable, Equatable {
    /// Default bound on the number of tokens, against hostile input.
    public static let defaultMaxTokens = 200_000

    public let file: String
    public let maxTokens: Int
    /// Everything reported so far, in source order.
    public private(set) var diagnostics: [Diagnostic] = []
    /// Whether the input ended with a `\` that asked for another line.
    public private(set) var endsWithContinuation = false
    /// Whether lexing stopped early at the token limit.
    public private(set) var reachedTokenLimit = false

    private let source: String
    private var index: String.UnicodeScalarView.Index
    private var line = 1
    private var column = 1
    private var tokenCount = 0

    public init(source: String, file: String = "<input>", maxTokens: Int = Lexer.defaultMaxTokens) {
        self.source = source
        self.file = file
        self.maxTokens = maxTokens
        index = source.unicodeScalars.startIndex
        if peek() == "\u{FEFF}" { index = source.unicodeScalars.index(after: index) }
    }

    /// Every token up to and including `.end`, and the diagnostics.
    public static func tokenize(_ source: String, file: String = "<input>",
                                maxTokens: Int = Lexer.defaultMaxTokens) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source: source, file: file, maxTokens: maxTokens)
        var tokens: [Token] = []
        repeat { tokens.append(lexer.next()) } while tokens.last?.kind != .end
        return (tokens, lexer.diagnostics)
    }

    /// The next token; `.end` at the end of the input and on every call after it.
    public mutating func next() -> Token {
        skipTrivia()
        let start = location
        guard let scalar = peek(), !reachedTokenLimit else { return Token(.end, range: SourceRange(at: start)) }
        tokenCount += 1
        if tokenCount > maxTokens {
            reachedTokenLimit = true
            report(.tooManyTokens(limit: maxTokens), SourceRange(at: start))
            return Token(.end, range: SourceRange(at: start))
        }
        switch scalar {
        case "\n", "\r": advance(); return token(.newline, from: start)
        case "=": advance(); return token(.equals, from: start)
        case ",": advance(); return token(.comma, from: start)
        case ";": advance(); return token(.semicolon, from: start)
        case "{": advance(); return token(.leftBrace, from: start)
        case "}": advance(); return token(.rightBrace, from: start)
        case "-" where peek(1) == ">": advance(); advance(); return token(.arrow, from: start)
        case "\"": return string(from: start)
        case "'": return literalString(from: start)
        case "$":
            advance()
            guard let name = variableName(from: start, inString: false) else { return token(.invalid, from: start) }
            return token(.variable(name), from: start)
        case "\\":
            advance()
            report(.strayBackslash, SourceRange(start: start, end: location))
            return token(.invalid, from: start)
        default:
            if isWordCharacter(scalar) { return bare(from: start) }
            advance()
            report(.unexpectedCharacter(scalar), SourceRange(start: start, end: location))
            return token(.invalid, from: start)
        }
    }

    // MARK: - Trivia

    /// Skips whitespace, comments and `\`-newline continuations.
    private mutating func skipTrivia() {
        while let scalar = peek() {
            switch scalar {
            case " ", "\t", "\u{0B}", "\u{0C}":
                advance()
            case "#":
                while let next = peek(), next != "\n", next != "\r" { advance() }
            case "\\":
                let (spaces, next) = run(from: 1) { $0 == " " || $0 == "\t" }
                switch next {
                case "\n", "\r":
                    for _ in 0...spaces + 1 { advance() }
                case nil:
                    let start = location
                    advance()
                    report(.continuationAtEnd, SourceRange(start: start, end: location))
                    endsWithContinuation = true
                    for _ in 0..<spaces { advance() }
                default:
                    return
                }
            default:
                return
            }
        }
    }

    // MARK: - Words and numbers

    /// A run of word characters, classified as a word, a number or an error.
    private mutating func bare(from start: SourceLocation) -> Token {
        var text = String.UnicodeScalarView()
        let numeric = isDigit(peek()) || peek() == "." || peek() == "-"
        while let scalar = peek() {
            if scalar == "-" && peek(1) == ">" { break }
            let exponentSign = scalar == "+" && numeric && (text.last == "e" || text.last == "E")
            guard isWordCharacter(scalar) || exponentSign else { break }
            text.append(scalar)
            advance()
        }
        let range = SourceRange(start: start, end: location)
        let string = String(text)
        let scalars = Array(text)
        let first = scalars[0]
        if isLetter(first) || first == "_" { return Token(.word(string), range: range) }
        if isNumberSyntax(scalars) {
            if let value = Double(string.filter { $0 != "_" }), value.isFinite {
                return Token(.number(text: string, value: value), range: range)
            }
            report(.numberOutOfRange(string), range)
        } else if looksNumeric(scalars) {
            report(.malformedNumber(string), range)
        } else if scalars.count == 1 {
            report(.unexpectedCharacter(first), range)
        } else {
            report(.unexpectedText(string), range)
        }
        return Token(.invalid, range: range)
    }

    // MARK: - Strings and variables

    /// A single-quoted string, from its opening quote: the text exactly as written, as in a
    /// shell (no `$` interpolation, no escapes), so a glob or a path reads as typed: `'t-*'`.
    private mutating func literalString(from start: SourceLocation) -> Token {
        advance()
        let textStart = location
        var text = String.UnicodeScalarView()
        while let scalar = peek(), scalar != "'", scalar != "\n", scalar != "\r" {
            text.append(scalar)
            advance()
        }
        guard peek() == "'" else {
            report(.unterminatedString, SourceRange(start: start, end: location))
            return token(.invalid, from: start)
        }
        let parts = text.isEmpty ? [] : [StringPart(.text(String(text)), range: SourceRange(start: textStart, end: location))]
        advance()
        return token(.string(parts), from: start)
    }

    /// A double-quoted string, from its opening quote.
    private mutating func string(from start: SourceLocation) -> Token {
        advance()
        var parts: [StringPart] = []
        var text = String.UnicodeScalarView()
        var textStart = location
        var valid = true

        func flush(_ end: SourceLocation) {
            if !text.isEmpty { parts.append(StringPart(.text(String(text)), range: SourceRange(start: textStart, end: end))) }
            text = String.UnicodeScalarView()
        }

        while true {
            switch peek() {
            case nil, "\n", "\r":
                report(.unterminatedString, SourceRange(start: start, end: location))
                return token(.invalid, from: start)
            case "\"":
                flush(location)
                advance()
                return token(valid ? .string(parts) : .invalid, from: start)
            case "\\":
                let escapeStart = location
                switch peek(1) {
                case nil, "\n", "\r":
                    advance()                   // no escape at the line's end: reported as unterminated next
                case let escaped?:
                    advance()
                    advance()
                    switch escaped {
                    case "\"", "\\", "$": text.append(escaped)
                    case "n": text.append("\n")
                    case "t": text.append("\t")
                    default:
                        report(.unknownEscape(escaped), SourceRange(start: escapeStart, end: location))
                        valid = false
                    }
                }
            case "$":
                let dollar = location
                flush(dollar)
                advance()
                if let name = variableName(from: dollar, inString: true) {
                    parts.append(StringPart(.variable(name), range: SourceRange(start: dollar, end: location)))
                } else {
                    valid = false
                }
                textStart = location
            case let scalar?:
                text.append(scalar)
                advance()
            }
        }
    }

    /// The name after a `$` already consumed at `dollar`: `name` or `{name}`. Nil (and a
    /// diagnostic) when there is none.
    private mutating func variableName(from dollar: SourceLocation, inString: Bool) -> String? {
        let braced = peek() == "{"
        if braced { advance() }
        var name = String.UnicodeScalarView()
        if let first = peek(), isLetter(first) || first == "_" {
            while let scalar = peek(), isNameCharacter(scalar) {
                name.append(scalar)
                advance()
            }
        }
        if braced {
            guard !name.isEmpty, peek() == "}" else {
                report(.unclosedVariableBraces(name: String(name)), SourceRange(start: dollar, end: location))
                skipPastClosingBrace()
                return nil
            }
            advance()
        } else if name.isEmpty {
            report(.expectedVariableName(inString: inString), SourceRange(start: dollar, end: location))
            return nil
        }
        return String(name)
    }

    /// After a malformed `${…`, moves past its `}` when one follows on the line before any
    /// quote, so the rest of the reference is not reported again.
    private mutating func skipPastClosingBrace() {
        let (count, next) = run { !"}\"\n\r".unicodeScalars.contains($0) }
        guard next == "}" else { return }
        for _ in 0...count { advance() }
    }

    // MARK: - Cursor

    private var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    /// How many scalars from `offset` on satisfy `predicate`, and the scalar after them — in
    /// one pass, however long the run.
    private func run(from offset: Int = 0, while predicate: (Unicode.Scalar) -> Bool) -> (count: Int, next: Unicode.Scalar?) {
        let scalars = source.unicodeScalars
        var i = index
        for _ in 0..<offset where i < scalars.endIndex { i = scalars.index(after: i) }
        var count = 0
        while i < scalars.endIndex, predicate(scalars[i]) {
            i = scalars.index(after: i)
            count += 1
        }
        return (count, i < scalars.endIndex ? scalars[i] : nil)
    }

    /// The scalar `offset` places ahead (offsets stay small: 0, 1 or 2).
    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let scalars = source.unicodeScalars
        var i = index
        for _ in 0..<offset {
            guard i < scalars.endIndex else { return nil }
            i = scalars.index(after: i)
        }
        return i < scalars.endIndex ? scalars[i] : nil
    }

    /// Moves past one scalar, or past a whole `"\r\n"`, keeping line and column.
    private mutating func advance() {
        let scalars = source.unicodeScalars
        guard index < scalars.endIndex else { return }
        let scalar = scalars[index]
        index = scalars.index(after: index)
        if scalar == "\r" && index < scalars.endIndex && scalars[index] == "\n" {
            index = scalars.index(after: index)
        }
        if scalar == "\n" || scalar == "\r" {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }

    private func token(_ kind: Token.Kind, from start: SourceLocation) -> Token {
        Token(kind, range: SourceRange(start: start, end: location))
    }

    private mutating func report(_ error: SyntaxError, _ range: SourceRange) {
        diagnostics.append(error.diagnostic(at: range))
    }
}

// MARK: - Character classes (ASCII, as in llex.c)

func isLetter(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
}

func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
    guard let scalar else { return false }
    return ("0"..."9").contains(scalar)
}

/// A character of a variable name after the first: letter, digit or `_`.
func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
    isLetter(scalar) || isDigit(scalar) || scalar == "_"
}

private func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    isLetter(scalar) || isDigit(scalar) || "_-./@".unicodeScalars.contains(scalar)
}

/// Whether text starts like a number (`5…`, `.5…`, `-5…`, `-.5…`), so a failure to be one is a
/// malformed number rather than stray text.
private func looksNumeric(_ text: [Unicode.Scalar]) -> Bool {
    let unsigned = text.first == "-" ? text.dropFirst() : text[...]
    let digits = unsigned.first == "." ? unsigned.dropFirst() : unsigned
    return isDigit(digits.first)
}

/// `-? (digits (. digits)? | . digits) ([eE] [+-]? digits)?`, where digits may be grouped by
/// single underscores between digits (`20_000`).
private func isNumberSyntax(_ text: [Unicode.Scalar]) -> Bool {
    var i = 0
    func at(_ j: Int) -> Unicode.Scalar? { j < text.count ? text[j] : nil }
    func digits() -> Bool {
        guard isDigit(at(i)) else { return false }
        i += 1
        while isDigit(at(i)) || (at(i) == "_" && isDigit(at(i + 1))) { i += 1 }
        return true
    }
    if at(i) == "-" { i += 1 }
    if isDigit(at(i)) {
        _ = digits()
        if at(i) == "." {
            i += 1
            guard digits() else { return false }
        }
    } else if at(i) == "." {
        i += 1
        guard digits() else { return false }
    } else {
        return false
    }
    if at(i) == "e" || at(i) == "E" {
        i += 1
        if at(i) == "+" || at(i) == "-" { i += 1 }
        guard digits() else { return false }
    }
    return i == text.count
}
