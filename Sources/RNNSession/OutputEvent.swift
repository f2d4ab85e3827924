import Foundation
import RNNReport
import RNNScript
import RNNStore
import RNNTraining

/// What the interpreter says. It never prints: the front end renders these (a terminal, a
/// batch log), the store records the permanent ones, and the report draws the payloads.
public enum OutputEvent: Sendable {
    /// Transient progress inside an epoch: shown live on a terminal, never recorded.
    case progress(TrainingProgress)
    /// One finished epoch of a run (recorded; SPEC §5's plain line when not a terminal).
    case epoch(EpochLine)
    /// A block of text (recorded).
    case text(String)
    /// A table (recorded; its rows are also the structured payload).
    case table(TextTable)
    /// An error, warning or note at a place in a source text (recorded).
    case diagnostic(Diagnostic, source: String)
    /// A run's state after a `train` ended (recorded as a payload for the store and report).
    case runEnded(RunSummary)
    /// A plot: drawn in the terminal (unless written to a file), kept as SVG for the notebook.
    case figure(Figure)
}

/// Live progress of the epoch being trained.
public struct TrainingProgress: Sendable, Equatable {
    public var runName: String
    public var epoch: Int
    public var lastEpoch: Int
    public var chunk: Int
    public var chunks: Int
    public var runningLoss: Double?
    public var splits: Int
    /// Seconds since the epoch started, and the estimate for the rest of this `train`.
    public var elapsed: Double
    public var remaining: Double?

    public init(runName: String, epoch: Int, lastEpoch: Int, chunk: Int, chunks: Int, runningLoss: Double?,
                splits: Int, elapsed: Double, remaining: Double?) {
        self.runName = runName
        self.epoch = epoch
        self.lastEpoch = lastEpoch
        self.chunk = chunk
        self.chunks = chunks
        self.runningLoss = runningLoss
        self.splits = splits
        self.elapsed = elapsed
        self.remaining = remaining
    }
}

/// A finished epoch, with the last epoch number this `train` will reach.
public struct EpochLine: Sendable, Equatable {
    public var runName: String
    public var metrics: EpochMetrics
    public var lastEpoch: Int

    public init(runName: String, metrics: EpochMetrics, lastEpoch: Int) {
        self.runName = runName
        self.metrics = metrics
        self.lastEpoch = lastEpoch
    }

    /// SPEC §5: `epoch 12/200  loss 0.004211  splits 50  lr 0.001  grad 0.83/2.10  1.92s`
    /// (plus `val 0.004300` after the loss when validating).
    public var plainText: String {
        let m = metrics
        var parts = ["epoch \(m.epoch)/\(lastEpoch)", "loss \(NumberText.fixed(m.loss, 6))"]
        if let v = m.validationLoss { parts.append("val \(NumberText.fixed(v, 6))") }
        parts += ["splits \(m.splits)", "lr \(m.learningRate)",
                  "grad \(NumberText.fixed(m.gradNormMean, 2))/\(NumberText.fixed(m.gradNormMax, 2))", "\(NumberText.fixed(m.seconds, 2))s"]
        return parts.joined(separator: "  ")
    }
}

/// How a run stands after a `train`.
public struct RunSummary: Sendable, Equatable, Codable {
    public var name: String
    public var status: TrainingOutcome
    public var epochs: Int
    public var finalLoss: Double?
    public var bestLoss: Double?
    public var message: String
    /// Epochs this `train` completed (nil in attachments recorded before it was kept).
    public var epochsThisTrain: Int?

    public init(name: String, status: TrainingOutcome, epochs: Int, finalLoss: Double?, bestLoss: Double?, message: String,
                epochsThisTrain: Int? = nil) {
        self.epochsThisTrain = epochsThisTrain
        self.name = name
        self.status = status
        self.epochs = epochs
        self.finalLoss = finalLoss
        self.bestLoss = bestLoss
        self.message = message
    }
}


extension OutputEvent {
    /// The event as the store records it in the cell's output: plain text, no colour; nil
    /// for transient progress.
    var recordedText: String? {
        switch self {
        case .progress: nil
        case let .epoch(line): line.plainText
        case let .text(text): text
        case let .table(table): table.render()
        case let .diagnostic(d, source): d.render(source: source, color: false)
        case let .runEnded(summary): summary.message
        case let .figure(figure): figure.inTerminal ? figure.terminalText(width: 80, color: false) : nil
        }
    }

    /// A structured payload kept beside the text (for the notebook export): tables and the
    /// runs a cell trained.
    var attachment: (kind: AttachmentKind, payload: Data)? {
        func json(_ value: some Encodable) -> Data? {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try? encoder.encode(value)
        }
        switch self {
        case let .table(table): return json(table).map { (.table, $0) }
        case let .runEnded(summary): return json(summary).map { (.run, $0) }
        case let .figure(figure): return (.svg, Data(figure.svg.utf8))
        case .progress, .epoch, .text, .diagnostic: return nil
        }
    }
}
