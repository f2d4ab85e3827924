import Foundation

/// Writes SVG text: elements with escaped attributes and compact numbers.
struct SVGMarkup {
    private(set) var lines: [String] = []

    /// An empty element such as `<line x1="0" …/>`.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        lines.append("<\(name)\(Self.attributes(attributes))/>")
    }

    /// An element with escaped text content, such as `<text x="3">a &amp; b</text>`.
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String) {
        lines.append("<\(name)\(Self.attributes(attributes))>\(Markup.escaped(text))</\(name)>")
    }

    mutating func open(_ name: String, _ attributes: [(String, String)]) {
        lines.append("<\(name)\(Self.attributes(attributes))>")
    }

    mutating func close(_ name: String) {
        lines.append("</\(name)>")
    }

    private static func attributes(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(Markup.escaped($0.1))\"" }.joined()
    }

    /// A coordinate with at most two decimals and no trailing zeros (`12.5`, `300`), which
    /// keeps files small; sub-pixel precision beyond that is invisible.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let text = String(format: "%.2f", value)
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed == "-0" ? "0" : String(trimmed)
    }
}
