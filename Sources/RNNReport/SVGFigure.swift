/// Line plots as standalone SVG documents: title, axes with ticks and a light grid, axis
/// labels, a legend, one path per series, and each series' markers as dashed vertical lines
/// in its colour with a small rotated label.
///
/// The document is self-contained (no fonts, URLs or scripts beyond the SVG namespace), all
/// user text is escaped, coordinates carry at most two decimals, and the same input always
/// gives the same bytes. It has no XML prolog, so it can also be inlined into HTML.
public enum SVGFigure {
    /// Okabe and Ito's colour-blind-safe palette (*Color Universal Design*, 2002) without its
    /// yellow, too pale for a line on white; series beyond seven reuse the colours in order,
    /// dashed (then dotted) so that no two lines look alike (a sweep has a dozen).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    static let fontFamily = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"

    static func color(forSeries index: Int) -> String {
        palette[index % palette.count]
    }

    /// Solid for the first seven series, then dashed, then dotted, then solid again.
    static func dash(forSeries index: Int) -> [(String, String)] {
        switch (index / palette.count) % 3 {
        case 1: [("stroke-dasharray", "7 4")]
        case 2: [("stroke-dasharray", "1.5 3")]
        default: []
        }
    }

    /// Renders the series as an SVG document (one `<svg>` element, lines joined by `\n`).
    public static func render(_ series: [PlotSeries], options: SVGFigureOptions = SVGFigureOptions()) -> String {
        let data = PlotData(series, logY: options.logY, smoothing: options.smoothing, keepRaw: true)
        guard let xRange = data.xRange, let yRange = data.yRange else {
            return emptyFigure(data, options: options)
        }
        let layout = SVGLayout(data: data, xRange: xRange, yRange: yRange, options: options)
        var svg = SVGMarkup()
        openDocument(&svg, width: layout.width, height: layout.height, options: options, names: series.map(\.name))
        if let title = options.title {
            svg.element("text", [("class", "title"), ("x", SVGMarkup.number(layout.width / 2)), ("y", "26"),
                                 ("text-anchor", "middle"), ("font-size", "16"), ("font-weight", "600"),
                                 ("fill", "#222")], text: TextWidth.singleLine(title))
        }
        drawAxes(&svg, layout: layout, options: options)
        drawMarkers(&svg, data: data, layout: layout)
        drawSeries(&svg, data: data, layout: layout)
        drawLegend(&svg, layout: layout)
        drawNotes(&svg, data.notes + (options.smoothing > 0 ? ["faint lines: raw values"] : []), layout: layout)
        svg.close("svg")
        return svg.lines.joined(separator: "\n")
    }

    // MARK: Parts

    private static func openDocument(_ svg: inout SVGMarkup, width: Double, height: Double,
                                     options: SVGFigureOptions, names: [String]) {
        let (w, h) = (SVGMarkup.number(width), SVGMarkup.number(height))
        svg.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("width", w), ("height", h),
                         ("viewBox", "0 0 \(w) \(h)"), ("font-family", fontFamily), ("font-size", "12"),
                         ("role", "img")])
        // The accessible name: the title, or what is plotted.
        svg.element("title", [], text: TextWidth.singleLine(options.title ?? "plot of " + names.joined(separator: ", ")))
        svg.element("rect", [("width", w), ("height", h), ("fill", "#ffffff")])
    }

    private static func drawAxes(_ svg: inout SVGMarkup, layout: SVGLayout, options: SVGFigureOptions) {
        let plot = layout.plot
        let (left, right, top, bottom) = (SVGMarkup.number(plot.minX), SVGMarkup.number(plot.maxX),
                                          SVGMarkup.number(plot.minY), SVGMarkup.number(plot.maxY))
        svg.open("g", [("class", "grid"), ("stroke", "#e6e6e6"), ("stroke-width", "1")])
        for tick in layout.yAxis.ticks {
            let y = SVGMarkup.number(layout.pixelY(tick))
            svg.element("line", [("x1", left), ("y1", y), ("x2", right), ("y2", y)])
        }
        for tick in layout.xAxis.ticks {
            let x = SVGMarkup.number(layout.pixelX(tick))
            svg.element("line", [("x1", x), ("y1", top), ("x2", x), ("y2", bottom)])
        }
        svg.close("g")

        svg.open("g", [("class", "axes"), ("stroke", "#888888"), ("stroke-width", "1")])
        svg.element("line", [("x1", left), ("y1", top), ("x2", left), ("y2", bottom)])
        svg.element("line", [("x1", left), ("y1", bottom), ("x2", right), ("y2", bottom)])
        svg.close("g")

        svg.open("g", [("class", "y-ticks"), ("fill", "#555555"), ("font-size", "11"), ("text-anchor", "end")])
        for (tick, label) in zip(layout.yAxis.ticks, layout.yAxis.labels) {
            svg.element("text", [("x", SVGMarkup.number(plot.minX - 6)), ("y", SVGMarkup.number(layout.pixelY(tick))),
                                 ("dy", "0.32em")], text: label)
        }
        svg.close("g")
        svg.open("g", [("class", "x-ticks"), ("fill", "#555555"), ("font-size", "11"), ("text-anchor", "middle")])
        for (tick, label) in zip(layout.xAxis.ticks, layout.xAxis.labels) {
            svg.element("text", [("x", SVGMarkup.number(layout.pixelX(tick))), ("y", SVGMarkup.number(plot.maxY + 16))],
                        text: label)
        }
        svg.close("g")

        if let xLabel = options.xLabel {
            svg.element("text", [("class", "x-label"), ("x", SVGMarkup.number(plot.midX)),
                                 ("y", SVGMarkup.number(plot.maxY + 36)), ("text-anchor", "middle"), ("fill", "#333")],
                        text: TextWidth.singleLine(xLabel))
        }
        let yLabel = options.yLabel.map { TextWidth.singleLine($0) + (options.logY ? " (log scale)" : "") }
            ?? (options.logY ? "log scale" : nil)
        if let yLabel {
            let (x, y) = (SVGMarkup.number(16), SVGMarkup.number(plot.midY))
            svg.element("text", [("class", "y-label"), ("transform", "translate(\(x) \(y)) rotate(-90)"),
                                 ("text-anchor", "middle"), ("dy", "0.32em"), ("fill", "#333")], text: yLabel)
        }
    }

    /// Dashed vertical lines where a series' schedule changed, labelled at the top.
    private static func drawMarkers(_ svg: inout SVGMarkup, data: PlotData, layout: SVGLayout) {
        let markers = data.lines.flatMap { line in line.markers.map { (line.index, $0) } }
        guard !markers.isEmpty else { return }
        let (top, bottom) = (SVGMarkup.number(layout.plot.minY), SVGMarkup.number(layout.plot.maxY))
        svg.open("g", [("class", "markers"), ("font-size", "10"), ("text-anchor", "end")])
        for (index, marker) in markers {
            let x = layout.pixelX(marker.x)
            let color = color(forSeries: index)
            svg.element("line", [("class", "marker"), ("x1", SVGMarkup.number(x)), ("y1", top),
                                 ("x2", SVGMarkup.number(x)), ("y2", bottom), ("stroke", color), ("stroke-width", "1"),
                                 ("stroke-dasharray", "4 3"), ("stroke-opacity", "0.8")])
            let anchor = "translate(\(SVGMarkup.number(x - 3)) \(SVGMarkup.number(layout.plot.minY + 4))) rotate(-90)"
            svg.element("text", [("class", "marker-label"), ("transform", anchor), ("fill", color)],
                        text: TextWidth.singleLine(marker.label))
        }
        svg.close("g")
    }

    /// One path per series (segments as subpaths); raw values first and faint when smoothed,
    /// and a dot for a point with no neighbour to join.
    private static func drawSeries(_ svg: inout SVGMarkup, data: PlotData, layout: SVGLayout) {
        let raw = data.lines.filter { !$0.rawSegments.isEmpty }
        if !raw.isEmpty {
            svg.open("g", [("class", "raw"), ("fill", "none"), ("stroke-width", "1"), ("stroke-opacity", "0.25")])
            for line in raw {
                svg.element("path", [("d", layout.pathData(line.rawSegments)), ("stroke", color(forSeries: line.index))])
            }
            svg.close("g")
        }
        svg.open("g", [("class", "lines"), ("fill", "none"), ("stroke-width", "1.8"), ("stroke-linejoin", "round"),
                       ("stroke-linecap", "round")])
        for line in data.lines where !line.segments.isEmpty {
            let color = color(forSeries: line.index)
            svg.element("path", [("class", "series"), ("d", layout.pathData(line.segments)), ("stroke", color)]
                        + dash(forSeries: line.index))
            for segment in line.segments where segment.count == 1 {
                svg.element("circle", [("cx", SVGMarkup.number(layout.pixelX(segment[0].x))),
                                       ("cy", SVGMarkup.number(layout.pixelY(segment[0].y))), ("r", "2.5"),
                                       ("fill", color), ("stroke", "none")])
            }
        }
        svg.close("g")
    }

    private static func drawLegend(_ svg: inout SVGMarkup, layout: SVGLayout) {
        svg.open("g", [("class", "legend"), ("fill", "#222")])
        for entry in layout.legend {
            let color = color(forSeries: entry.index)
            let (x, y) = (entry.x, entry.y)
            svg.element("line", [("x1", SVGMarkup.number(x)), ("y1", SVGMarkup.number(y)), ("x2", SVGMarkup.number(x + 20)),
                                 ("y2", SVGMarkup.number(y)), ("stroke", color), ("stroke-width", "3"),
                                 ("stroke-linecap", "round")] + dash(forSeries: entry.index))
            svg.element("text", [("x", SVGMarkup.number(x + 26)), ("y", SVGMarkup.number(y)), ("dy", "0.32em")],
                        text: entry.text)
        }
        svg.close("g")
    }

    private static func drawNotes(_ svg: inout SVGMarkup, _ notes: [String], layout: SVGLayout) {
        guard !notes.isEmpty else { return }
        svg.element("text", [("class", "note"), ("x", SVGMarkup.number(layout.plot.minX)),
                             ("y", SVGMarkup.number(layout.notesY)), ("font-size", "10"), ("fill", "#666")],
                    text: notes.joined(separator: "; "))
    }

    private static func emptyFigure(_ data: PlotData, options: SVGFigureOptions) -> String {
        let width = Double(max(options.width, 200)), height = Double(max(options.height, 120))
        var svg = SVGMarkup()
        openDocument(&svg, width: width, height: height, options: options, names: data.lines.map(\.name))
        if let title = options.title {
            svg.element("text", [("class", "title"), ("x", SVGMarkup.number(width / 2)), ("y", "26"),
                                 ("text-anchor", "middle"), ("font-size", "16"), ("font-weight", "600"),
                                 ("fill", "#222")], text: TextWidth.singleLine(title))
        }
        svg.element("text", [("x", SVGMarkup.number(width / 2)), ("y", SVGMarkup.number(height / 2)),
                             ("text-anchor", "middle"), ("fill", "#666")], text: "no data to plot")
        if !data.notes.isEmpty {
            svg.element("text", [("class", "note"), ("x", SVGMarkup.number(width / 2)), ("y", SVGMarkup.number(height / 2 + 20)),
                                 ("text-anchor", "middle"), ("font-size", "10"), ("fill", "#666")],
                        text: data.notes.joined(separator: "; "))
        }
        svg.close("svg")
        return svg.lines.joined(separator: "\n")
    }
}
