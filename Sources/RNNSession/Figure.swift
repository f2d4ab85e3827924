import Foundation
import RNNReport
import RNNScript
import RNNTraining

/// A figure a command drew: its series and how to show them. The front end draws it to fit
/// its terminal; the store keeps it as plain text in the cell's output and as SVG beside it
/// (for the notebook export); `to "FILE.svg"` writes the SVG.
public struct Figure: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [PlotSeries]
    public var logY: Bool
    /// TensorBoard's debiased EMA weight (0: none).
    public var smoothing: Double
    /// Drawn in the terminal; false when the command wrote it to a file instead.
    public var inTerminal: Bool
    /// A series over steps (data, predictions, forecasts): its x axis ends at the data.
    public var xEndsAtData: Bool

    public init(title: String, xLabel: String, yLabel: String, series: [PlotSeries], logY: Bool = false,
                smoothing: Double = 0, inTerminal: Bool = true, xEndsAtData: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logY = logY
        self.smoothing = smoothing
        self.inTerminal = inTerminal
        self.xEndsAtData = xEndsAtData
    }

    /// Braille (or, without colour, one symbol per series) fitted to `width` columns.
    public func terminalText(width: Int, color: Bool) -> String {
        var options = TerminalPlotOptions(width: width, height: 16, logY: logY, color: color, title: title,
                                          xLabel: xLabel, yLabel: yLabel, smoothing: smoothing)
        options.xEndsAtData = xEndsAtData
        return TerminalPlot.render(series, options: options)
    }

    /// A standalone SVG document.
    public var svg: String {
        var options = SVGFigureOptions(logY: logY, title: title, xLabel: xLabel, yLabel: yLabel, smoothing: smoothing)
        options.xEndsAtData = xEndsAtData
        return SVGFigure.render(series, options: options) + "\n"
    }

    /// The figure with its title and series names safe to draw on a terminal (`VisibleText`).
    public func visible() -> Figure {
        var figure = self
        figure.title = VisibleText.of(title)
        figure.series = series.map { series in
            var series = series
            series.name = VisibleText.of(series.name)
            return series
        }
        return figure
    }

    /// What a `to "FILE"` option gives: a figure written there instead of drawn.
    func written() -> Figure {
        var figure = self
        figure.inTerminal = false
        return figure
    }
}

extension PlottedMetric {
    var label: String {
        switch self {
        case .loss: "loss"
        case .valLoss: "validation loss"
        case .grad: "gradient norm before clipping (mean)"
        }
    }

    func value(_ m: EpochMetrics) -> Double? {
        switch self {
        case .loss: m.loss
        case .valLoss: m.validationLoss
        case .grad: m.gradNormMean
        }
    }
}

enum Figures {
    /// One curve per run, with a marker wherever the split schedule changed K and wherever a
    /// setting was changed between two `train`s.
    static func curves(_ runs: [RunHistory], metric: PlottedMetric, logY: Bool, smoothing: Double) throws -> Figure {
        let series = runs.map { run in
            let points = run.metrics.compactMap { m in metric.value(m).map { PlotPoint(x: Double(m.epoch), y: $0) } }
            let changes = run.events.filter { e in run.metrics.contains { $0.epoch == e.epoch } }
                .map { PlotMarker(x: Double($0.epoch), label: $0.marker) }
            return PlotSeries(name: run.name, points: points, markers: splitChanges(run.metrics) + changes)
        }
        if metric == .valLoss, series.allSatisfy(\.points.isEmpty) {
            throw SessionError.noValidationLoss(runs: runs.map(\.name))
        }
        let names = runs.map(\.name).joined(separator: ", ")
        return Figure(title: "\(metric.rawValue): \(names)", xLabel: "epoch", yLabel: metric.label, series: series,
                      logY: logY, smoothing: smoothing)
    }

    /// `compare`: the table and the overlaid loss curves. A sweep's runs (all from one sweep)
    /// come best first, with only the values the sweep varied as columns.
    static func comparison(_ runs: [RunHistory], logY: Bool) throws -> (TextTable, Figure) {
        guard let order = RunTables.sweepOrder(runs.map(\.overview)) else {
            return (RunTables.compare(runs.map(\.overview)), try curves(runs, metric: .loss, logY: logY, smoothing: 0))
        }
        let sorted = order.map { runs[$0] }
        let overviews = sorted.map(\.overview), swept = RunTables.sweptKeys(overviews)
        var figure = try curves(sorted, metric: .loss, logY: logY, smoothing: 0)
        figure.title = "loss: \(overviews[0].sweep ?? ""), \(Plural.count(sorted.count, "run")), best first"
        // The legend says what each trial set: `g-t8 adam off 100,50,10,2,1`.
        for (i, run) in overviews.enumerated() {
            figure.series[i].name = ([run.name] + swept.compactMap { run.sweptValue($0) }).joined(separator: " ")
        }
        return (RunTables.sweepCompare(overviews), figure)
    }

    /// `K=50` at the first epoch trained with a new K.
    static func splitChanges(_ metrics: [EpochMetrics]) -> [PlotMarker] {
        zip(metrics, metrics.dropFirst()).compactMap { previous, m in
            m.splits == previous.splits ? nil : PlotMarker(x: Double(m.epoch), label: "K=\(m.splits)")
        }
    }
}
