/// How series are told apart on a terminal: ANSI colours when colour is on, symbols when not.
enum TerminalStyle {
    /// SGR foreground codes, in the order of the SVG palette (blue, vermillion, green,
    /// purple, orange, sky blue, grey) so a run keeps roughly its colour in both.
    static let colors = [34, 31, 32, 35, 33, 36, 90]

    /// Symbols distinct in shape, for plots read without colour (NO_COLOR, logs, pipes).
    static let symbols: [Character] = ["●", "×", "+", "○", "◆", "▲", "□", "▼"]

    /// Marks a schedule change on the symbol plot, where no dot resolution is left for dashes.
    static let markerSymbol: Character = "┊"

    static let reset = ANSI.reset

    static func escape(forSeries index: Int) -> String {
        ANSI.foreground(colors[index % colors.count])
    }

    static func symbol(forSeries index: Int) -> Character {
        symbols[index % symbols.count]
    }

    /// `text` in the series' colour, reset afterwards.
    static func colored(_ text: String, series index: Int) -> String {
        escape(forSeries: index) + text + reset
    }
}
