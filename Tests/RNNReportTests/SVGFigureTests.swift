import Foundation
import Testing
@testable import RNNReport

@Suite struct SVGFigureTests {
    static let options = SVGFigureOptions(title: "Loss by optimizer", xLabel: "epoch", yLabel: "loss")

    @Test func isAWellFormedStandaloneDocument() throws {
        let svg = SVGFigure.render(Samples.optimizers, options: Self.options)
        let xml = try ParsedXML(svg)
        let root = try #require(xml.elements.last)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["viewBox"] == "0 0 720 440")
        #expect(root.attributes["width"] == "720" && root.attributes["height"] == "440")
        #expect(root.attributes["font-family"]?.hasSuffix("sans-serif") == true)
        #expect(!svg.hasPrefix("<?xml"))
    }

    @Test func hasOnePathPerSeriesInDistinctColours() throws {
        let xml = try ParsedXML(SVGFigure.render(Samples.optimizers, options: Self.options))
        let paths = xml.all("path", withClass: "series")
        #expect(paths.count == 3)
        #expect(Set(paths.compactMap { $0.attributes["stroke"] }).count == 3)
        #expect(paths.allSatisfy { ($0.attributes["d"] ?? "").hasPrefix("M") })
    }

    @Test func legendNamesEverySeries() throws {
        let xml = try ParsedXML(SVGFigure.render(Samples.optimizers, options: Self.options))
        let names = xml.all("text", inside: "legend").map(\.text)
        #expect(names == ["opt-sgd", "opt-rmsprop", "opt-adam"])
        #expect(xml.all("line", inside: "legend").count == 3)
    }

    @Test func hasTitleAxisLabelsAndTicks() throws {
        let xml = try ParsedXML(SVGFigure.render(Samples.optimizers, options: Self.options))
        #expect(xml.all("title").first?.text == "Loss by optimizer")
        #expect(xml.all("text", withClass: "title").first?.text == "Loss by optimizer")
        #expect(xml.all("text", withClass: "x-label").first?.text == "epoch")
        #expect(xml.all("text", withClass: "y-label").first?.text == "loss")
        #expect(xml.all("text", inside: "x-ticks").map(\.text) == ["0", "20", "40", "60", "80", "100"])
        #expect(xml.all("text", inside: "y-ticks").map(\.text) == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"])
        #expect(xml.all("line", inside: "grid").count == 13)
    }

    @Test func markersAreDashedLinesInTheSeriesColourWithLabels() throws {
        let xml = try ParsedXML(SVGFigure.render(Samples.optimizers, options: Self.options))
        let adamColor = xml.all("path", withClass: "series")[2].attributes["stroke"]
        let lines = xml.all("line", withClass: "marker")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.attributes["stroke"] == adamColor && $0.attributes["stroke-dasharray"] != nil })
        #expect(xml.all("text", withClass: "marker-label").map(\.text) == ["K=50", "K=10"])
        // Epoch 21 of 0…100 lies a fifth of the way along the plot.
        let x21 = try #require(Double(lines[0].attributes["x1"] ?? ""))
        let axis = xml.all("line", inside: "axes")
        let left = try #require(Double(axis[1].attributes["x1"] ?? "")), right = try #require(Double(axis[1].attributes["x2"] ?? ""))
        #expect(abs((x21 - left) / (right - left) - 0.21) < 0.001)
    }

    /// Beyond the seven colours a line is dashed, then dotted, in the plot and the legend
    /// alike, so a sweep's twelve runs never draw two lines the same.
    @Test func seriesBeyondThePaletteAreDashedThenDotted() throws {
        let series = (0..<15).map { i in PlotSeries(name: "r\(i)", values: [Double(i), Double(i) + 1]) }
        let xml = try ParsedXML(SVGFigure.render(series, options: SVGFigureOptions()))
        let paths = xml.all("path", withClass: "series")
        let styles = paths.map { "\($0.attributes["stroke"] ?? "") \($0.attributes["stroke-dasharray"] ?? "solid")" }
        #expect(paths.count == 15 && Set(styles).count == 15)
        #expect(paths[6].attributes["stroke-dasharray"] == nil && paths[7].attributes["stroke-dasharray"] == "7 4"
                && paths[14].attributes["stroke-dasharray"] == "1.5 3")
        let legend = xml.all("line", inside: "legend")
        #expect(legend.map { $0.attributes["stroke-dasharray"] } == paths.map { $0.attributes["stroke-dasharray"] })
    }

    /// Trust issue: a data plot's axis ran past the data (1,235 steps drawn on 0…1,400). A
    /// series over steps ends at its first and last step, with the nice ticks inside.
    @Test func aSeriesOverStepsEndsAtTheData() throws {
        let series = [PlotSeries(name: "sequence 1", values: (0..<1235).map { sin(Double($0) / 100) })]
        var options = SVGFigureOptions(xLabel: "step", yLabel: "value")
        options.xEndsAtData = true
        let xml = try ParsedXML(SVGFigure.render(series, options: options))
        let ticks = xml.all("text", inside: "x-ticks").compactMap { Double($0.text) }
        #expect(ticks == [200, 400, 600, 800, 1000, 1200])
        let path = try #require(xml.all("path", withClass: "series").first?.attributes["d"])
        let lastX = try #require(path.split(whereSeparator: { "MLZ ".contains($0) }).dropLast().last.flatMap { Double($0.split(separator: ",")[0]) })
        let axis = xml.all("line", inside: "axes")
        let right = try #require(Double(axis[1].attributes["x2"] ?? ""))
        #expect(abs(lastX - right) < 0.01, "the last step is at the right edge")
        // A curve over epochs keeps its round ends (the default).
        let curves = try ParsedXML(SVGFigure.render(series, options: SVGFigureOptions()))
        #expect(curves.all("text", inside: "x-ticks").last?.text == "1400")
    }

    @Test func logScaleTicksAreDecades() throws {
        let svg = SVGFigure.render(Samples.optimizers, options: SVGFigureOptions(logY: true, yLabel: "loss"))
        let xml = try ParsedXML(svg)
        #expect(xml.all("text", inside: "y-ticks").map(\.text) == ["0.001", "0.01", "0.1", "1"])
        #expect(xml.all("text", withClass: "y-label").first?.text == "loss (log scale)")
    }

    @Test func logScaleSkipsNonPositiveValuesWithAFootnote() throws {
        let series = PlotSeries(name: "a", values: [1, 0, 0.1, -2, 0.01])
        let xml = try ParsedXML(SVGFigure.render([series], options: SVGFigureOptions(logY: true)))
        #expect(xml.all("text", withClass: "note").first?.text == "log scale: skipped 2 values ≤ 0")
        // Three points split by the skipped ones: three one-point segments, drawn as dots.
        #expect(xml.all("circle").count == 3)
    }

    @Test func smoothingKeepsTheRawValuesFaint() throws {
        let xml = try ParsedXML(SVGFigure.render([Samples.noisy], options: SVGFigureOptions(smoothing: 0.6)))
        #expect(xml.all("path", inside: "raw").count == 1)
        #expect(xml.all("path", withClass: "series").count == 1)
        #expect(xml.all("text", withClass: "note").first?.text.contains("weight 0.6") == true)
    }

    @Test func userTextIsEscaped() throws {
        let name = "<script>alert(\"x\")</script> & 'friends' \u{01}"
        let svg = SVGFigure.render([PlotSeries(name: name, values: [1, 2], markers: [PlotMarker(x: 1, label: "<K>")])],
                                   options: SVGFigureOptions(title: "a < b & c", xLabel: "\"x\""))
        #expect(!svg.contains("<script"))
        let xml = try ParsedXML(svg)
        #expect(xml.all("text", inside: "legend").first?.text == "<script>alert(\"x\")</script> & 'friends' \u{FFFD}")
        #expect(xml.all("text", withClass: "title").first?.text == "a < b & c")
        #expect(xml.all("text", withClass: "marker-label").first?.text == "<K>")
    }

    @Test func noExternalReferences() {
        let svg = SVGFigure.render(Samples.optimizers, options: Self.options)
        let withoutNamespace = svg.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        for forbidden in ["http", "//", "href", "<script", "url(", "@import", "<image", "<style"] {
            #expect(!withoutNamespace.contains(forbidden), "found \(forbidden)")
        }
    }

    @Test func coordinatesHaveAtMostTwoDecimals() {
        let svg = SVGFigure.render(Samples.optimizers, options: Self.options)
        #expect(svg.range(of: "[0-9]\\.[0-9]{3}", options: .regularExpression) == nil)
    }

    @Test func longSeriesAreThinnedToWhatThePixelsShow() throws {
        let values = (0..<20_000).map { sin(Double($0) * 0.01) + 0.1 * sin(Double($0) * 1.3) }
        let svg = SVGFigure.render([PlotSeries(name: "sequence 0", values: values)], options: SVGFigureOptions())
        #expect(svg.utf8.count < 120_000)
        let path = try #require(try ParsedXML(svg).all("path", withClass: "series").first?.attributes["d"])
        let pairs = path.split(whereSeparator: { $0 == " " || $0 == "L" }).count / 2
        #expect(pairs > 500 && pairs < 4 * 720)
    }

    @Test func edgeCasesStayWellFormed() throws {
        let cases: [[PlotSeries]] = [
            [],
            [PlotSeries(name: "empty", points: [])],
            [PlotSeries(name: "one", values: [0.5])],
            [PlotSeries(name: "flat", values: [2, 2, 2])],
            [PlotSeries(name: "nan", values: [.nan, 1, .infinity, 2, -.infinity])],
            [PlotSeries(name: String(repeating: "long name ", count: 40), values: [1, 2])],
            (1...20).map { PlotSeries(name: "run-\($0)", values: [Double($0), 1]) },
        ]
        for series in cases {
            for logY in [false, true] {
                let svg = SVGFigure.render(series, options: SVGFigureOptions(logY: logY, title: "t"))
                let xml = try ParsedXML(svg)
                #expect(xml.elements.last?.name == "svg")
            }
        }
        let empty = try ParsedXML(SVGFigure.render([], options: SVGFigureOptions()))
        #expect(empty.all("text").map(\.text) == ["no data to plot"])
        let single = try ParsedXML(SVGFigure.render([PlotSeries(name: "one", values: [0.5])]))
        #expect(single.all("circle").count == 1)
    }

    @Test func manySeriesMakeTheFigureTallerNotTheLegendOverflow() throws {
        let series = (1...30).map { PlotSeries(name: "a-rather-long-run-name-\($0)", values: [Double($0), 1]) }
        let xml = try ParsedXML(SVGFigure.render(series, options: SVGFigureOptions()))
        let root = try #require(xml.elements.last)
        let height = try #require(Double(root.attributes["height"] ?? ""))
        #expect(height > 440)
        let legendYs = xml.all("text", inside: "legend").compactMap { Double($0.attributes["y"] ?? "") }
        #expect(legendYs.count == 30 && legendYs.allSatisfy { $0 < height })
        let legendXs = xml.all("text", inside: "legend").compactMap { Double($0.attributes["x"] ?? "") }
        #expect(legendXs.allSatisfy { $0 < 720 })
    }

    @Test func outputIsDeterministic() {
        let options = SVGFigureOptions(logY: true, smoothing: 0.6)
        #expect(SVGFigure.render(Samples.optimizers, options: options) == SVGFigure.render(Samples.optimizers, options: options))
    }
}

@Suite struct ParsedXMLTests {
    /// The well-formedness checks above mean something only if broken markup is refused.
    @Test func refusesMalformedMarkup() {
        #expect(throws: ParsedXML.ParseError.self) { try ParsedXML("<svg><g></svg>") }
        #expect(throws: ParsedXML.ParseError.self) { try ParsedXML("<svg><text>a & b</text></svg>") }
        #expect(throws: ParsedXML.ParseError.self) { try ParsedXML("<svg><text>\u{01}</text></svg>") }
        #expect(throws: ParsedXML.ParseError.self) { try ParsedXML("<svg></svg><svg></svg>") }
        #expect(throws: ParsedXML.ParseError.self) { try ParsedXML("<svg a=\"1\" a=\"2\"></svg>") }
        #expect(throws: Never.self) { try ParsedXML("<svg><g>a &amp; b</g></svg>\n") }
    }
}
