import RNNReport

/// A message about a place in a script: an error, a warning or a note attached to either.
///
/// Rendered like clang and swiftc: a `FILE:LINE:COL: error: MESSAGE` header, the source line,
/// and a caret line that underlines the range (`^~~~`). Notes follow their diagnostic, each
/// rendered the same way.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        case error, warning, note
    }

    public var severity: Severity
    public var message: String
    /// The span the caret line underlines; empty for an insertion point.
    public var range: SourceRange
    /// Further places worth showing, such as where an unclosed block was opened.
    public var notes: [Diagnostic]

    public init(_ severity: Severity, _ message: String, range: SourceRange, notes: [Diagnostic] = []) {
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
    }

    public static func error(_ message: String, range: SourceRange, notes: [Diagnostic] = []) -> Diagnostic {
        Diagnostic(.error, message, range: range, notes: notes)
    }

    public static func warning(_ message: String, range: SourceRange, notes: [Diagnostic] = []) -> Diagnostic {
        Diagnostic(.warning, message, range: range, notes: notes)
    }

    public static func note(_ message: String, range: SourceRange) -> Diagnostic {
        Diagnostic(.note, message, range: range)
    }

    /// Where the diagnostic points: the start of its range.
    public var location: SourceLocation { range.start }

    /// The header line alone: `FILE:LINE:COL: error: MESSAGE`.
    public var description: String { Self.sanitized("\(location): \(severity.rawValue): \(message)") }

    /// The diagnostic as a terminal shows it: header, source line, caret line, then the notes.
    ///
    /// - Parameters:
    ///   - source: the text the diagnostic's locations refer to; when the line is not in it,
    ///     only the header is rendered.
    ///   - color: ANSI colours and bold as clang uses them.
    /// - Returns: lines joined by `"\n"`, with no trailing newline.
    public func render(source: String, color: Bool) -> String {
        var lines = [header(color: color)]
        if let full = Self.line(location.line, of: source) {
            // A very long line is echoed as a window around the place (a 5 MB line once gave
            // hundreds of MB of messages).
            let first = full.count <= Self.echoLimit ? 0 : max(0, range.start.column - 1 - Self.echoLimit / 2)
            let last = min(full.count, first + Self.echoLimit)
            let text = (first > 0 ? ["…"] : []) + Array(full[first..<last]) + (last < full.count ? ["…"] : [])
            let shift = first - (first > 0 ? 1 : 0)
            lines.append(String(String.UnicodeScalarView(text.map(Self.displayable))))
            let start = max(range.start.column, 1) - shift
            let end = (range.end.line == range.start.line ? range.end.column - 1 : full.count) - shift
            lines.append(caretLine(under: text, from: min(max(start, 1), text.count + 1), to: min(end, text.count), color: color))
        }
        for note in notes {
            lines.append(note.render(source: source, color: color))
        }
        return lines.joined(separator: "\n")
    }

    /// Several diagnostics rendered one after another.
    public static func render(_ diagnostics: [Diagnostic], source: String, color: Bool) -> String {
        diagnostics.map { $0.render(source: source, color: color) }.joined(separator: "\n")
    }

    // MARK: - Rendering pieces

    private func header(color: Bool) -> String {
        guard color else { return description }
        let bold = ANSI.bold, reset = ANSI.reset
        let tint = switch severity {
        case .error: ANSI.boldRed
        case .warning: ANSI.boldMagenta
        case .note: ANSI.boldCyan
        }
        return "\(bold)\(Self.sanitized(location.description)): \(tint)\(severity.rawValue):\(reset)\(bold) "
            + "\(Self.sanitized(message))\(reset)"
    }

    /// Spaces up to the start column (tabs where the source line has tabs, so the caret lines
    /// up in a terminal), a `^` at the start and a `~` under every further scalar of the range on
    /// this line.
    private func caretLine(under text: [Unicode.Scalar], from start: Int, to lastColumn: Int, color: Bool) -> String {
        var pad = ""
        for column in 1..<max(start, 1) {
            pad.unicodeScalars.append(column <= text.count && text[column - 1] == "\t" ? "\t" : " ")
        }
        let tildes = String(repeating: "~", count: max(lastColumn - start, 0))
        let marks = "^" + tildes
        return color ? pad + ANSI.boldGreen + marks + ANSI.reset : pad + marks
    }

    /// Columns of a source line echoed under a message, at most.
    static let echoLimit = 200

    /// The scalars of 1-based line `number` of `source`, without its line break, or nil when
    /// the source has no such line. Line breaks are counted as the lexer counts them, and a
    /// byte-order mark at the start is not part of line 1.
    static func line(_ number: Int, of source: String) -> [Unicode.Scalar]? {
        guard number >= 1 else { return nil }
        var current = 1
        var text: [Unicode.Scalar] = []
        var afterCR = false
        let scalars = source.unicodeScalars
        for scalar in scalars.first == "\u{FEFF}" ? scalars.dropFirst() : scalars[...] {
            if afterCR {
                afterCR = false
                if scalar == "\n" { continue }
            }
            if scalar == "\n" || scalar == "\r" {
                if current == number { return text }
                current += 1
                afterCR = scalar == "\r"
            } else if current == number {
                text.append(scalar)
            }
        }
        return current == number ? text : nil
    }

    /// A scalar as it may be echoed to a terminal: control characters (but tab) and invisible
    /// format characters (zero-width spaces, bidi overrides) become U+FFFD, one column each, so
    /// hostile input cannot drive the terminal, what a message names shows, and the caret still
    /// lines up.
    static func displayable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar == "\t" { return scalar }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return "\u{FFFD}"
        default: return scalar
        }
    }

    static func sanitized(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\t" ? " " : displayable($0) }))
    }
}
