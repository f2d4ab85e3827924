/// Escaping for XML and HTML, where run names, cell sources and outputs are user text.
enum Markup {
    /// `text` safe as element content or a quoted attribute value in XML 1.0 and HTML5:
    /// `& < > " '` become entities, and characters XML forbids (control characters other
    /// than tab, newline and carriage return; U+FFFE, U+FFFF) become U+FFFD, so any name
    /// still yields a well-formed document.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Terminal output made printable: ANSI escape sequences (colours, cursor moves) removed,
    /// CR LF and lone CR turned into LF, other control characters except tab removed.
    static func plainText(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar {
            case "\u{1B}":
                // CSI (ESC [ … final byte @–~) or OSC (ESC ] … BEL or ESC \); otherwise ESC and one character.
                if pending == "[" {
                    while let next = scalars.next() {
                        if (0x40...0x7E).contains(next.value) { break }
                    }
                    pending = scalars.next()
                } else if pending == "]" {
                    while let next = scalars.next() {
                        if next == "\u{07}" { break }
                        if next == "\u{1B}" { _ = scalars.next(); break }
                    }
                    pending = scalars.next()
                } else {
                    pending = scalars.next()
                }
            case "\r":
                result.append("\n")
                if pending == "\n" { pending = scalars.next() }
            case "\n", "\t":
                result.append(scalar)
            case _ where scalar.properties.generalCategory == .control:
                continue
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }
}
