/// One point of a plotted series: `x` is usually the epoch, `y` the metric.
public struct PlotPoint: Sendable, Equatable {
    /// The position along the x axis, usually the epoch (counted from 1) or the step.
    public var x: Double
    /// The value; NaN and ±infinity are skipped when drawing.
    public var y: Double

    /// A point at (`x`, `y`).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A labelled position on a series' x axis, such as the epoch where the batch sequence
/// length schedule moved from K = 100 to K = 50; figures draw it as a vertical line.
public struct PlotMarker: Sendable, Equatable {
    /// Where on the x axis the marker stands; a non-finite x is ignored.
    public var x: Double
    /// Short text shown beside the line, e.g. `K=50`.
    public var label: String

    /// A marker at `x` labelled `label`.
    public init(x: Double, label: String) {
        self.x = x
        self.label = label
    }

}

/// A named curve to plot: a run's loss per epoch, a data sequence, a prediction.
///
/// Points are drawn in the order given and joined by lines. Non-finite values (a diverged
/// loss) are skipped by the renderers and break the line rather than crashing it.
public struct PlotSeries: Sendable, Equatable {
    /// The legend text; user text, escaped by every renderer.
    public var name: String
    /// The points in drawing order, joined by lines.
    public var points: [PlotPoint]
    /// Positions to mark with a labelled vertical line, drawn in the series' colour.
    public var markers: [PlotMarker]

    /// A series of the given points and markers.
    public init(name: String, points: [PlotPoint], markers: [PlotMarker] = []) {
        self.name = name
        self.points = points
        self.markers = markers
    }

    /// A series from parallel coordinate arrays; extra values of the longer array are ignored.
    public init(name: String, xs: [Double], ys: [Double], markers: [PlotMarker] = []) {
        self.init(name: name, points: zip(xs, ys).map { PlotPoint(x: $0, y: $1) }, markers: markers)
    }

    /// A series of values at x = 1, 2, 3, … — epochs counted from 1, as the run metrics are.
    public init(name: String, values: [Double], markers: [PlotMarker] = []) {
        self.init(name: name, points: values.enumerated().map { PlotPoint(x: Double($0.offset + 1), y: $0.element) },
                  markers: markers)
    }

    /// The same series with its y values smoothed by ``Smoothing/debiasedEMA(_:weight:)``.
    public func smoothed(weight: Double) -> PlotSeries {
        let ys = Smoothing.debiasedEMA(points.map(\.y), weight: weight)
        return PlotSeries(name: name, points: zip(points, ys).map { PlotPoint(x: $0.x, y: $1) }, markers: markers)
    }
}
