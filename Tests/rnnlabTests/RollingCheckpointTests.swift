#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import Testing

/// `RUN@latest` is written with every epoch, so a killed process loses at most the epoch in
/// progress, weights included; and names reused across sessions never replace checkpoints.
@Suite(.serialized) struct RollingCheckpointTests {
    static let epochs = 24
    static let script = """
        seed 4
        data sine sequences=2 length=1500
        model dense 16 relu -> noise 0.1 -> lstm 16 -> dense 2
        clip norm 0.5
        schedule splits 6,3,1 patience=2 min_delta=0.001
        train epochs=\(epochs) name=k
        """

    static func exported(_ work: Scratch, store: String, _ commands: String) throws -> Data {
        let result = try Binary.run(["--store", store, "-c", commands + "\nweights export \"w.safetensors\" force"],
                                    in: work.url, timeout: .seconds(300))
        try #require(result.status == 0, "\(result.stderr)")
        return try Data(contentsOf: work.file("w.safetensors"))
    }

    /// A small seeded generator for the kill points, so every failure can be replayed.
    struct Draws {
        var state: UInt64
        mutating func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
    }

    @Test func twentyKillsEachResumeFromLatestToTheSameWeights() throws {
        let work = try Scratch()
        let straight = try Self.exported(work, store: "straight.sqlite", Self.script)
        var draws = Draws(state: 0x5EED)
        var killedMidRun = 0
        for attempt in 1...20 {
            let store = "k\(attempt).sqlite"
            let child = try BackgroundRun(["--store", store, "-c", Self.script], in: work.url)
            let epoch = draws.next(1...(Self.epochs - 2))
            try child.waitForOutput(containing: "epoch \(epoch)/\(Self.epochs)", timeout: .seconds(120))
            Thread.sleep(forTimeInterval: Double(draws.next(0...80)) / 1000)
            child.kill()
            let printed = child.output.split(separator: "\n").filter { $0.hasPrefix("epoch ") }.count
            let queue = try DatabaseQueue(path: work.file(store).path)
            let (integrity, stored, latest) = try queue.read { db in
                (try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM metric"),
                 try Int.fetchOne(db, sql: "SELECT epoch FROM checkpoint WHERE name = 'k@latest'"))
            }
            try queue.close()
            #expect(integrity == "ok", "attempt \(attempt)")
            let recorded = try #require(stored, "attempt \(attempt)")
            #expect(recorded >= printed, "attempt \(attempt): every printed epoch is stored")
            let at = try #require(latest, "attempt \(attempt): k@latest exists from epoch 1 on")
            #expect(at == recorded, "attempt \(attempt): k@latest is the last recorded epoch")
            // A kill that came after the last epoch leaves nothing to train: k@latest is the end.
            if at < Self.epochs { killedMidRun += 1 }
            let rest = at < Self.epochs ? "\ntrain epochs=\(Self.epochs - at)" : ""
            let resumed = try Self.exported(work, store: store, "resume k@latest" + rest)
            #expect(resumed == straight, "attempt \(attempt): killed after epoch \(at), resumed, weights differ")
        }
        #expect(killedMidRun >= 15, "only \(killedMidRun) of 20 kills landed before the last epoch")
    }

    @Test func aNameReusedInALaterSessionKeepsEveryCheckpoint() throws {
        let work = try Scratch()
        let setup = "seed 7\ndata sine sequences=3 length=300\nfeatures deltas window=16\ntargets next\nmodel lstm 8 -> dense 1\n"
        for epochs in [6, 2] {
            let result = try Binary.run(["--store", "u.sqlite", "-c", setup + "train epochs=\(epochs) name=x"], in: work.url)
            try #require(result.status == 0, "\(result.stderr)")
        }
        let look = try Binary.run(["--store", "u.sqlite", "-c", """
            runs
            checkpoint list
            resume s1/x@6
            resume x@best
            resume s2/x@latest
            export run s1/x to "first.csv"
            export run x to "second.csv"
            compare s1/x s2/x
            """], in: work.url)
        #expect(look.status == 0, "\(look.stderr)")
        #expect(look.stdout.contains("resumed run 'x' at epoch 6 from 's1/x@6'"))
        #expect(look.stdout.contains("from 'x@best'"))
        #expect(look.stdout.contains("resumed run 'x' at epoch 2 from 's2/x@latest'"))
        // Both runs' checkpoints are listed, the earlier run's under its session-qualified names.
        for name in ["s1/x@best", "s1/x@latest", "s1/x@6", "x@best", "x@latest", "x@2"] {
            #expect(look.stdout.contains("\n\(name) "), "checkpoint list lacks \(name)")
        }
        let first = try String(contentsOf: work.file("first.csv"), encoding: .utf8)
        let second = try String(contentsOf: work.file("second.csv"), encoding: .utf8)
        #expect(first.split(separator: "\n").count == 7 && second.split(separator: "\n").count == 3)
    }
}
