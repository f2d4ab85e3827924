import Foundation
import RNNReport

/// The live display of one `train`: created by its first progress or epoch, replaced in place
/// (`update_display_data`, same `display_id`) after every epoch and, at most twice a second,
/// from progress within an epoch. It holds the latest line and the run's loss curve so far.
struct TrainDisplay {
    let id = "rnnlab-train-" + UUID().uuidString.lowercased()
    let run: String
    /// The run's losses by epoch, earlier `train`s of it included (from the store).
    var losses: [Int: Double]
    private(set) var created = false
    private var lastSent: ContinuousClock.Instant?

    /// Progress redraws are at least this far apart.
    static let progressInterval = Duration.milliseconds(500)

    init(run: String, losses: [Int: Double]) {
        self.run = run
        self.losses = losses
    }

    /// Whether a progress update may be sent now (the first one always).
    func progressDue(now: ContinuousClock.Instant) -> Bool {
        guard let lastSent else { return true }
        return now - lastSent >= Self.progressInterval
    }

    /// The message for `line` at `epoch` (`update` says what caused it: `epoch` or
    /// `progress`): `display_data` the first time, `update_display_data` after.
    mutating func message(line: String, epoch: Int, update: String,
                          now: ContinuousClock.Instant) -> (type: String, content: JSONValue) {
        defer {
            created = true
            lastSent = now
        }
        let points = losses.sorted { $0.key < $1.key }.map { PlotPoint(x: Double($0.key), y: $0.value) }
        // The line is the figure's title, so the one SVG holds both: JupyterLab strips SVG from
        // HTML in an untrusted notebook, and then shows the plain line instead.
        let svg = SVGFigure.render([PlotSeries(name: run, points: points)],
                                   options: SVGFigureOptions(title: "\(run): \(line)", xLabel: "epoch", yLabel: "loss"))
        let content: JSONValue = [
            "data": ["text/plain": .string(line), "image/svg+xml": .string(svg)],
            "metadata": ["rnnlab": ["run": .string(run), "epoch": .int(epoch), "update": .string(update)]],
            "transient": ["display_id": .string(id)],
        ]
        return (created ? "update_display_data" : "display_data", content)
    }
}
