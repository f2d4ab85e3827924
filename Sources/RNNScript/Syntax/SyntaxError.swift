/// Everything the lexer and parser can report, with the data each message needs. The wording
/// lives here and nowhere else; every message says what would be right.
enum SyntaxError: Sendable, Equatable {
    // Lexer
    case unexpectedCharacter(Unicode.Scalar)
    /// A run of word characters that starts with `.`, `/`, `@` or `-`, such as a bare path.
    case unexpectedText(String)
    case malformedNumber(String)
    case numberOutOfRange(String)
    case unterminatedString
    case unknownEscape(Unicode.Scalar)
    case expectedVariableName(inString: Bool)
    case unclosedVariableBraces(name: String)
    case strayBackslash
    case continuationAtEnd
    case tooManyTokens(limit: Int)

    // Parser
    case expectedCommand(found: Token)
    case unexpectedCloseBrace
    case unclosedBlock(openedAt: SourceLocation)
    /// `expected WHAT after AFTER (HINT)`, the common shape of a missing piece.
    case expected(String, after: String, hint: String? = nil)
    case invalidVariableName(String)
    case expectedStatementEnd(after: String, hint: String? = nil)
    /// More text after what must be a single value.
    case expectedEndOfValue
    case unexpectedBlock
    case expectedOptionName(afterList: Bool)
    case expectedValueBeforeComma
    /// Two values written with no space between them, such as `run-$opt`.
    case missingSpace(between: Token, and: Token)
    case expectedLayerBeforeArrow
    case expectedLayerAfterArrow
    case repeatCount(found: String)
    case nestingTooDeep(limit: Int)
    case tooManyErrors(limit: Int)

    var severity: Diagnostic.Severity {
        self == .continuationAtEnd ? .warning : .error
    }

    var message: String {
        switch self {
        case let .unexpectedCharacter(scalar):
            return "unexpected character \(describe(scalar))" + (characterHint(scalar).map { " (\($0))" } ?? "")
        case let .unexpectedText(text):
            return "unexpected \(quoted(text)) (names start with a letter or '_'; "
                + "put file names and other text in double quotes)"
        case let .malformedNumber(text):
            return "malformed number \(quoted(text)) (numbers look like 12, -0.5, 1e-3 or 20_000; "
                + "names start with a letter or '_')"
        case let .numberOutOfRange(text):
            return "number out of range: \(quoted(text)) (the largest magnitude is about 1.8e308)"
        case .unterminatedString:
            return "unterminated string (strings close with '\"' on the same line)"
        case let .unknownEscape(scalar):
            let written = isVisible(scalar) ? "'\\\(Character(scalar))'" : "'\\' followed by \(describe(scalar))"
            return "unknown escape \(written) in a string (the escapes are \\\", \\\\, \\n, \\t and \\$)"
        case let .expectedVariableName(inString):
            return "expected a variable name after '$'"
                + (inString ? " (write \\$ for a dollar sign)" : " (names start with a letter or '_')")
        case let .unclosedVariableBraces(name):
            return name.isEmpty ? "expected a variable name after '${'" : "expected '}' after '${\(name)'"
        case .strayBackslash:
            return "unexpected '\\' (outside strings, '\\' only continues a line, as its last character)"
        case .continuationAtEnd:
            return "'\\' continues the line, but the input ends here"
        case let .tooManyTokens(limit):
            return "input is too long (more than \(limit) tokens); stopping here"

        case let .expectedCommand(found):
            let hint = found.kind == .leftBrace ? " (a block follows 'for NAME in VALUES' or 'repeat N')" : ""
            return "expected a command, found \(found)\(hint)"
        case .unexpectedCloseBrace:
            return "unexpected '}' (no block is open)"
        case let .unclosedBlock(openedAt):
            return "expected '}' to close the block opened at \(openedAt.lineColumn)"
        case let .expected(what, after, hint):
            return "expected \(what) after \(after)" + (hint.map { " (\($0))" } ?? "")
        case let .invalidVariableName(name):
            return "invalid variable name \(quoted(name)) (use letters, digits and '_', starting with a letter or '_')"
        case let .expectedStatementEnd(after, hint):
            return "expected a newline or ';' after \(after)" + (hint.map { " (\($0))" } ?? "")
        case .expectedEndOfValue:
            return "expected one value and nothing after it (a list is written a,b,c; text with spaces goes in double quotes)"
        case .unexpectedBlock:
            return "unexpected '{' (a block follows 'for NAME in VALUES' or 'repeat N')"
        case let .expectedOptionName(afterList):
            return "expected an option name before '='"
                + (afterList ? " (separate options with spaces: a=1 b=2)" : " (options are written name=value)")
        case .expectedValueBeforeComma:
            return "expected a value before ','"
        case let .missingSpace(first, second):
            let joined = [first, second].map { token -> String? in
                switch token.kind {
                case let .word(text): text
                case let .variable(name): "$" + name
                default: nil
                }
            }
            let example = joined[0].flatMap { a in joined[1].map { b in a + b } } ?? "run-$opt"
            return "expected a space between \(first) and \(second) "
                + "(to join text and variables, write one string: \"\(example)\")"
        case .expectedLayerBeforeArrow:
            return "expected a layer before '->'"
        case .expectedLayerAfterArrow:
            return "expected a layer after '->' (such as 'lstm 64')"
        case let .repeatCount(found):
            return "expected a number or a $variable after 'repeat', found \(found)"
        case let .nestingTooDeep(limit):
            return "blocks nest too deeply (the limit is \(limit) levels); stopping here"
        case let .tooManyErrors(limit):
            return "too many errors (\(limit)); stopping here"
        }
    }

    func diagnostic(at range: SourceRange, notes: [Diagnostic] = []) -> Diagnostic {
        Diagnostic(severity, message, range: range, notes: notes)
    }
}

/// `'@'` for printable ASCII, `'“' (U+201C)` for other visible scalars and
/// `U+200B (ZERO WIDTH SPACE)` for invisible ones, so a message never hides what it names.
func describe(_ scalar: Unicode.Scalar) -> String {
    let code = "U+" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
        + String(scalar.value, radix: 16, uppercase: true)
    if scalar == "'" { return "\"'\"" }
    if scalar.isASCII && isVisible(scalar) { return "'\(Character(scalar))'" }
    if isVisible(scalar) { return "'\(Character(scalar))' (\(code))" }
    if let name = scalar.properties.name ?? scalar.properties.nameAlias { return "\(code) (\(name))" }
    return scalar.properties.generalCategory == .control ? "\(code) (a control character)" : code
}

/// Whether a scalar shows as a glyph of its own: not a control, format or space character, not
/// a combining mark (which would attach to the quote before it), not unassigned or private.
func isVisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .privateUse,
         .surrogate, .unassigned, .nonspacingMark, .spacingMark, .enclosingMark:
        false
    default:
        true
    }
}

private func characterHint(_ scalar: Unicode.Scalar) -> String? {
    switch scalar {
    case "\u{201C}", "\u{201D}", "\u{201E}", "\u{2018}", "\u{2019}", "\u{00AB}", "\u{00BB}":
        "strings are written in straight double quotes"
    case "(", ")", "[", "]": "lists are written without brackets: a,b,c"
    default: scalar.properties.generalCategory == .spaceSeparator ? "use a plain space" : nil
    }
}
