import Foundation
import Testing
@testable import RNNReport

/// The Jupyter notebook renderer (nbformat 4.5); `Tests/jupyter` validates its output with
/// `nbformat.validate`, this checks the shapes it promises.
@Suite struct NotebookIPYNBTests {
    static func notebook() throws -> [String: Any] {
        let text = SampleNotebook.document.ipynb()
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func cells() throws -> [[String: Any]] {
        try #require(try notebook()["cells"] as? [[String: Any]])
    }

    /// The committed snapshot is what `Tests/jupyter/test_ipynb_export.py` validates with
    /// `nbformat.validate`, so this pins the renderer to a notebook Jupyter accepts.
    @Test func snapshot() throws {
        try Snapshot.check(String(SampleNotebook.document.ipynb().dropLast()), named: "notebook", extension: "ipynb")
    }

    @Test func isNbformat45WithTheRnnlabKernel() throws {
        let notebook = try Self.notebook()
        #expect(notebook["nbformat"] as? Int == 4 && notebook["nbformat_minor"] as? Int == 5)
        let metadata = try #require(notebook["metadata"] as? [String: Any])
        let kernelspec = try #require(metadata["kernelspec"] as? [String: String])
        #expect(kernelspec == ["name": "rnnlab", "display_name": "rnnlab", "language": "rnnlab"])
        #expect((metadata["rnnlab"] as? [String: String])?["session"] == "3")
    }

    @Test func everyCellHasAUniqueValidID() throws {
        let ids = try Self.cells().compactMap { $0["id"] as? String }
        #expect(ids.count == SampleNotebook.document.cells.count + 1)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { id in !id.isEmpty && id.count <= 64
            && id.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" } })
    }

    @Test func codeCellsCarryTheirNumberSourceAndOutputs() throws {
        let code = try Self.cells().filter { $0["cell_type"] as? String == "code" }
        #expect(code.map { $0["execution_count"] as? Int } == [1, 2, 3, 4, 5])
        #expect((code[0]["source"] as? [String]) == ["seed 7\n", "data sine sequences=15 length=20000"])

        let first = try #require(code[0]["outputs"] as? [[String: Any]])
        #expect(first.count == 1 && first[0]["output_type"] as? String == "stream" && first[0]["name"] as? String == "stdout")

        let failed = try #require(code[1]["outputs"] as? [[String: Any]])
        #expect(failed.count == 1 && failed[0]["output_type"] as? String == "error")
        #expect(failed[0]["ename"] as? String == "rnnlab.error")
        #expect(failed[0]["evalue"] as? String == "unknown optimizer 'adamw' (expected sgd, rmsprop, adam, adagrad or adadelta)")

        // ANSI escapes and CR LF are gone from the interrupted cell's stream.
        let interrupted = try #require(code[2]["outputs"] as? [[String: Any]])
        let text = (interrupted[0]["text"] as? [String] ?? []).joined()
        #expect(text == "epoch 1/100  loss 0.9\nepoch 2/100  loss 0.5\n")

        let figure = try #require(code[3]["outputs"] as? [[String: Any]])
        #expect(figure.count == 1 && figure[0]["output_type"] as? String == "display_data")
        let data = try #require(figure[0]["data"] as? [String: Any])
        let svg = (data["image/svg+xml"] as? [String] ?? []).joined()
        #expect(svg.hasPrefix("<svg") && svg.contains("opt-adam") && !svg.contains("<?xml"))
        #expect(data["text/plain"] != nil)
    }
}

@Suite struct TableHTMLTests {
    @Test func cellsAreEscapedAndNumbersRightAligned() {
        let html = TextTable(title: "runs <all>", columns: ["run", "loss"], rows: [["a&b", "0.25"], ["<i>", "–"]]).html()
        #expect(html.contains("<caption>runs &lt;all&gt;</caption>"))
        #expect(html.contains("<td>a&amp;b</td><td style=\"text-align:right\">0.25</td>"))
        #expect(html.contains("<td>&lt;i&gt;</td>"))
        #expect(html.components(separatedBy: "<tr>").count - 1 == 3)
    }
}
