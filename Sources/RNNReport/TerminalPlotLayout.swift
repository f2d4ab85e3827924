extension TerminalPlot {
    /// Where everything goes: the axes, the y-label margin, the plot area's size, and the
    /// mapping from values to dots and cells.
    struct Layout {
        let width: Int
        let height: Int
        let xAxis: Axis
        let yAxis: Axis
        /// Columns of the right-aligned y tick labels.
        let labelWidth: Int
        /// Columns of the plot area, which starts after the labels, a space and the axis line.
        let plotWidth: Int
        var plotStart: Int { labelWidth + 2 }
        /// Dots per cell: 2×4 on the Braille canvas, 1×1 for symbols.
        let dotsPerColumn: Int
        let dotsPerRow: Int
        var dotColumns: Int { plotWidth * dotsPerColumn }
        var dotRows: Int { height * dotsPerRow }

        init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, integralX: Bool, options: TerminalPlotOptions) {
            width = options.width
            height = min(max(options.height, 3), 200)
            dotsPerColumn = options.color ? 2 : 1
            dotsPerRow = options.color ? 4 : 1
            // A tick label every three rows or so, and 3 to 6 of them.
            let yTicks = min(6, max(3, height / 3))
            if options.logY {
                yAxis = Axis.logarithmic(covering: yRange.lowerBound, yRange.upperBound, maxTicks: yTicks)
            } else {
                let axis = Axis.linear(covering: yRange.lowerBound, yRange.upperBound, maxTicks: yTicks)
                // Ticks inside the data can fall closer than a row apart on a short plot.
                let rowsApart = Self.smallestGap(axis) * Double(height * dotsPerRow - 1) >= Double(dotsPerRow)
                yAxis = rowsApart ? axis
                    : Axis.linear(covering: yRange.lowerBound, yRange.upperBound, maxTicks: yTicks, roundEnds: true)
            }
            // Long labels (many significant digits) may take at most a third of the width.
            labelWidth = min(yAxis.labels.map(TextWidth.columns).max() ?? 1, width / 3)
            plotWidth = width - labelWidth - 2

            // As many x ticks as fit with two spaces between labels.
            var maxTicks = min(10, max(2, plotWidth / 7))
            var axis = Axis.linear(covering: xRange.lowerBound, xRange.upperBound, maxTicks: maxTicks, integers: integralX,
                                   endsAtData: options.xEndsAtData)
            while maxTicks > 2 {
                let longest = axis.labels.map(TextWidth.columns).max() ?? 1
                if (longest + 2) * axis.ticks.count <= plotWidth { break }
                maxTicks -= 1
                axis = Axis.linear(covering: xRange.lowerBound, xRange.upperBound, maxTicks: maxTicks, integers: integralX,
                                   endsAtData: options.xEndsAtData)
            }
            xAxis = axis
        }

        /// The smallest distance between neighbouring ticks, as a fraction of the axis.
        private static func smallestGap(_ axis: Axis) -> Double {
            let fractions = axis.ticks.map(axis.fraction)
            return zip(fractions, fractions.dropFirst()).map { $1 - $0 }.min() ?? 1
        }

        /// A new canvas the size of the plot area.
        func canvas() -> DotCanvas {
            DotCanvas(columns: plotWidth, rows: height, braille: dotsPerRow > 1)
        }

        func dotX(_ x: Double) -> Int {
            Self.dot(xAxis.fraction(of: x), count: dotColumns)
        }

        /// Dot rows count down from the top.
        func dotY(_ y: Double) -> Int {
            dotRows - 1 - Self.dot(yAxis.fraction(of: y), count: dotRows)
        }

        /// The nearest of `count` dots to a fraction of the axis; clamped, so it never traps.
        private static func dot(_ fraction: Double, count: Int) -> Int {
            let clamped = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
            return Int((clamped * Double(count - 1)).rounded())
        }

        /// The rows and columns of the ticks, at character resolution; the first (top) label
        /// wins a row two ticks share on a short plot.
        private var tickRows: [Int: String] {
            var rows: [Int: String] = [:]
            for (tick, label) in zip(yAxis.ticks, yAxis.labels).reversed() {
                let row = dotY(tick) / dotsPerRow
                if rows[row] == nil { rows[row] = TextWidth.truncated(label, to: labelWidth) }
            }
            return rows
        }

        private var tickColumns: [(column: Int, label: String)] {
            zip(xAxis.ticks, xAxis.labels).map { (dotX($0) / dotsPerColumn, $1) }
        }

        /// The plot area's rows, each led by its tick label (if any) and the axis line.
        func plotRows(_ canvas: DotCanvas, color: Bool) -> [String] {
            let labels = tickRows
            return (0..<height).map { row in
                let label = labels[row] ?? ""
                let margin = String(repeating: " ", count: labelWidth - TextWidth.columns(label)) + label
                return margin + (labels[row] == nil ? " │" : " ┤") + Self.cells(of: canvas, row: row, color: color)
            }
        }

        /// One canvas row: Braille in colour runs, or symbols; trailing blanks dropped.
        private static func cells(of canvas: DotCanvas, row: Int, color: Bool) -> String {
            var cells: [(character: Character, series: Int?)] = (0..<canvas.columns).map { column in
                let ink = canvas.ink(column: column, row: row)
                if color {
                    let series: Int? = switch ink {
                    case let .line(index)?, let .marker(index)?: index
                    case nil: nil
                    }
                    return (canvas.braille(column: column, row: row) ?? " ", series)
                }
                switch ink {
                case let .line(index)?: return (TerminalStyle.symbol(forSeries: index), nil)
                case .marker?: return (TerminalStyle.markerSymbol, nil)
                case nil: return (" ", nil)
                }
            }
            while cells.last?.character == " " { cells.removeLast() }

            var text = ""
            var current: Int?
            for cell in cells {
                // Blanks need no colour: a run continues across them.
                if cell.character != " ", cell.series != current {
                    if current != nil { text += TerminalStyle.reset }
                    if let series = cell.series { text += TerminalStyle.escape(forSeries: series) }
                    current = cell.series
                }
                text.append(cell.character)
            }
            if current != nil { text += TerminalStyle.reset }
            return text
        }

        /// `└──┬────┬──` under the plot area, a `┬` at each x tick.
        func xAxisLine() -> String {
            var axis = Array(repeating: Character("─"), count: plotWidth)
            for tick in tickColumns where tick.column < plotWidth {
                axis[tick.column] = "┬"
            }
            return String(repeating: " ", count: labelWidth) + " └" + String(axis)
        }

        /// The x tick labels centred under their ticks, skipping one that would touch its
        /// neighbour and shifting the outermost ones to stay within the width.
        func xTickLabelLine() -> String {
            var line = Array(repeating: Character(" "), count: width)
            var nextFree = 0
            for tick in tickColumns {
                let label = Array(tick.label)
                let start = min(max(plotStart + tick.column - label.count / 2, 0), width - label.count)
                guard start >= nextFree, start >= 0 else { continue }
                line.replaceSubrange(start..<(start + label.count), with: label)
                nextFree = start + label.count + 1
            }
            return String(line)
        }

        /// `text` centred over the plot area, or cut to the width.
        func centered(_ text: String) -> String {
            let fitted = TextWidth.truncated(text, to: width)
            let columns = TextWidth.columns(fitted)
            let start = columns <= plotWidth ? plotStart + (plotWidth - columns) / 2 : max(0, width - columns) / 2
            return String(repeating: " ", count: start) + fitted
        }
    }
}
