/// Terminal text in two forms: `plain` to measure, `styled` (with ANSI escapes) to print.
struct StyledText {
    var plain: String
    var styled: String

    init(_ plain: String) {
        self.plain = plain
        styled = plain
    }

    init(plain: String, styled: String) {
        self.plain = plain
        self.styled = styled
    }

    var columns: Int { TextWidth.columns(plain) }

    /// Lays items out left to right, `separator` between them, starting a new line (indented
    /// by `indent` columns) before an item that would pass `width`. An item too wide for any
    /// line is cut with `…`, dropping its styling.
    static func flow(_ items: [StyledText], separator: String, width: Int, indent: Int = 0) -> [String] {
        var lines: [String] = []
        var line = ""
        var used = 0
        var lineHasItem = false
        for var item in items {
            if lineHasItem, used + separator.count + item.columns > width {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                used = indent
                lineHasItem = false
            }
            let room = width - used - (lineHasItem ? separator.count : 0)
            if item.columns > room {
                item = StyledText(TextWidth.truncated(item.plain, to: room))
            }
            if lineHasItem {
                line += separator
                used += separator.count
            }
            line += item.styled
            used += item.columns
            lineHasItem = true
        }
        if lineHasItem { lines.append(line) }
        return lines
    }
}
