/// Text from outside (run names, cell sources, paths, a file's contents) as it may be written
/// to a terminal: control characters other than newline and tab become their visible Control
/// Pictures (`␛` for ESC, `␀` for NUL), C1 controls and invisible format characters (bidi
/// overrides, zero-width spaces) become U+FFFD, so stored text can never drive the terminal.
public enum VisibleText {
    public static func of(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsReplacing) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map(visible)))
    }

    static func needsReplacing(_ scalar: Unicode.Scalar) -> Bool {
        visible(scalar) != scalar
    }

    static func visible(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x0A, 0x09: return scalar
        case 0x00..<0x20: return Unicode.Scalar(0x2400 + scalar.value)!
        case 0x7F: return "\u{2421}"
        case 0x80..<0xA0: return "\u{FFFD}"
        default:
            switch scalar.properties.generalCategory {
            case .format, .lineSeparator, .paragraphSeparator: return "\u{FFFD}"
            default: return scalar
            }
        }
    }
}
