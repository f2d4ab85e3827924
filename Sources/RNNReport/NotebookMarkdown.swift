extension NotebookDocument {
    /// The notebook as CommonMark: the title, the metadata as a list, then per cell a
    /// `### [N]` heading (with the status when not ok), the source and the output in fenced
    /// blocks, and the figures as raw `<svg>` HTML blocks.
    public func markdown() -> String {
        var blocks = ["# " + MarkdownText.inline(title)]
        if !metadata.isEmpty {
            blocks.append(metadata.map { "- **\(MarkdownText.inline($0.key)):** \(MarkdownText.inline($0.value))" }
                .joined(separator: "\n"))
        }
        for cell in cells {
            let status = cell.isNotOK ? " (\(MarkdownText.inline(cell.status)))" : ""
            blocks.append("### [\(cell.number)]\(status)")
            blocks.append(MarkdownText.fenced(Markup.plainText(cell.source), info: "rnn"))
            let output = Markup.plainText(cell.output)
            if !output.allSatisfy(\.isWhitespace) {
                blocks.append(MarkdownText.fenced(output, info: "text"))
            }
            blocks += cell.figures.compactMap(InlineSVG.prepared)
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }
}

/// Text placed into Markdown so that it reads as written.
enum MarkdownText {
    /// One line of inline text: line breaks become spaces and the characters Markdown would
    /// read as emphasis, code, links, HTML or table cells are backslash-escaped.
    static func inline(_ text: String) -> String {
        var result = ""
        for character in TextWidth.singleLine(text) {
            if "\\`*_[]<>|&#".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// A fenced code block whose fence is longer than any run of backticks inside, so no line
    /// of the text can close it early (CommonMark, fenced code blocks).
    static func fenced(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        var body = text
        while body.hasSuffix("\n") { body.removeLast() }
        return fence + info + "\n" + (body.isEmpty ? "" : body + "\n") + fence
    }
}
