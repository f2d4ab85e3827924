extension NotebookDocument {
    /// The notebook as one self-contained HTML5 file: an inline stylesheet, Jupyter-style
    /// `In [N]:` prompts, escaped source and output, error and interrupted cells marked, and
    /// the figures as inline `<svg>` scaled to the column. It references nothing outside
    /// itself: no links, scripts, web fonts or images by URL.
    public func html() -> String {
        let title = Markup.escaped(TextWidth.singleLine(self.title))
        var lines = [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<meta name=\"generator\" content=\"rnnlab\">",
            "<title>\(title)</title>",
            "<style>",
            NotebookStylesheet.css,
            "</style>",
            "</head>",
            "<body>",
            "<main>",
            "<header>",
            "<h1>\(title)</h1>",
        ]
        if !metadata.isEmpty {
            lines.append("<dl class=\"metadata\">")
            for entry in metadata {
                lines.append("<dt>\(Markup.escaped(entry.key))</dt><dd>\(Markup.escaped(entry.value))</dd>")
            }
            lines.append("</dl>")
        }
        lines.append("</header>")
        if cells.isEmpty {
            lines.append("<p class=\"empty\">This session has no cells.</p>")
        }
        for cell in cells {
            lines += Self.html(cell)
        }
        lines += ["</main>", "</body>", "</html>"]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func html(_ cell: NotebookCell) -> [String] {
        let statusClass = cell.isNotOK ? " " + cssClass(cell.status) : ""
        let badge = cell.isNotOK ? "<span class=\"status\">\(Markup.escaped(TextWidth.singleLine(cell.status)))</span>" : ""
        var lines = [
            "<section class=\"cell\(statusClass)\" id=\"cell-\(cell.number)\">",
            "<div class=\"prompt\">In&nbsp;[\(cell.number)]:\(badge)</div>",
            "<pre class=\"source\"><code>\(Markup.escaped(Markup.plainText(cell.source)))</code></pre>",
        ]
        var output = Markup.plainText(cell.output)
        while output.hasSuffix("\n") { output.removeLast() }
        if !output.allSatisfy(\.isWhitespace) {
            lines.append("<div class=\"prompt out\">Out[\(cell.number)]:</div>")
            lines.append("<pre class=\"output\"><samp>\(Markup.escaped(output))</samp></pre>")
        }
        for figure in cell.figures.compactMap(InlineSVG.prepared) {
            lines.append("<figure>")
            lines.append(figure)
            lines.append("</figure>")
        }
        lines.append("</section>")
        return lines
    }

    /// A status as a CSS class: lowercase letters, digits and hyphens only (`error`, `interrupted`).
    private static func cssClass(_ status: String) -> String {
        let kept = status.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        return "status-" + String(String.UnicodeScalarView(kept))
    }
}
