import Foundation
import Testing

/// `export notebook` from a recorded session, with the built binary: every cell in order, the
/// figures inline, nothing fetched from anywhere.
@Suite struct NotebookExportTests {
    @Test func anExportedSessionIsOneSelfContainedFile() throws {
        let work = try Scratch()
        let session = try Binary.run(["--store", "n.sqlite", "-c", """
            seed 2
            data sine sequences=2 length=100
            features deltas window=8
            model dense 8 relu -> lstm 8 -> dense 2
            train epochs=2 name="<b>bold<b>"
            plot loss "<b>bold<b>"
            predict plot
            optimizer adamw
            """], in: work.url)
        #expect(session.status == 1, "the last cell fails")
        let export = try Binary.run(["--store", "n.sqlite", "-c",
                                     "export notebook session 1 to \"n.html\"\nexport notebook session 1 to \"n.md\""],
                                    in: work.url)
        try #require(export.status == 0, "\(export.stderr)")
        let html = try String(contentsOf: work.file("n.html"), encoding: .utf8)
        let markdown = try String(contentsOf: work.file("n.md"), encoding: .utf8)
        for text in [html, markdown] {
            #expect(text.contains("seed 2") && text.contains("optimizer adamw"))
            #expect(text.contains("unknown optimizer"), "the failed cell's message is kept")
            // The train, plot and predict cells each carry an inline figure.
            #expect(text.components(separatedBy: "<svg").count - 1 == 3)
        }
        // User text is escaped, never markup.
        #expect(!html.contains("<b>bold<b>") && html.contains("&lt;b&gt;bold&lt;b&gt;"))
        // No external URL: the SVG namespace is the only URL, and it is never fetched.
        let withoutNamespace = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        #expect(!withoutNamespace.contains("http:") && !withoutNamespace.contains("https:"))
        #expect(!withoutNamespace.contains("src=") && !withoutNamespace.contains("<link"))
    }
}
