/// How a terminal plot is laid out.
public struct TerminalPlotOptions: Sendable, Equatable {
    /// Total columns the output may use: pass the terminal's width. No line is longer.
    public var width: Int
    /// Rows of the plot area, not counting title, axis labels and legend.
    public var height: Int
    /// A logarithmic y axis; values ≤ 0 are skipped and a note says how many.
    public var logY: Bool
    /// ANSI colours and a Braille canvas (2×4 dots per cell); without colour each series is
    /// drawn with its own symbol at character resolution, so it reads in plain text.
    public var color: Bool
    /// A heading above the plot.
    public var title: String?
    /// The x axis' name, e.g. `epoch`.
    public var xLabel: String?
    /// The y axis' name, e.g. `loss`.
    public var yLabel: String?
    /// TensorBoard's smoothing weight (``Smoothing/debiasedEMA(_:weight:)``); 0 plots raw values.
    public var smoothing: Double
    /// The x axis ends exactly at the first and last x (a series over steps), rather than at
    /// round numbers around them (a curve over epochs keeps its 0).
    public var xEndsAtData = false

    /// Options with the defaults of an 80-column terminal: 16 rows, linear, no colour.
    public init(width: Int = 80, height: Int = 16, logY: Bool = false, color: Bool = false,
                title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, smoothing: Double = 0) {
        self.width = width
        self.height = height
        self.logY = logY
        self.color = color
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.smoothing = smoothing
    }
}
