/// Line plots as terminal text: a left y axis with 3–6 labelled ticks, a bottom x axis, the
/// curves, a legend, the series' markers and notes on skipped values.
///
/// With colour, curves are drawn on a Braille canvas (2×4 dots per cell) in ANSI colours;
/// without, each series gets a symbol at character resolution and the legend maps symbols
/// to names. No line exceeds `options.width` columns, none ends in a space, and the same
/// input always gives the same text.
public enum TerminalPlot {
    /// Below this width no plot is drawn: tick labels would leave no room for curves.
    public static let minimumWidth = 20

    /// Renders the series as lines of text joined by `\n`, without a trailing newline.
    public static func render(_ series: [PlotSeries], options: TerminalPlotOptions = TerminalPlotOptions()) -> String {
        let width = options.width
        guard width >= minimumWidth else {
            return TextWidth.truncated("too narrow to plot (needs \(minimumWidth) columns)", to: max(width, 0))
        }
        let data = PlotData(series, logY: options.logY, smoothing: options.smoothing, keepRaw: false)
        guard let xRange = data.xRange, let yRange = data.yRange else {
            let title = options.title.map { [TextWidth.truncated(TextWidth.singleLine($0), to: width)] } ?? []
            return (title + ["no data to plot"] + notes(data, width: width)).joined(separator: "\n")
        }
        let layout = Layout(xRange: xRange, yRange: yRange, integralX: data.integralX, options: options)

        var lines: [String] = []
        if let title = options.title { lines.append(layout.centered(TextWidth.singleLine(title))) }
        if let yLabel = yLabelLine(options) { lines.append(TextWidth.truncated(yLabel, to: width)) }
        lines += layout.plotRows(drawing(data, layout: layout, color: options.color), color: options.color)
        lines.append(layout.xAxisLine())
        lines.append(layout.xTickLabelLine())
        if let xLabel = options.xLabel { lines.append(layout.centered(TextWidth.singleLine(xLabel))) }
        lines += legend(data, width: width, color: options.color)
        lines += markerLines(data, width: width, color: options.color, xName: options.xLabel)
        lines += notes(data, width: width)
        return lines.map(\.trimmingTrailingSpaces).joined(separator: "\n")
    }

    // MARK: Drawing

    private static func drawing(_ data: PlotData, layout: Layout, color: Bool) -> DotCanvas {
        var canvas = layout.canvas()
        // Markers first, so the curves drawn over them win the shared cells.
        for line in data.lines {
            for marker in line.markers {
                let x = layout.dotX(marker.x)
                // Every other dot: a dashed line on the Braille canvas.
                for y in stride(from: 0, to: layout.dotRows, by: color ? 2 : 1) {
                    canvas.set(x, y, ink: .marker(line.index))
                }
            }
        }
        for line in data.lines {
            for segment in line.segments {
                let dots = segment.map { (x: layout.dotX($0.x), y: layout.dotY($0.y)) }
                canvas.set(dots[0].x, dots[0].y, ink: .line(line.index))
                for (start, end) in zip(dots, dots.dropFirst()) {
                    canvas.line(from: start, to: end, ink: .line(line.index))
                }
            }
        }
        return canvas
    }

    // MARK: Text around the plot

    private static func yLabelLine(_ options: TerminalPlotOptions) -> String? {
        let label = options.yLabel.map(TextWidth.singleLine)
        switch (label, options.logY) {
        case let (label?, true): return label + " (log scale)"
        case let (label?, false): return label
        case (nil, true): return "(log scale)"
        case (nil, false): return nil
        }
    }

    private static func legend(_ data: PlotData, width: Int, color: Bool) -> [String] {
        let items = data.lines.map { line -> StyledText in
            let swatch = color ? "━━" : String(TerminalStyle.symbol(forSeries: line.index))
            let name = TextWidth.truncated(TextWidth.singleLine(line.name), to: width - TextWidth.columns(swatch) - 1)
            let styledSwatch = color ? TerminalStyle.colored(swatch, series: line.index) : swatch
            return StyledText(plain: swatch + " " + name, styled: styledSwatch + " " + name)
        }
        return StyledText.flow(items, separator: "   ", width: width)
    }

    /// One entry per series with markers: `┊ opt-adam: K=50 (epoch 21), K=10 (epoch 40)`.
    private static func markerLines(_ data: PlotData, width: Int, color: Bool, xName: String?) -> [String] {
        let place = xName.map { TextWidth.singleLine($0) + " " } ?? "x="
        var lines: [String] = []
        for line in data.lines where !line.markers.isEmpty {
            let symbol = String(TerminalStyle.markerSymbol)
            let name = TextWidth.singleLine(line.name)
            var items = [StyledText(plain: "\(symbol) \(name):",
                                    styled: (color ? TerminalStyle.colored(symbol, series: line.index) : symbol) + " \(name):")]
            for (offset, marker) in line.markers.enumerated() {
                let comma = offset < line.markers.count - 1 ? "," : ""
                items.append(StyledText("\(TextWidth.singleLine(marker.label)) (\(place)\(TickLabel.shortest(marker.x)))\(comma)"))
            }
            lines += StyledText.flow(items, separator: " ", width: width, indent: 2)
        }
        return lines
    }

    private static func notes(_ data: PlotData, width: Int) -> [String] {
        data.notes.map { TextWidth.truncated("note: " + $0, to: width) }
    }
}
