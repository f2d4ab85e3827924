/// How an SVG figure is laid out.
public struct SVGFigureOptions: Sendable, Equatable {
    /// The figure's size in CSS pixels; it grows taller when a long legend needs the room.
    public var width: Int
    /// The figure's height in CSS pixels (at least; see `width`).
    public var height: Int
    /// A logarithmic y axis; values ≤ 0 are skipped and a footnote says how many.
    public var logY: Bool
    /// A heading above the plot.
    public var title: String?
    /// The x axis' name, e.g. `epoch`.
    public var xLabel: String?
    /// The y axis' name, e.g. `loss`.
    public var yLabel: String?
    /// TensorBoard's smoothing weight (``Smoothing/debiasedEMA(_:weight:)``); when above 0 the
    /// raw values stay visible as faint lines behind the smoothed ones, as in TensorBoard.
    public var smoothing: Double
    /// The x axis ends exactly at the first and last x (a series over steps), rather than at
    /// round numbers around them (a curve over epochs keeps its 0).
    public var xEndsAtData = false

    /// Options with the defaults: 720 × 440 pixels, linear, unsmoothed.
    public init(width: Int = 720, height: Int = 440, logY: Bool = false, title: String? = nil,
                xLabel: String? = nil, yLabel: String? = nil, smoothing: Double = 0) {
        self.width = width
        self.height = height
        self.logY = logY
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.smoothing = smoothing
    }
}
