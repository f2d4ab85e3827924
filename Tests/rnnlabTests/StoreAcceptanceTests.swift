import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GRDB
import RNNStore
import Testing

/// SPEC §4 end to end, with the built binary: exact resume across processes, a killed process,
/// two processes on one store, refused stores left byte-identical, and a session exported and
/// run again.
@Suite(.serialized) struct StoreAcceptanceTests {
    /// Noise layers, clip norm, and a split schedule that moves on after two epochs without
    /// improvement (min_delta=1: none counts as one), so K is 4, 4, 4, 2, 2, 1 and epoch 4
    /// ends in the middle of K = 2 with its patience counter at 1.
    static let setup = """
        seed 3
        data sine sequences=2 length=400
        features deltas window=16
        model dense 16 relu -> noise 0.1 -> lstm 16 -> noise 0.05 -> dense 2
        optimizer adam lr=0.01
        clip norm 0.5
        schedule splits 4,2,1 patience=2 min_delta=1
        """

    @Test func resumingInANewProcessGivesTheWeightsOfTrainingStraight() throws {
        let work = try Scratch()
        let straight = try Binary.run(["--store", "a.sqlite", "-c", Self.setup + """

            train epochs=6 name=r
            weights export "straight.safetensors"
            """], in: work.url)
        try #require(straight.status == 0, "\(straight.stderr)")

        let first = try Binary.run(["--store", "b.sqlite", "-c", Self.setup + "\ntrain epochs=4 name=r\nquit"], in: work.url)
        try #require(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("checkpoints r@4, r@best"))
        let second = try Binary.run(["--store", "b.sqlite", "-c", """
            resume r@4
            train epochs=2
            weights export "resumed.safetensors"
            """], in: work.url)
        try #require(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("resumed run 'r' at epoch 4 from 'r@4' (splits 2"))

        let a = try Data(contentsOf: work.file("straight.safetensors"))
        let b = try Data(contentsOf: work.file("resumed.safetensors"))
        #expect(a == b, "resumed weights differ from training straight through")
        // The epochs after the resume print the same losses, splits and gradient norms too.
        func lines(_ text: String, from epoch: Int) -> [String] {
            text.split(separator: "\n").filter { $0.hasPrefix("epoch ") }.map { line in
                String(line.split(separator: " ").dropLast().joined(separator: " "))  // without the seconds
            }.filter { $0.hasPrefix("epoch ") && Int($0.dropFirst(6).prefix { $0 != "/" })! >= epoch }
        }
        #expect(lines(straight.stdout, from: 5) == lines(second.stdout, from: 5))
        #expect(lines(second.stdout, from: 5).count == 2)
        // The store holds one run of six epochs.
        let store = try Store.open(path: work.file("b.sqlite").path)
        let run = try #require(try store.run(named: "r"))
        #expect(try store.metrics(runID: try #require(run.id)).map(\.epoch) == Array(1...6))
        #expect(try store.metrics(runID: try #require(run.id)).map(\.splits) == [4, 4, 4, 2, 2, 1])
    }

    @Test func aKilledProcessLosesAtMostTheEpochInProgress() throws {
        let work = try Scratch()
        let child = try BackgroundRun(["--store", "k.sqlite", "-c", """
            seed 1
            data sine sequences=2 length=2000
            model dense 32 relu -> lstm 32 -> dense 2
            train epochs=2 name=k
            train epochs=500
            """], in: work.url)
        try child.waitForOutput(containing: "epoch 5/502", timeout: .seconds(120))
        child.kill()

        let path = work.file("k.sqlite").path
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        try queue.close()
        let printed = child.output.split(separator: "\n").filter { $0.hasPrefix("epoch ") }.count
        let store = try Store.open(path: path)
        let run = try #require(try store.run(named: "k"))
        #expect(run.status == .interrupted)
        let recorded = try store.metrics(runID: try #require(run.id)).map(\.epoch)
        #expect(recorded == Array(1...recorded.count))
        #expect(recorded.count >= printed && recorded.count <= printed + 1, "printed \(printed), recorded \(recorded.count)")
        #expect(try store.checkpointNames().contains("k@2"))
        try store.close()

        let shown = try Binary.run(["--store", "k.sqlite", "-c", "runs\nresume k@2\ntrain epochs=1"], in: work.url)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("k    interrupted"))
        #expect(shown.stdout.contains("epoch 3/3"))
        #expect(shown.stdout.contains("run 'k': 3 epochs"))
    }

    @Test func twoProcessesTrainIntoOneStoreAtOnce() throws {
        let work = try Scratch()
        func script(_ name: String) -> [String] {
            ["--store", "shared.sqlite", "-c",
             "seed 2\ndata sine sequences=2 length=1500\nmodel dense 16 relu -> lstm 16 -> dense 2\ntrain epochs=40 name=\(name)"]
        }
        let a = try BackgroundRun(script("pa"), in: work.url)
        let b = try BackgroundRun(script("pb"), in: work.url)
        try a.waitForOutput(containing: "epoch 2/40", timeout: .seconds(120))
        try b.waitForOutput(containing: "epoch 2/40", timeout: .seconds(120))
        // A third process sees both runs live, not interrupted.
        let during = try Binary.run(["--store", "shared.sqlite", "-c", "runs"], in: work.url)
        #expect(during.stdout.contains("pa   running"), "\(during.stdout)")
        #expect(during.stdout.contains("pb   running"), "\(during.stdout)")
        #expect(try a.wait() == 0, "\(a.errors)")
        #expect(try b.wait() == 0, "\(b.errors)")

        let store = try Store.open(path: work.file("shared.sqlite").path)
        for name in ["pa", "pb"] {
            let run = try #require(try store.run(named: name))
            #expect(run.status == .finished)
            #expect(try store.metrics(runID: try #require(run.id)).count == 40)
        }
        #expect(Set(try store.checkpointNames()) == ["pa@40", "pa@best", "pa@latest", "pb@40", "pb@best", "pb@latest"])
        let sessions = try store.sessionSummaries()
        #expect(sessions.count == 3)
        #expect(sessions.allSatisfy { $0.session.endedAt != nil && $0.cells == ($0.runs == 1 ? 4 : 1) })
    }

    @Test func unusableStoresAreRefusedAndLeftByteIdentical() throws {
        let work = try Scratch()
        // Not SQLite.
        try work.write("text.sqlite", "just some text\n")
        // Another application's database.
        let other = try DatabaseQueue(path: work.file("other.sqlite").path)
        try other.write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi')") }
        try other.close()
        // A store a newer rnnlab migrated.
        let newer = try Store.open(path: work.file("newer.sqlite").path)
        try newer.close()
        let queue = try DatabaseQueue(path: work.file("newer.sqlite").path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        try queue.close()

        for (file, message) in [("text.sqlite", "is not an SQLite database"), ("other.sqlite", "belongs to another application"),
                                 ("newer.sqlite", "was written by a newer rnnlab")] {
            let before = try Data(contentsOf: work.file(file))
            let result = try Binary.run(["--store", file, "-c", "seed 1"], in: work.url)
            #expect(result.status == 2, "\(file)")
            #expect(result.stderr.contains(message), "\(file): \(result.stderr)")
            #expect(try Data(contentsOf: work.file(file)) == before, "\(file) was changed")
        }
        let missing = try Binary.run(["--store", "no/such/folder/s.sqlite", "-c", "seed 1"], in: work.url)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no/such/folder/s.sqlite cannot be read"))
    }

    @Test func aCorruptedCheckpointIsRefusedAndKeptAsItWas() throws {
        let work = try Scratch()
        let trained = try Binary.run(["--store", "c.sqlite", "-c", Self.setup + "\ntrain epochs=1 name=c"], in: work.url)
        try #require(trained.status == 0, "\(trained.stderr)")
        let queue = try DatabaseQueue(path: work.file("c.sqlite").path)
        try queue.write { db in
            try db.execute(sql: "UPDATE checkpoint SET state = CAST(replace(CAST(state AS TEXT), 'A', 'B') AS BLOB) WHERE name = 'c@1'")
        }
        let corrupted = try queue.read { db in try Row.fetchOne(db, sql: "SELECT state, checksum FROM checkpoint WHERE name = 'c@1'") }
        try queue.close()

        let result = try Binary.run(["--store", "c.sqlite", "-c", "resume c@1\nshow run"], in: work.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("checkpoint c@1"))
        #expect(result.stderr.contains("is corrupt (its state does not match its checksum)"))
        let after = try DatabaseQueue(path: work.file("c.sqlite").path)
        #expect(try after.read { db in try Row.fetchOne(db, sql: "SELECT state, checksum FROM checkpoint WHERE name = 'c@1'") }
                == corrupted)
        // The other checkpoint of the run still loads.
        let best = try Binary.run(["--store", "c.sqlite", "-c", "resume c@best"], in: work.url)
        #expect(best.status == 0, "\(best.stderr)")
    }

    @Test func anExportedSessionReproducesItsLosses() throws {
        let work = try Scratch()
        try work.write("session.rnn", """
            let epochs = 9
            seed 5
            data sine sequences=2 length=300
            features deltas window=8
            model dense 8 relu -> lstm 8 -> dense 2
            for opt in sgd adam {
              reset
              optimizer $opt
              train epochs=$epochs name="e-$opt"
            }
            train epochs=0
            train epochs=1
            """)
        let original = try Binary.run(["--store", "one.sqlite", "run", "--keep-going", "--set", "epochs=3", "session.rnn"],
                                      in: work.url)
        #expect(original.status == 1, "the failing cell makes the batch fail")
        let export = try Binary.run(["--store", "one.sqlite", "-c", "export session 1 to \"again.rnn\""], in: work.url)
        try #require(export.status == 0, "\(export.stderr)")
        let script = try String(contentsOf: work.file("again.rnn"), encoding: .utf8)
        #expect(script.contains("let epochs = 3"))
        #expect(!script.contains("train epochs=0"))
        let again = try Binary.run(["--store", "two.sqlite", "run", "again.rnn"], in: work.url)
        #expect(again.status == 0, "\(again.stderr)")

        func losses(_ file: String) throws -> [String: [Double]] {
            let store = try Store.open(path: work.file(file).path)
            defer { try? store.close() }
            return Dictionary(uniqueKeysWithValues: try store.runs().map { ($0.name, try store.metrics(runID: $0.id!).map(\.loss)) })
        }
        let before = try losses("one.sqlite"), after = try losses("two.sqlite")
        #expect(before.keys.sorted() == ["e-adam", "e-sgd"])
        #expect(before["e-adam"]?.count == 4)
        #expect(before == after)
    }
}

/// rnnlab started in the background, its output read while it runs.
final class BackgroundRun {
    private let process = Process()
    private let scratch: Scratch

    init(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws {
        let binary = try #require(Binary.url, "rnnlab is not built")
        scratch = try Scratch()
        try Data().write(to: scratch.file("stdout"))
        try Data().write(to: scratch.file("stderr"))
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["RNNLAB_STORE"] = nil
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: scratch.file("stdout"))
        process.standardError = try FileHandle(forWritingTo: scratch.file("stderr"))
        try process.run()
    }

    deinit {
        if process.isRunning { kill() }
    }

    var output: String { String(decoding: (try? Data(contentsOf: scratch.file("stdout"))) ?? Data(), as: UTF8.self) }
    var errors: String { String(decoding: (try? Data(contentsOf: scratch.file("stderr"))) ?? Data(), as: UTF8.self) }

    func waitForOutput(containing text: String, timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while !output.contains(text) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw Failure("no '\(text)' in the output:\n\(output)\n\(errors)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// SIGKILL: no handler runs, nothing is flushed or closed.
    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends `signal` (SIGINT, SIGTERM, SIGHUP: the process's handlers run).
    func send(_ signal: Int32) {
        Glibc.kill(process.processIdentifier, signal)
    }

    func wait(timeout: Duration = .seconds(300)) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw Failure("still running after \(timeout)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return process.terminationStatus
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
