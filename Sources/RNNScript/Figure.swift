import Foundation
import RNNReport
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

    public init(title: String, xLabel: String, yLabel: String, series: [PlotSeries], logY: Bool = false,
                smoothing: Double = 0, inTerminal: Bool = true) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logY = logY
        self.smoothing = smoothing
        self.inTerminal = inTerminal
    }

    /// Braille (or, without colour, one symbol per series) fitted to `width` columns.
    public func terminalText(width: Int, color: Bool) -> String {
        TerminalPlot.render(series, options: TerminalPlotOptions(
            width: width, height: 16, logY: logY, color: color, title: title, xLabel: xLabel, yLabel: yLabel,
            smoothing: smoothing))
    }

    /// A standalone SVG document.
    public var svg: String {
        SVGFigure.render(series, options: SVGFigureOptions(logY: logY, title: title, xLabel: xLabel, yLabel: yLabel,
                                                           smoothing: smoothing)) + "\n"
    }

    /// What a `to "FILE"` option gives: a figure written there instead of drawn.
    func written() -> Figure {
        var figure = self
        figure.inTerminal = false
        return figure
    }
}

/// The metrics `plot` can draw per epoch.
public enum PlottedMetric: String, Sendable, CaseIterable {
    case loss, valLoss = "val_loss", grad

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
    /// One curve per run, with a marker wherever the split schedule changed K.
    static func curves(_ runs: [RunHistory], metric: PlottedMetric, logY: Bool, smoothing: Double) throws -> Figure {
        let series = runs.map { run in
            let points = run.metrics.compactMap { m in metric.value(m).map { PlotPoint(x: Double(m.epoch), y: $0) } }
            return PlotSeries(name: run.name, points: points, markers: splitChanges(run.metrics))
        }
        if metric == .valLoss, series.allSatisfy(\.points.isEmpty) {
            throw WorkspaceError("\(runs.map { "'\($0.name)'" }.joined(separator: ", ")) recorded no validation loss "
                                 + "('validate tail=0.2' before training records one)")
        }
        let names = runs.map(\.name).joined(separator: ", ")
        return Figure(title: "\(metric.rawValue): \(names)", xLabel: "epoch", yLabel: metric.label, series: series,
                      logY: logY, smoothing: smoothing)
    }

    /// `K=50` at the first epoch trained with a new K.
    static func splitChanges(_ metrics: [EpochMetrics]) -> [PlotMarker] {
        zip(metrics, metrics.dropFirst()).compactMap { previous, m in
            m.splits == previous.splits ? nil : PlotMarker(x: Double(m.epoch), label: "K=\(m.splits)")
        }
    }
}
