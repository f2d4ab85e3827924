/// A session as a readable document: its numbered cells, what they printed and the figures
/// they drew, rendered as Markdown (``markdown()``) or one self-contained HTML file (``html()``).
public struct NotebookDocument: Sendable {
    /// The heading, e.g. `rnnlab session 3`.
    public var title: String
    /// Facts about the session in display order: session number, start and end, rnnlab
    /// version, store path, working directory.
    public var metadata: [(key: String, value: String)]
    /// The cells in the order they ran.
    public var cells: [NotebookCell]

    /// A document of the given cells.
    public init(title: String, metadata: [(key: String, value: String)] = [], cells: [NotebookCell]) {
        self.title = title
        self.metadata = metadata
        self.cells = cells
    }
}

/// One numbered input of a session and what came of it.
public struct NotebookCell: Sendable, Equatable {
    /// The cell's number in its session, as the REPL prompt showed it.
    public var number: Int
    /// The script text as typed.
    public var source: String
    /// The recorded output as plain text; ANSI escapes are removed when rendering.
    public var output: String
    /// How the cell ended, as the store records it: `ok`, `error` or `interrupted`.
    public var status: String
    /// SVG documents the cell drew (for example ``SVGFigure/render(_:options:)``), shown inline
    /// after the output.
    public var figures: [String]

    /// A cell; the status defaults to `ok`.
    public init(number: Int, source: String, output: String, status: String = "ok", figures: [String] = []) {
        self.number = number
        self.source = source
        self.output = output
        self.status = status
        self.figures = figures
    }

    /// Whether the status is anything but `ok`, which the renderers then show.
    var isNotOK: Bool {
        status.lowercased() != "ok"
    }
}

/// An SVG document prepared for inlining into Markdown or HTML.
enum InlineSVG {
    /// `svg` from its `<svg` tag on, without an XML prolog, doctype or leading comment, and
    /// without blank lines (a blank line would end a Markdown HTML block mid-figure).
    /// Returns nil when there is no `<svg` element.
    static func prepared(_ svg: String) -> String? {
        guard let start = svg.range(of: "<svg") else { return nil }
        let body = svg[start.lowerBound...]
        return body.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
            .filter { !$0.allSatisfy(\.isWhitespace) }
            .joined(separator: "\n")
    }
}
