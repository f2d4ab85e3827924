import Foundation
import RNNScript
import RNNStore
import RNNTraining
import Testing
@testable import RNNSession

/// Which commands start, continue and end a run; changes between two `train`s of one run;
/// where a run's starting weights came from.
@Suite struct RunLifecycleTests {
    static let setup = """
        seed 3
        data sine sequences=2 length=40
        features deltas window=4
        targets next
        model lstm 4 -> dense 1
        """

    /// A fresh store and an interpreter recording into it; `run` returns the text printed.
    final class Lab {
        let scratch: URL
        let log: SessionLog
        let interpreter: Interpreter

        init() throws {
            scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-lifecycle-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            log = try SessionLog(store: Store.open(path: scratch.appendingPathComponent("s.sqlite").path), version: "test",
                                 cwd: scratch.path)
            interpreter = Interpreter(baseDirectory: scratch, log: log)
        }

        deinit {
            log.close()
            try? FileManager.default.removeItem(at: scratch)
        }

        @discardableResult
        func run(_ source: String) -> (status: CellStatus, text: String) {
            var lines: [String] = []
            let outcome = interpreter.run(source, file: "t.rnn", cells: .eachStatement, emit: { event in
                if let text = event.recordedText { lines.append(text) }
            })
            return (outcome.status, lines.joined(separator: "\n"))
        }

        func run(named name: String) throws -> RunRecord {
            try #require(try log.store.runs().last { $0.name == name })
        }
    }

    @Test func anOptimizerChangedBetweenTrainsAppliesFromTheNextTrain() throws {
        let lab = try Lab()
        let result = lab.run(Self.setup + "\ntrain epochs=1 name=m\noptimizer sgd lr=0.5\ntrain epochs=1\nshow run")
        #expect(result.status == .ok, "\(result.text)")
        let run = try lab.run(named: "m")
        let metrics = try lab.log.store.metrics(runID: run.id!)
        #expect(metrics.map(\.lr) == [0.001, 0.5])
        let events = try lab.log.store.runEvents(runID: run.id!)
        #expect(events.count == 1)
        #expect(events.first?.epoch == 2 && events.first?.setting == "optimizer")
        #expect(events.first?.newValue == "sgd lr=0.5 momentum=0.0 nesterov=false")
        // The checkpoint after epoch 2 holds an SGD optimizer that has taken one step: fresh slots.
        let (state, _) = try lab.log.loadCheckpoint("m@2")
        #expect(state.optimizer.config.kind == .sgd && state.optimizer.config.learningRate == 0.5)
        #expect(state.optimizer.step == 1)
        #expect(result.text.contains("a new optimizer: its slots start fresh"))
        #expect(result.text.contains("epoch 2: optimizer adam lr=0.001 beta1=0.9 beta2=0.999 eps=1e-07 → sgd lr=0.5"))
    }

    @Test func aNewLearningRateKeepsTheSlots() throws {
        let lab = try Lab()
        #expect(lab.run(Self.setup + "\ntrain epochs=2 name=k\noptimizer adam lr=0.01\ntrain epochs=1").status == .ok)
        let (state, _) = try lab.log.loadCheckpoint("k@3")
        #expect(state.optimizer.config.kind == .adam && state.optimizer.config.learningRate == 0.01)
        #expect(state.optimizer.step == 3, "the slots and step count go on")
        #expect(try lab.log.store.metrics(runID: try lab.run(named: "k").id!).map(\.lr) == [0.001, 0.001, 0.01])
    }

    @Test func scheduleAndClipChangesAreRecordedAndApplied() throws {
        let lab = try Lab()
        let result = lab.run(Self.setup + "\ntrain epochs=1 name=s\nschedule splits 5\nclip norm 0.5\ntrain epochs=1\nruns")
        #expect(result.status == .ok, "\(result.text)")
        let run = try lab.run(named: "s")
        #expect(try lab.log.store.metrics(runID: run.id!).map(\.splits) == [1, 5])
        #expect(try lab.log.store.runEvents(runID: run.id!).map(\.setting) == ["clip", "schedule"])
        #expect(result.text.contains("e2 clip norm 0.5; e2 schedule splits 5"))
        // The figure marks the change like a K change.
        let figure = try Figures.curves([try #require(try lab.log.run("s"))], metric: .loss, logY: false, smoothing: 0)
        #expect(figure.series.first?.markers.map(\.label).contains("schedule splits 5 patience=20 min_delta=0.0") == true)
    }

    @Test func aDataChangeEndsTheRunAndTheNextOneNamesItsParent() throws {
        let lab = try Lab()
        let result = lab.run(Self.setup + "\ntrain epochs=2 name=x\ndata sine sequences=2 length=50\ntrain epochs=1 name=y\nruns")
        #expect(result.status == .ok, "\(result.text)")
        let x = try lab.run(named: "x"), y = try lab.run(named: "y")
        let lineage = try #require(try lab.log.store.lineages()[y.id!])
        #expect(lineage.parentRunID == x.id && lineage.parentEpoch == 2 && lineage.source == "x@2")
        #expect(try lab.log.store.lineages()[x.id!] == nil, "x started from fresh weights")
        #expect(result.text.contains("run 'y' starts from the weights of x@2"))
        #expect(result.text.contains("from"))
        // `reset` gives fresh weights: no parent.
        #expect(lab.run("reset\ntrain epochs=1 name=z").status == .ok)
        #expect(try lab.log.store.lineages()[try lab.run(named: "z").id!] == nil)
    }

    @Test func naming_anotherRunWhileOneIsActiveSaysToReset() throws {
        let lab = try Lab()
        let result = lab.run(Self.setup + "\ntrain epochs=1 name=a\ntrain epochs=1 name=b")
        #expect(result.status == .error)
        #expect(result.text.contains("run 'a' is active; 'reset' first to start a new run named 'b'"))
    }

    @Test func theSummarySaysWhichLossIsBest() throws {
        let lab = try Lab()
        #expect(lab.run(Self.setup + "\ntrain epochs=1 name=t").text.contains("1 epoch, loss"))
        #expect(lab.run("validate tail=0.25\ntrain epochs=2 name=v").text.contains("(best validation loss"))
        #expect(lab.run("validate off\nreset\ntrain epochs=1 name=u").text.contains("(best training loss"))
    }
}
