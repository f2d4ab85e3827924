/// The drawable part of a plot request, shared by the terminal and SVG renderers: finite
/// points split into unbroken segments, the ranges to cover, and notes on what was skipped.
struct PlotData {
    struct Line {
        /// The series' position in the request, which picks its colour and symbol.
        let index: Int
        let name: String
        /// Runs of consecutive drawable points; a skipped value breaks the line.
        let segments: [[PlotPoint]]
        /// The unsmoothed segments, kept only when asked for (the SVG draws them faintly).
        let rawSegments: [[PlotPoint]]
        /// Markers at finite x.
        let markers: [PlotMarker]
    }

    let lines: [Line]
    let xRange: ClosedRange<Double>?
    let yRange: ClosedRange<Double>?
    /// Every x is a whole number (epochs, steps): the x axis then ticks whole numbers only.
    let integralX: Bool
    /// Short sentences for the reader: skipped values, smoothing.
    let notes: [String]

    /// - Parameters:
    ///   - logY: drop values ≤ 0, which a log axis cannot show.
    ///   - smoothing: the ``Smoothing/debiasedEMA(_:weight:)`` weight; 0 plots the raw values.
    ///   - keepRaw: also keep the raw segments of smoothed series (and cover them in `yRange`).
    init(_ series: [PlotSeries], logY: Bool, smoothing: Double, keepRaw: Bool) {
        let smoothing = smoothing.isFinite ? min(max(smoothing, 0), 0.999) : 0
        var nonFinite = 0
        var nonPositive = 0
        var lines: [Line] = []
        for (index, original) in series.enumerated() {
            nonFinite += original.points.count { !$0.x.isFinite || !$0.y.isFinite }
            let drawn = smoothing > 0 ? original.smoothed(weight: smoothing) : original
            nonPositive += logY ? drawn.points.count { $0.x.isFinite && $0.y.isFinite && $0.y <= 0 } : 0
            lines.append(Line(
                index: index,
                name: original.name,
                segments: Self.segments(of: drawn.points, logY: logY),
                rawSegments: keepRaw && smoothing > 0 ? Self.segments(of: original.points, logY: logY) : [],
                markers: original.markers.filter { $0.x.isFinite }))
        }
        self.lines = lines

        let points = lines.flatMap { ($0.segments + $0.rawSegments).joined() }
        let markerXs = lines.flatMap { $0.markers.map(\.x) }
        let xs = points.map(\.x) + (points.isEmpty ? [] : markerXs)
        xRange = xs.min().flatMap { low in xs.max().map { low...$0 } }
        integralX = xs.allSatisfy { $0 == $0.rounded() }
        yRange = points.map(\.y).min().flatMap { low in points.map(\.y).max().map { low...$0 } }

        var notes: [String] = []
        if nonFinite > 0 { notes.append("skipped \(Self.count(nonFinite, "non-finite value")) (NaN or ±inf)") }
        if nonPositive > 0 { notes.append("log scale: skipped \(Self.count(nonPositive, "value")) ≤ 0") }
        if smoothing > 0 { notes.append("smoothed: exponential moving average, weight \(TickLabel.shortest(smoothing))") }
        self.notes = notes
    }

    /// Splits points at every value the axes cannot show.
    private static func segments(of points: [PlotPoint], logY: Bool) -> [[PlotPoint]] {
        var segments: [[PlotPoint]] = []
        var current: [PlotPoint] = []
        for point in points {
            if point.x.isFinite, point.y.isFinite, !logY || point.y > 0 {
                current.append(point)
            } else if !current.isEmpty {
                segments.append(current)
                current = []
            }
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
