import Testing
@testable import RNNReport

@Suite struct TerminalPlotTests {
    static let widths = [20, 33, 40, 57, 80, 100, 161]

    /// Every line fits the width (escape codes do not count) and none ends in a space.
    static func checkLines(_ text: String, width: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let plain = strippingEscapes(String(line))
            #expect(TextWidth.columns(plain) <= width, "too wide for \(width): \(plain)", sourceLocation: sourceLocation)
            #expect(!plain.hasSuffix(" "), "trailing space: \(plain.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: widths)
    func linesFitTheWidth(_ width: Int) {
        for color in [false, true] {
            for logY in [false, true] {
                let options = TerminalPlotOptions(width: width, height: 10, logY: logY, color: color,
                                                  title: "a title that is rather long for a narrow terminal window",
                                                  xLabel: "epoch", yLabel: "loss")
                let text = TerminalPlot.render(Samples.optimizers, options: options)
                Self.checkLines(text, width: width)
                #expect(text.contains("opt-adam"))
            }
        }
    }

    @Test func tooNarrowSaysSoWithinTheWidth() {
        for width in [-5, 0, 1, 10, 19] {
            let text = TerminalPlot.render(Samples.optimizers, options: TerminalPlotOptions(width: width))
            #expect(TextWidth.columns(text) <= max(width, 0))
            #expect(!text.contains("\n"))
        }
        #expect(TerminalPlot.render([Samples.sgd], options: TerminalPlotOptions(width: 19)).hasPrefix("too narrow"))
    }

    @Test func emptyInputSaysThereIsNoData() {
        #expect(TerminalPlot.render([], options: TerminalPlotOptions()) == "no data to plot")
        #expect(TerminalPlot.render([PlotSeries(name: "empty", points: [])]) == "no data to plot")
        let withTitle = TerminalPlot.render([], options: TerminalPlotOptions(title: "loss"))
        #expect(withTitle == "loss\nno data to plot")
    }

    @Test func plotAreaHasTheRequestedRowsAndThreeToSixTickLabels() {
        for height in [3, 4, 5, 8, 16, 30] {
            for color in [false, true] {
                let text = TerminalPlot.render(Samples.optimizers, options: TerminalPlotOptions(height: height, color: color))
                let rows = text.split(separator: "\n").filter { $0.contains("┤") || $0.contains("│") }
                #expect(rows.count == height)
                let labelled = rows.filter { $0.contains("┤") }.count
                #expect((3...6).contains(labelled), "height \(height): \(labelled) tick labels\n\(text)")
            }
        }
    }

    @Test func singlePointIsDrawn() {
        let text = TerminalPlot.render([PlotSeries(name: "one", values: [0.25])], options: TerminalPlotOptions(width: 40, height: 6))
        #expect(text.filter { $0 == "●" }.count == 2)  // the point and its legend symbol
        Self.checkLines(text, width: 40)
    }

    @Test func constantValuesGetAnAxisAroundThem() {
        let text = TerminalPlot.render([PlotSeries(name: "flat", values: [3, 3, 3, 3])],
                                       options: TerminalPlotOptions(width: 40, height: 6))
        #expect(text.contains("3.0 ┤"))
        #expect(text.contains("●●●"))
    }

    @Test func nonFiniteValuesAreSkippedWithANote() {
        let series = PlotSeries(name: "diverged", values: [1, 0.5, .nan, 0.3, .infinity, -.infinity, 0.2])
        let text = TerminalPlot.render([series], options: TerminalPlotOptions(width: 50, height: 8))
        #expect(text.contains("note: skipped 3 non-finite values (NaN or ±inf)"))
        #expect(text.filter { $0 == "●" }.count >= 5)
        #expect(!text.contains("nan") && !text.contains("inf ┤"))
    }

    @Test func logScaleSkipsZerosAndNegativesWithANote() {
        let series = PlotSeries(name: "losses", values: [1, 0.1, 0, -0.5, 0.01, 0.001])
        let text = TerminalPlot.render([series], options: TerminalPlotOptions(width: 50, height: 8, logY: true))
        #expect(text.contains("note: log scale: skipped 2 values ≤ 0"))
        #expect(text.contains("0.001 ┤") && text.contains("1 ┤"))

        let nothingPositive = TerminalPlot.render([PlotSeries(name: "zeros", values: [0, 0, -1])],
                                                  options: TerminalPlotOptions(logY: true))
        #expect(nothingPositive == "no data to plot\nnote: log scale: skipped 3 values ≤ 0")
    }

    @Test func hugeRangesDoNotTrap() {
        let series = PlotSeries(name: "wild", xs: [-1e300, 0, 1e300], ys: [-1.7e308, 0, 1.7e308])
        let text = TerminalPlot.render([series], options: TerminalPlotOptions(width: 60, height: 8))
        Self.checkLines(text, width: 60)
        #expect(text.contains("●"))
    }

    @Test func longNamesAreCutWithinTheWidth() {
        let long = String(repeating: "very-long-run-name-", count: 12)
        let series = [PlotSeries(name: long, values: [1, 2]), PlotSeries(name: "short", values: [2, 1])]
        for color in [false, true] {
            let text = TerminalPlot.render(series, options: TerminalPlotOptions(width: 40, height: 5, color: color))
            Self.checkLines(text, width: 40)
            #expect(text.contains("…"))
            #expect(text.contains("short"))
        }
    }

    @Test func legendWrapsManySeries() {
        let series = (1...9).map { PlotSeries(name: "run-\($0)", values: [Double($0), Double($0) / 2]) }
        let text = TerminalPlot.render(series, options: TerminalPlotOptions(width: 40, height: 6))
        Self.checkLines(text, width: 40)
        for index in 1...9 { #expect(text.contains("run-\(index)")) }
        #expect(text.split(separator: "\n").filter { $0.contains("run-") }.count >= 3)
    }

    @Test func withoutColorEachSeriesHasItsOwnSymbolAndNoEscapes() {
        let text = TerminalPlot.render(Samples.optimizers, options: TerminalPlotOptions())
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("● opt-sgd   × opt-rmsprop   + opt-adam"))
        for symbol in ["●", "×", "+"] {
            #expect(text.components(separatedBy: symbol).count > 10, "\(symbol) should draw a curve")
        }
    }

    @Test func withColorEachSeriesHasItsOwnColorOnABrailleCanvas() {
        let text = TerminalPlot.render(Samples.optimizers, options: TerminalPlotOptions(color: true))
        for code in ["\u{1B}[34m", "\u{1B}[31m", "\u{1B}[32m"] {
            #expect(text.contains(code + "━━"), "legend swatch \(code.debugDescription)")
        }
        #expect(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        #expect(!text.contains("●"))
    }

    @Test func lastSeriesDrawnWinsASharedCell() {
        let a = PlotSeries(name: "a", values: [1, 1, 1])
        let b = PlotSeries(name: "b", values: [1, 1, 1])
        let plain = TerminalPlot.render([a, b], options: TerminalPlotOptions(width: 30, height: 4))
        let plotRows = plain.split(separator: "\n").filter { $0.contains("┤") || $0.contains("│") }.joined()
        #expect(plotRows.contains("×") && !plotRows.contains("●"))
        let colored = TerminalPlot.render([a, b], options: TerminalPlotOptions(width: 30, height: 4, color: true))
        let coloredRows = colored.split(separator: "\n").filter { $0.contains("┤") || $0.contains("│") }.joined()
        #expect(coloredRows.contains("\u{1B}[31m") && !coloredRows.contains("\u{1B}[34m"))
    }

    @Test func markersAreListedAndDrawn() {
        let text = TerminalPlot.render([Samples.adam], options: TerminalPlotOptions(xLabel: "epoch"))
        #expect(text.contains("┊ opt-adam: K=50 (epoch 21), K=10 (epoch 48)"))
        let rows = text.split(separator: "\n").filter { $0.contains("┤") || $0.contains("│") }
        #expect(rows.filter { $0.contains("┊") }.count >= 8)
    }

    @Test func controlCharactersInNamesCannotRestyleTheTerminal() {
        let text = TerminalPlot.render([PlotSeries(name: "evil\u{1B}[2Jname\nx", values: [1, 2])],
                                       options: TerminalPlotOptions(width: 40, height: 4))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("evil\u{FFFD}[2Jname x"))
    }

    @Test func outputIsDeterministic() {
        let options = TerminalPlotOptions(color: true, smoothing: 0.6)
        #expect(TerminalPlot.render(Samples.optimizers, options: options) == TerminalPlot.render(Samples.optimizers, options: options))
    }
}
