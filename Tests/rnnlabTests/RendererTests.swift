import Foundation
import RNNReport
import RNNScript
import RNNSession
import RNNTraining
import Testing
@testable import rnnlab

/// The pure event → text rendering, for a pipe and for a terminal.
@Suite struct RendererTests {
    static let tty = Terminal(stdoutIsTerminal: true, stderrIsTerminal: true, environment: ["TERM": "xterm-256color"])
    static let ttyNoColor = Terminal(stdoutIsTerminal: true, stderrIsTerminal: true,
                                     environment: ["TERM": "xterm", "NO_COLOR": "1"])

    /// `EpochMetrics` has no public memberwise initialiser; it is `Codable`.
    static let metrics = try! JSONDecoder().decode(EpochMetrics.self, from: Data("""
        {"epoch": 12, "loss": 0.0042114, "splits": 50, "learningRate": 0.001,
         "gradNormMean": 0.831, "gradNormMax": 2.1, "seconds": 1.9234}
        """.utf8))
    static let epoch = OutputEvent.epoch(EpochLine(runName: "run-1", metrics: metrics, lastEpoch: 200))
    static let progress = TrainingProgress(runName: "run-1", epoch: 3, lastEpoch: 100, chunk: 12, chunks: 50,
                                           runningLoss: 0.0042114, splits: 50, elapsed: 1.5, remaining: 83.2)

    static func diagnostic() -> OutputEvent {
        let source = "seed 7\ntrian epochs=2\n"
        let start = SourceLocation(file: "x.rnn", line: 2, column: 1)
        let end = SourceLocation(file: "x.rnn", line: 2, column: 6)
        return .diagnostic(.error("unknown command 'trian'", range: SourceRange(start: start, end: end)), source: source)
    }

    // MARK: Terminal capabilities

    @Test func coloursFollowNoColorTermAndTheStreams() {
        #expect(Self.tty.colorOutput && Self.tty.colorErrors && Self.tty.liveProgress)
        #expect(!Self.ttyNoColor.colorOutput && !Self.ttyNoColor.colorErrors && Self.ttyNoColor.liveProgress)
        let emptyNoColor = Terminal(stdoutIsTerminal: true, stderrIsTerminal: true, environment: ["NO_COLOR": ""])
        #expect(emptyNoColor.colorOutput, "no-color.org: an empty NO_COLOR does not count")
        let dumb = Terminal(stdoutIsTerminal: true, stderrIsTerminal: true, environment: ["TERM": "dumb"])
        #expect(!dumb.colorOutput && !dumb.colorErrors && !dumb.liveProgress)
        let redirected = Terminal(stdoutIsTerminal: false, stderrIsTerminal: true, environment: [:])
        #expect(!redirected.colorOutput && redirected.colorErrors && !redirected.liveProgress)
        #expect(Terminal.plain == Terminal(stdoutIsTerminal: false, stderrIsTerminal: false, environment: ["TERM": "xterm"]))
    }

    // MARK: Not a terminal (SPEC §5)

    @Test func plainOutputIsOneLinePerEventAndNoProgress() {
        var renderer = EventRenderer(terminal: .plain)
        #expect(renderer.render(.progress(Self.progress)).isEmpty)
        #expect(renderer.render(Self.epoch) ==
                [Write(.output, "epoch 12/200  loss 0.004211  splits 50  lr 0.001  grad 0.83/2.10  1.92s\n")])
        #expect(renderer.render(.text("hello")) == [Write(.output, "hello\n")])
        #expect(renderer.render(.text("two\nlines\n")) == [Write(.output, "two\nlines\n")])
        let table = TextTable(columns: ["run", "loss"], rows: [["a", "0.5"]])
        #expect(renderer.render(.table(table)) == [Write(.output, table.render() + "\n")])
        let summary = RunSummary(name: "a", status: .interrupted, epochs: 3, finalLoss: 0.1, bestLoss: 0.1,
                                 message: "run a interrupted after epoch 3")
        #expect(renderer.render(.runEnded(summary)) == [Write(.output, "run a interrupted after epoch 3\n")])
        #expect(renderer.finish().isEmpty)
    }

    @Test func diagnosticsGoToStandardErrorLikeClang() {
        var renderer = EventRenderer(terminal: .plain)
        #expect(renderer.render(Self.diagnostic()) ==
                [Write(.error, "x.rnn:2:1: error: unknown command 'trian'\ntrian epochs=2\n^~~~~\n")])
        var colour = EventRenderer(terminal: Self.tty)
        let writes = colour.render(Self.diagnostic())
        #expect(writes.count == 1 && writes[0].stream == .error && writes[0].text.contains("\u{1B}[1;31merror:"))
    }

    // MARK: A terminal

    @Test func progressIsRedrawnInPlaceAndReplacedByTheEpochLine() {
        var renderer = EventRenderer(terminal: Self.tty)
        let drawn = renderer.render(.progress(Self.progress), width: 120)
        #expect(drawn == [Write(.output, "\r\u{1B}[2mepoch 3/100  chunk 12/50  loss 0.004211  splits 50  ETA 1m23s"
                                    + "\u{1B}[0m\u{1B}[K")])
        #expect(renderer.progressShown)
        let epoch = renderer.render(Self.epoch)
        #expect(epoch.first == Write(.output, "\r\u{1B}[K"))
        #expect(epoch.last == Write(.output, "epoch 12/200  loss 0.004211  splits 50  lr 0.001  grad 0.83/2.10  1.92s\n"))
        #expect(!renderer.progressShown)
        #expect(renderer.render(.text("after")) == [Write(.output, "after\n")], "nothing left to erase")
    }

    @Test func anythingElseErasesTheProgressLineFirst() {
        var renderer = EventRenderer(terminal: Self.ttyNoColor)
        #expect(renderer.render(.progress(Self.progress), width: 120) ==
                [Write(.output, "\repoch 3/100  chunk 12/50  loss 0.004211  splits 50  ETA 1m23s\u{1B}[K")])
        #expect(renderer.render(Self.diagnostic()).first == Write(.output, "\r\u{1B}[K"))
        _ = renderer.render(.progress(Self.progress))
        #expect(renderer.finish() == [Write(.output, "\r\u{1B}[K")])
        #expect(renderer.finish().isEmpty)
    }

    @Test func progressLineNeverWraps() {
        let line = EventRenderer.progressLine(Self.progress, width: 20, color: false)
        #expect(line == "\repoch 3/100  chunk \u{1B}[K", "19 columns: the last one stays free")
        #expect(EventRenderer.progressLine(Self.progress, width: 0, color: false) == "\re\u{1B}[K")
    }

    @Test func progressWithoutLossOrEstimate() {
        var p = Self.progress
        p.runningLoss = nil
        p.remaining = nil
        #expect(EventRenderer.progressText(p) == "epoch 3/100  chunk 12/50  splits 50")
        p.remaining = .nan
        p.runningLoss = .infinity
        #expect(EventRenderer.progressText(p) == "epoch 3/100  chunk 12/50  loss inf  splits 50")
    }

    @Test(arguments: [
        (0.0, "0s"), (0.4, "0s"), (59.4, "59s"), (59.6, "1m00s"), (83.0, "1m23s"), (3599.0, "59m59s"),
        (7500.0, "2h05m"), (360_000.0, "100h00m"),
    ])
    func durations(seconds: Double, text: String) {
        #expect(EventRenderer.duration(seconds) == text)
    }

    @Test func impossibleDurationsAreLeftOut() {
        for seconds in [-1, .nan, .infinity, -.infinity, 1e300] {
            #expect(EventRenderer.duration(seconds) == nil)
        }
    }

    @Test func runEndingsAreTintedByStatus() {
        func summary(_ status: TrainingOutcome) -> RunSummary {
            RunSummary(name: "a", status: status, epochs: 1, finalLoss: nil, bestLoss: nil, message: "m")
        }
        #expect(EventRenderer.runEnded(summary(.finished), color: true) == "m")
        #expect(EventRenderer.runEnded(summary(.interrupted), color: true) == "\u{1B}[33mm\u{1B}[0m")
        #expect(EventRenderer.runEnded(summary(.diverged), color: true) == "\u{1B}[31mm\u{1B}[0m")
        #expect(EventRenderer.runEnded(summary(.diverged), color: false) == "m")
    }

    @Test func completionCommonPrefix() {
        #expect(commonPrefix([]) == "")
        #expect(commonPrefix(["optimizer"]) == "optimizer")
        #expect(commonPrefix(["rmsprop", "run", "runs"]) == "r")
        #expect(commonPrefix(["runs", "run"]) == "run")
        #expect(commonPrefix(["é1", "é2"]) == "é")
    }
}
