/// Where the parts of an SVG figure go, in pixels, and the mapping from values to pixels.
struct SVGLayout {
    struct Rect {
        var minX, maxX, minY, maxY: Double
        var midX: Double { (minX + maxX) / 2 }
        var midY: Double { (minY + maxY) / 2 }
    }

    struct LegendEntry {
        let index: Int
        let text: String
        let x: Double
        let y: Double
    }

    /// Text widths are estimated, not measured: an average glyph is about 0.6 em wide in
    /// common sans-serif fonts, and the estimate only has to keep labels from colliding.
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        Double(TextWidth.columns(text)) * fontSize * 0.6
    }

    /// Legend names are cut here; a figure is not the place for a 200-character name.
    static let legendNameLimit = 48

    let width: Double
    let height: Double
    let plot: Rect
    let xAxis: Axis
    let yAxis: Axis
    let legend: [LegendEntry]
    let notesY: Double

    init(data: PlotData, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, options: SVGFigureOptions) {
        width = Double(max(options.width, 240))
        var height = Double(max(options.height, 200))
        let yAxis = options.logY
            ? Axis.logarithmic(covering: yRange.lowerBound, yRange.upperBound, maxTicks: 7)
            : Axis.linear(covering: yRange.lowerBound, yRange.upperBound, maxTicks: 7)
        self.yAxis = yAxis

        let labelWidth = yAxis.labels.map { Self.textWidth($0, fontSize: 11) }.max() ?? 0
        let left = 12 + (options.yLabel != nil || options.logY ? 20 : 0) + labelWidth + 8
        let right = width - 20
        let top: Double = options.title != nil ? 44 : 20

        // The legend flows in rows under the x axis, from the plot's left edge.
        var entries: [(index: Int, text: String, row: Int, x: Double)] = []
        var row = 0, x = left
        for line in data.lines {
            let text = TextWidth.truncated(TextWidth.singleLine(line.name), to: Self.legendNameLimit)
            let entryWidth = 26 + Self.textWidth(text, fontSize: 12) + 18
            if x > left, x + entryWidth > right {
                row += 1
                x = left
            }
            entries.append((line.index, text, row, x))
            x += entryWidth
        }
        let legendRows = entries.isEmpty ? 0 : row + 1
        let hasNotes = !data.notes.isEmpty || options.smoothing > 0
        let below = 24 + (options.xLabel != nil ? 20 : 0) + Double(legendRows) * 20 + 8 + (hasNotes ? 16 : 0)
        // A long legend makes the figure taller rather than squashing the plot.
        height = max(height, top + 160 + below)
        self.height = height
        let plot = Rect(minX: left, maxX: right, minY: top, maxY: height - below)
        self.plot = plot

        let legendTop = plot.maxY + 24 + (options.xLabel != nil ? 20 : 0) + 10
        legend = entries.map { LegendEntry(index: $0.index, text: $0.text, x: $0.x, y: legendTop + Double($0.row) * 20) }
        notesY = legendTop + Double(legendRows) * 20 + 4

        // As many x ticks as fit with room between their labels.
        var maxTicks = min(10, max(2, Int((plot.maxX - plot.minX) / 70)))
        var xAxis = Axis.linear(covering: xRange.lowerBound, xRange.upperBound, maxTicks: maxTicks, integers: data.integralX,
                                endsAtData: options.xEndsAtData)
        while maxTicks > 2 {
            let widest = xAxis.labels.map { Self.textWidth($0, fontSize: 11) }.max() ?? 0
            if (widest + 16) * Double(xAxis.ticks.count) <= plot.maxX - plot.minX { break }
            maxTicks -= 1
            xAxis = Axis.linear(covering: xRange.lowerBound, xRange.upperBound, maxTicks: maxTicks,
                                integers: data.integralX, endsAtData: options.xEndsAtData)
        }
        self.xAxis = xAxis
    }

    func pixelX(_ x: Double) -> Double {
        plot.minX + Self.clamped(xAxis.fraction(of: x)) * (plot.maxX - plot.minX)
    }

    func pixelY(_ y: Double) -> Double {
        plot.maxY - Self.clamped(yAxis.fraction(of: y)) * (plot.maxY - plot.minY)
    }

    private static func clamped(_ fraction: Double) -> Double {
        fraction.isNaN ? 0 : min(max(fraction, 0), 1)
    }

    /// `M x y L x y x y …` for each segment, thinned to what the pixels can show, with
    /// repeated coordinates dropped.
    func pathData(_ segments: [[PlotPoint]]) -> String {
        var parts: [String] = []
        for segment in segments {
            let pixels = Decimation.pixelColumns(segment.map { (x: pixelX($0.x), y: pixelY($0.y)) },
                                                 columns: plot.maxX - plot.minX)
            var coordinates: [String] = []
            for pixel in pixels {
                let text = SVGMarkup.number(pixel.x) + " " + SVGMarkup.number(pixel.y)
                if coordinates.last != text { coordinates.append(text) }
            }
            guard let first = coordinates.first else { continue }
            parts.append("M" + first + (coordinates.count > 1 ? "L" + coordinates.dropFirst().joined(separator: " ") : ""))
        }
        return parts.joined()
    }
}
