/// One token of a script, with the span of source it came from.
public struct Token: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A name: a letter or `_`, then letters, digits and `_ - . / @` (`opt-adam`, `run-3`,
        /// `opt-sgd@best`). A `-` directly before `>` ends the word, so `relu->lstm` is three
        /// tokens.
        case word(String)
        /// A number as written (`0.01`, `1e-3`, `20_000`, `-1`, `.5`) and its value.
        case number(text: String, value: Double)
        /// A double-quoted string, as literal text and `$name` / `${name}` parts.
        case string([StringPart])
        /// `$name` or `${name}` outside a string.
        case variable(String)
        case equals, comma, semicolon, leftBrace, rightBrace, arrow
        /// The end of a line (`\n`, `\r\n` or `\r`), not preceded by a continuing `\`.
        case newline
        /// The end of the input; returned again on every further request.
        case end
        /// Text the lexer could not make sense of. Its diagnostic has already been reported, so
        /// the parser drops the statement around it without another message.
        case invalid
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// How messages name the token: `'train'`, `'0.5'`, `'{'`, `a string`, `the end of the line`.
    public var description: String {
        switch kind {
        case let .word(text): quoted(text)
        case let .number(text, _): quoted(text)
        case .string: "a string"
        case let .variable(name): quoted("$" + name)
        case .equals: "'='"
        case .comma: "','"
        case .semicolon: "';'"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .arrow: "'->'"
        case .newline: "the end of the line"
        case .end: "the end of the input"
        case .invalid: "text that is not valid here"
        }
    }

    /// Whether the token can start a value (a word, number, string or variable).
    var startsValue: Bool {
        switch kind {
        case .word, .number, .string, .variable: true
        default: false
        }
    }
}

/// A piece of a double-quoted string: literal text, or a variable reference to interpolate.
public struct StringPart: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Literal text with escapes already applied.
        case text(String)
        /// `$name` or `${name}`: the variable's value goes here.
        case variable(String)
    }

    public var kind: Kind
    /// The source span: the escaped text as written, or the whole `$name` / `${name}`.
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// `'text'`, shortened to 40 scalars, for quoting source text in a message.
func quoted(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard scalars.count > 40 else { return "'\(text)'" }
    return "'" + String(String.UnicodeScalarView(scalars.prefix(39))) + "…'"
}
