/// The terminal escape codes rnnlab writes, in one place (SGR colours and styles, line clearing).
public enum ANSI {
    public static let reset = "\u{1B}[0m"
    public static let bold = "\u{1B}[1m"
    public static let dim = "\u{1B}[2m"
    public static let red = "\u{1B}[31m"
    public static let green = "\u{1B}[32m"
    public static let yellow = "\u{1B}[33m"
    public static let boldRed = "\u{1B}[1;31m"
    public static let boldGreen = "\u{1B}[1;32m"
    public static let boldMagenta = "\u{1B}[1;35m"
    public static let boldCyan = "\u{1B}[1;36m"
    public static let clearToEndOfLine = "\u{1B}[K"

    /// An SGR foreground colour by its code (31 red … 37 white, 90 grey).
    public static func foreground(_ code: Int) -> String { "\u{1B}[\(code)m" }
}

/// Numbers as rnnlab prints them.
public enum NumberText {
    /// `value` with `digits` decimals; a non-finite value as Swift writes it (`inf`, `nan`).
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        return String(format: "%.\(digits)f", value)
    }
}
