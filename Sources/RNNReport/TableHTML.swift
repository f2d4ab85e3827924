extension TextTable {
    /// The table as an HTML `<table>` (a caption for the title, a header row, numbers
    /// right-aligned), every cell escaped: what a notebook front end shows beside the plain text.
    public func html() -> String {
        func isNumber(_ s: String) -> Bool {
            Double(s.replacingOccurrences(of: ",", with: "")) != nil || s == "–"
        }
        func cell(_ tag: String, _ text: String) -> String {
            let align = tag == "td" && isNumber(text) ? " style=\"text-align:right\"" : ""
            return "<\(tag)\(align)>\(Markup.escaped(text))</\(tag)>"
        }
        var lines = ["<table class=\"rnnlab-table\">"]
        if let title { lines.append("<caption>\(Markup.escaped(title))</caption>") }
        lines.append("<thead><tr>" + columns.map { cell("th", $0) }.joined() + "</tr></thead>")
        lines.append("<tbody>")
        lines += rows.map { "<tr>" + $0.map { cell("td", $0) }.joined() + "</tr>" }
        lines.append("</tbody>")
        lines.append("</table>")
        return lines.joined(separator: "\n")
    }
}
