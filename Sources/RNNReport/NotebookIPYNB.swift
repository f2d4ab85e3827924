import Foundation

extension NotebookDocument {
    /// The notebook as a Jupyter notebook (nbformat 4.5): a Markdown cell with the title and
    /// the metadata, then one code cell per recorded cell with its number as execution count,
    /// its text as a stdout stream (an `error` output when the cell failed) and each figure as
    /// `display_data` with `image/svg+xml` and a `text/plain` fallback. Cell ids are unique
    /// (nbformat 4.5 requires them) and stable: `cell-` and the cell's position.
    public func ipynb() -> String {
        var header = "# " + MarkdownText.inline(title)
        if !metadata.isEmpty {
            header += "\n\n" + metadata.map { "- **\(MarkdownText.inline($0.key)):** \(MarkdownText.inline($0.value))" }
                .joined(separator: "\n")
        }
        var cells: [[String: Any]] = [
            ["cell_type": "markdown", "id": "session", "metadata": [String: Any](), "source": Self.lines(header)],
        ]
        for (index, cell) in self.cells.enumerated() {
            cells.append(["cell_type": "code", "id": "cell-\(index + 1)", "execution_count": cell.number,
                          "metadata": [String: Any](), "source": Self.lines(Markup.plainText(cell.source)),
                          "outputs": Self.outputs(cell)])
        }
        let notebook: [String: Any] = [
            "nbformat": 4, "nbformat_minor": 5,
            "metadata": [
                "kernelspec": ["name": "rnnlab", "display_name": "rnnlab", "language": "rnnlab"],
                "language_info": ["name": "rnnlab", "file_extension": ".rnn", "mimetype": "text/x-rnnlab"],
                "rnnlab": Dictionary(metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, later in later }),
            ] as [String: Any],
            "cells": cells,
        ]
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? JSONSerialization.data(withJSONObject: notebook, options: options)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A cell's outputs in nbformat's shapes.
    private static func outputs(_ cell: NotebookCell) -> [[String: Any]] {
        var outputs: [[String: Any]] = []
        let text = Markup.plainText(cell.output)
        if cell.status.lowercased() == "error" {
            let traceback = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            outputs.append(["output_type": "error", "ename": "rnnlab.error", "evalue": errorMessage(in: text),
                            "traceback": traceback])
        } else if !text.allSatisfy(\.isWhitespace) {
            outputs.append(["output_type": "stream", "name": "stdout",
                            "text": lines(text.hasSuffix("\n") ? text : text + "\n")])
        }
        for svg in cell.figures {
            guard let inline = InlineSVG.prepared(svg) else { continue }
            outputs.append(["output_type": "display_data", "metadata": [String: Any](),
                            "data": ["image/svg+xml": lines(inline), "text/plain": ["<figure>"]]])
        }
        return outputs
    }

    /// The message of the first `FILE:LINE:COL: error: MESSAGE` line, else the first line.
    private static func errorMessage(in text: String) -> String {
        let lines = text.split(separator: "\n").map(String.init)
        for line in lines {
            if let range = line.range(of: ": error: ") { return String(line[range.upperBound...]) }
        }
        return lines.first ?? "the cell failed"
    }

    /// nbformat's multi-line strings: a list of lines, each but the last keeping its newline.
    private static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var line = ""
        for character in text {
            line.append(character)
            if character == "\n" {
                result.append(line)
                line = ""
            }
        }
        if !line.isEmpty { result.append(line) }
        return result
    }
}
