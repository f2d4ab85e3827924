import Foundation
import Testing
@testable import RNNReport

/// A session as the store would hand it over: ordinary, failing, interrupted and tricky cells.
enum SampleNotebook {
    static let figure = SVGFigure.render(
        [PlotSeries(name: "opt-adam", values: [0.9, 0.5, 0.3, 0.25], markers: [PlotMarker(x: 3, label: "K=50")])],
        options: SVGFigureOptions(width: 360, height: 240, title: "loss", xLabel: "epoch"))

    static let document = NotebookDocument(
        title: "rnnlab session 3",
        metadata: [
            (key: "session", value: "3"),
            (key: "started", value: "2025-03-01 10:00:00"),
            (key: "ended", value: "2025-03-01 10:42:17"),
            (key: "rnnlab", value: "0.4.0"),
            (key: "store", value: "/home/me/rnnlab_store.sqlite"),
            (key: "cwd", value: "/home/me/experiments *draft*"),
        ],
        cells: [
            NotebookCell(number: 1, source: "seed 7\ndata sine sequences=15 length=20000", output: "15 sequences of 20000 steps"),
            NotebookCell(number: 2, source: "optimizer adamw", output: "t.rnn:1:11: error: unknown optimizer 'adamw' (expected sgd, rmsprop, adam, adagrad or adadelta)",
                         status: "error"),
            NotebookCell(number: 3, source: "train epochs=100 name=\"opt-adam\"",
                         output: "\u{1B}[1mepoch 1/100\u{1B}[0m  loss 0.9\r\nepoch 2/100  loss 0.5\n", status: "interrupted"),
            NotebookCell(number: 4, source: "plot loss opt-adam to \"loss.svg\"", output: "",
                         figures: ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + figure]),
            NotebookCell(number: 5, source: "# a note with ``` fences and <script>alert(1)</script> & more\nshow",
                         output: "<b>not bold</b> & ```not a fence```"),
        ])
}

@Suite struct NotebookMarkdownTests {
    @Test func snapshot() throws {
        try Snapshot.check(SampleNotebook.document.markdown(), named: "notebook", extension: "md")
    }

    @Test func cellsAreNumberedWithTheirStatusWhenNotOK() {
        let markdown = SampleNotebook.document.markdown()
        #expect(markdown.hasPrefix("# rnnlab session 3\n"))
        #expect(markdown.contains("\n### [1]\n"))
        #expect(markdown.contains("\n### [2] (error)\n"))
        #expect(markdown.contains("\n### [3] (interrupted)\n"))
    }

    @Test func fencesOutgrowBackticksInside() {
        let markdown = SampleNotebook.document.markdown()
        #expect(markdown.contains("````rnn\n# a note with ``` fences"))
        #expect(markdown.contains("````text\n<b>not bold</b> & ```not a fence```\n````"))
        #expect(MarkdownText.fenced("a ````` b", info: "") == "``````\na ````` b\n``````")
    }

    @Test func emptyOutputHasNoBlockAndTerminalEscapesAreGone() {
        let markdown = SampleNotebook.document.markdown()
        #expect(!markdown.contains("\u{1B}"))
        #expect(markdown.contains("```text\nepoch 1/100  loss 0.9\nepoch 2/100  loss 0.5\n```"))
        let cell4 = markdown.components(separatedBy: "### [4]")[1].components(separatedBy: "### [5]")[0]
        #expect(!cell4.contains("```text"))
    }

    @Test func figuresAreInlineSVGWithoutPrologOrBlankLines() throws {
        let markdown = SampleNotebook.document.markdown()
        #expect(!markdown.contains("<?xml"))
        let start = try #require(markdown.range(of: "<svg"))
        let end = try #require(markdown.range(of: "</svg>"))
        let svg = String(markdown[start.lowerBound..<end.upperBound])
        #expect(!svg.contains("\n\n"))
        #expect(markdown[..<start.lowerBound].hasSuffix("\n\n"))
        _ = try ParsedXML(svg)
    }

    @Test func metadataIsAListWithMarkdownEscaped() {
        let markdown = SampleNotebook.document.markdown()
        #expect(markdown.contains("- **session:** 3\n"))
        #expect(markdown.contains("- **cwd:** /home/me/experiments \\*draft\\*"))
        #expect(markdown.contains("- **store:** /home/me/rnnlab\\_store.sqlite"))
    }
}

@Suite struct NotebookHTMLTests {
    static let html = SampleNotebook.document.html()

    @Test func isOneHTML5DocumentWithAnInlineStylesheet() {
        #expect(Self.html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(Self.html.contains("<meta charset=\"utf-8\">"))
        #expect(Self.html.contains("<title>rnnlab session 3</title>"))
        #expect(Self.html.components(separatedBy: "<style>").count == 2)
        #expect(Self.html.hasSuffix("</html>\n"))
    }

    @Test func referencesNothingOutside() {
        let withoutNamespace = Self.html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        #expect(!withoutNamespace.contains("http"))
        #expect(withoutNamespace.range(of: "(src|href)\\s*=\\s*[\"']?[^\"'>]*//", options: .regularExpression) == nil)
        for forbidden in ["<link", "<script", "@import", "url(", "@font-face", "//"] {
            #expect(!withoutNamespace.contains(forbidden), "found \(forbidden)")
        }
    }

    @Test func everyCellsSourceAndOutputAppearEscaped() {
        for cell in SampleNotebook.document.cells {
            #expect(Self.html.contains("In&nbsp;[\(cell.number)]:"))
            #expect(Self.html.contains(Markup.escaped(Markup.plainText(cell.source))))
            let output = Markup.plainText(cell.output).trimmingCharacters(in: .newlines)
            if !output.isEmpty {
                #expect(Self.html.contains("Out[\(cell.number)]:"))
                #expect(Self.html.contains(Markup.escaped(output)))
            }
        }
        #expect(Self.html.contains("unknown optimizer &#39;adamw&#39;"))
    }

    @Test func scriptInUserTextIsEscaped() {
        #expect(!Self.html.contains("<script"))
        #expect(Self.html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
        #expect(Self.html.contains("&lt;b&gt;not bold&lt;/b&gt;"))
        let hostile = NotebookDocument(title: "</title><script>x()</script>",
                                       metadata: [(key: "<k>", value: "\"v\" & 'w'")], cells: [])
        let html = hostile.html()
        #expect(!html.contains("<script"))
        #expect(html.contains("<dt>&lt;k&gt;</dt><dd>&quot;v&quot; &amp; &#39;w&#39;</dd>"))
    }

    @Test func errorAndInterruptedCellsAreMarked() {
        #expect(Self.html.contains("<section class=\"cell status-error\" id=\"cell-2\">"))
        #expect(Self.html.contains("<span class=\"status\">error</span>"))
        #expect(Self.html.contains("<section class=\"cell status-interrupted\" id=\"cell-3\">"))
        #expect(Self.html.contains("<section class=\"cell\" id=\"cell-1\">"))
        #expect(NotebookStylesheet.css.contains(".cell.status-error pre.output"))
    }

    @Test func figuresAreInlineSVGScaledToTheColumn() throws {
        #expect(!Self.html.contains("<?xml"))
        let start = try #require(Self.html.range(of: "<figure>\n<svg"))
        let end = try #require(Self.html.range(of: "</svg>\n</figure>"))
        let svg = String(Self.html[Self.html.index(start.lowerBound, offsetBy: 9)..<Self.html.index(end.upperBound, offsetBy: -10)])
        let xml = try ParsedXML(svg)
        #expect(xml.all("text", withClass: "marker-label").map(\.text) == ["K=50"])
        #expect(NotebookStylesheet.css.contains("figure svg { display: block; width: 100%; max-width: 100%; height: auto; }"))
    }

    @Test func terminalEscapesAreRemoved() {
        #expect(!Self.html.contains("\u{1B}"))
        #expect(Self.html.contains("epoch 1/100  loss 0.9\nepoch 2/100  loss 0.5</samp>"))
    }

    @Test func anEmptySessionSaysSo() {
        let html = NotebookDocument(title: "empty", cells: []).html()
        #expect(html.contains("This session has no cells."))
        #expect(NotebookDocument(title: "empty", cells: []).markdown() == "# empty\n")
    }
}

@Suite struct MarkupTests {
    @Test func plainTextDropsEscapesAndControls() {
        #expect(Markup.plainText("\u{1B}[31mred\u{1B}[0m\r\nnext\rline\u{07}\t.") == "red\nnext\nline\t.")
        #expect(Markup.plainText("\u{1B}]0;title\u{07}after") == "after")
        #expect(Markup.plainText("tail \u{1B}") == "tail ")
    }

    @Test func escapedIsSafeForXML() {
        #expect(Markup.escaped("<a href='x'>\"&\"</a>\u{00}\u{FFFF}") == "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;\u{FFFD}\u{FFFD}")
    }
}
