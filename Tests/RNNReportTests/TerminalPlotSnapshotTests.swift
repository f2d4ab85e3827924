import Testing
@testable import RNNReport

/// The terminal plots as a reader sees them; `Snapshots/terminal-*.txt` (colour ones hold ANSI codes).
@Suite struct TerminalPlotSnapshotTests {
    @Test func threeRunsWithoutColor() throws {
        let text = TerminalPlot.render(Samples.optimizers, options: TerminalPlotOptions(
            width: 80, height: 16, title: "loss by optimizer", xLabel: "epoch", yLabel: "loss"))
        try Snapshot.check(text, named: "terminal-optimizers-plain")
    }

    @Test func threeRunsInColor() throws {
        let text = TerminalPlot.render(Samples.optimizers, options: TerminalPlotOptions(
            width: 80, height: 16, color: true, title: "loss by optimizer", xLabel: "epoch", yLabel: "loss"))
        try Snapshot.check(text, named: "terminal-optimizers-color")
    }

    @Test func logScale() throws {
        let text = TerminalPlot.render(Samples.optimizers, options: TerminalPlotOptions(
            width: 80, height: 14, logY: true, xLabel: "epoch", yLabel: "loss"))
        try Snapshot.check(text, named: "terminal-optimizers-log")
    }

    @Test func smoothed() throws {
        let text = TerminalPlot.render([Samples.noisy], options: TerminalPlotOptions(
            width: 80, height: 12, color: true, smoothing: 0.6))
        try Snapshot.check(text, named: "terminal-smoothed-color")
    }

    @Test func narrow() throws {
        let text = TerminalPlot.render(Samples.optimizers, options: TerminalPlotOptions(width: 40, height: 10, xLabel: "epoch"))
        try Snapshot.check(text, named: "terminal-narrow-40")
    }

    @Test func wide() throws {
        let text = TerminalPlot.render(Samples.optimizers, options: TerminalPlotOptions(
            width: 100, height: 20, color: true, title: "wide", xLabel: "epoch", yLabel: "loss"))
        try Snapshot.check(text, named: "terminal-wide-100-color")
    }

    @Test func singleSeriesSmall() throws {
        let text = TerminalPlot.render([PlotSeries(name: "run-1", values: [0.9, 0.5, 0.3, 0.25, 0.2, 0.18, 0.17, 0.165])],
                                       options: TerminalPlotOptions(width: 48, height: 8, xLabel: "epoch"))
        try Snapshot.check(text, named: "terminal-small-plain")
    }
}
