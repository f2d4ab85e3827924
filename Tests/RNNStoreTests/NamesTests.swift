import Foundation
import GRDB
import Testing
@testable import RNNStore

@Suite struct NameParsingTests {
    @Test(arguments: [
        ("x", nil, "x"), ("s1/x", 1, "x"), ("s12/run-3", 12, "run-3"), ("s0/x", nil, "s0/x"),
        ("s/x", nil, "s/x"), ("s1/", nil, "s1/"), ("sx1/y", nil, "sx1/y"), ("s2/a/b", 2, "a/b"),
    ] as [(String, Int64?, String)])
    func runNames(text: String, session: Int64?, name: String) throws {
        let reference = try #require(RunReference.parse(text))
        #expect(reference == RunReference(session: session, name: name))
        #expect(reference.description == text)
    }

    @Test func anEmptyRunNameIsNone() {
        #expect(RunReference.parse("") == nil)
    }

    @Test func checkpointNames() {
        #expect(CheckpointReference.parse("x@best") == .automatic(run: RunReference(name: "x"), tag: .best))
        #expect(CheckpointReference.parse("s1/x@best") == .automatic(run: RunReference(session: 1, name: "x"), tag: .best))
        #expect(CheckpointReference.parse("x@latest") == .automatic(run: RunReference(name: "x"), tag: .latest))
        #expect(CheckpointReference.parse("s3/opt-adam@12") == .automatic(run: RunReference(session: 3, name: "opt-adam"), tag: .epoch(12)))
        #expect(CheckpointReference.parse("a@b@best") == .automatic(run: RunReference(name: "a@b"), tag: .best))
        #expect(CheckpointReference.parse("before-drop") == .named("before-drop"))
        #expect(CheckpointReference.parse("x@first") == .named("x@first"))
        #expect(CheckpointReference.parse("@best") == .named("@best"))
        #expect(CheckpointReference.parse("x@-1") == .named("x@-1"))
        #expect(CheckpointReference.parse("x@99999999999999999999999") == .named("x@99999999999999999999999"))
        #expect(CheckpointReference.parse("s1/x@best").description == "s1/x@best")
        #expect(CheckpointReference.automaticName(run: "x", tag: .epoch(6)) == "x@6")
    }
}

/// Two sessions train runs of one name: every checkpoint of both stays, each reachable.
@Suite struct RunOwnedCheckpointTests {
    func state(_ text: String) -> Data { Data(text.utf8) }

    func new(_ name: String, _ run: Int64, epoch: Int, _ text: String) -> NewCheckpoint {
        NewCheckpoint(name: name, runID: run, epoch: epoch, modelSpec: "lstm 8", dataSpec: "sine", state: state(text), formatVersion: 2)
    }

    @Test func aLaterRunOfTheSameNameReplacesNothing() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"))
        let first = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let second = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let old = try #require(try store.startRun(sessionID: first, cellID: nil, name: "x", configuration: "{}").id)
        try store.saveAutomaticCheckpoints([new("x@6", old, epoch: 6, "old-6"), new("x@best", old, epoch: 6, "old-best")])
        let newer = try #require(try store.startRun(sessionID: second, cellID: nil, name: "x", configuration: "{}").id)
        try store.saveAutomaticCheckpoints([new("x@2", newer, epoch: 2, "new-2"), new("x@best", newer, epoch: 1, "new-best")])

        #expect(try store.checkpoints().count == 4)
        #expect(try store.loadCheckpoint(.parse("x@best")).state == state("new-best"))
        #expect(try store.loadCheckpoint(.parse("s\(first)/x@best")).state == state("old-best"))
        #expect(try store.loadCheckpoint(.parse("s\(first)/x@6")).state == state("old-6"))
        #expect(try store.loadCheckpoint(.parse("s\(second)/x@best")).state == state("new-best"))
        // A plain name means the latest run: x@6 is the first run's only.
        #expect(throws: StoreError.checkpointNotFound(path: store.path, name: "x@6")) { try store.loadCheckpoint(.parse("x@6")) }
        // The old API resolves the same way.
        #expect(try store.loadCheckpoint(name: "s\(first)/x@best").record.runID == old)

        let list = try store.checkpoints()
        #expect(list.map(\.qualifiedName) == ["s\(first)/x@6", "s\(first)/x@best", "s\(second)/x@2", "s\(second)/x@best"])
        #expect(list.map(\.isReachedByName) == [false, false, true, true])
        #expect(try store.checkpointNames() == ["s\(first)/x@6", "s\(first)/x@best", "x@2", "x@best"])
        #expect(try store.run(.parse("s\(first)/x")!)?.id == old)
        #expect(try store.run(named: "x")?.id == newer)
        // Deleting the first run's best leaves the second's.
        #expect(try store.deleteCheckpoint(.parse("s\(first)/x@best")))
        #expect(try store.loadCheckpoint(.parse("x@best")).state == state("new-best"))
    }

    @Test func namedCheckpointsAreRefusedWhenTakenUnlessForced() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let id = try #require(run.id)
        try store.saveNamedCheckpoint(new("keep", id, epoch: 1, "one"), force: false)
        #expect(throws: StoreError.checkpointExists(path: store.path, name: "keep")) {
            try store.saveNamedCheckpoint(new("keep", id, epoch: 2, "two"), force: false)
        }
        #expect(try store.loadCheckpoint(.named("keep")).state == state("one"))
        try store.saveNamedCheckpoint(new("keep", id, epoch: 2, "two"), force: true)
        #expect(try store.loadCheckpoint(.named("keep")).info.epoch == 2)
        #expect(try store.checkpoints().count == 1)
        // A name that reads as a run's own checkpoint is refused as a named one, and a run's
        // own must carry its run's name.
        #expect(throws: StoreError.self) { try store.saveNamedCheckpoint(new("r1@best", id, epoch: 1, "x"), force: true) }
        #expect(throws: StoreError.self) { try store.saveAutomaticCheckpoints([new("other@best", id, epoch: 1, "x")]) }
        #expect(throws: StoreError.self) { try store.saveAutomaticCheckpoints([new("keep", id, epoch: 1, "x")]) }
        #expect(try store.checkpoints().map(\.name) == ["keep"])
    }

    @Test func aRunNameMayNotLookSessionQualified() throws {
        let dir = try TempDir()
        let (store, session, _) = try storeWithRun(dir)
        let id = try #require(session.id)
        #expect(throws: StoreError.self) { _ = try store.startRun(sessionID: id, cellID: nil, name: "s1/x", configuration: "{}") }
        // Other slashes are fine: only s<N>/ reads as a session.
        let html = try store.startRun(sessionID: id, cellID: nil, name: "<b>bold</b>", configuration: "{}")
        #expect(try store.run(named: "<b>bold</b>")?.id == html.id)
    }
}

/// A v2 store (run names per session, checkpoint names per store) migrates with its data.
@Suite struct MigrationV3Tests {
    @Test func aVersionTwoStoreMigratesWithItsData() throws {
        let dir = try TempDir()
        let path = dir.path("v2.sqlite")
        let blobs = (1...4).map { k in Data((0..<(1000 * k)).map { UInt8(truncatingIfNeeded: $0 &* k) }) }
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v2-run-names-per-session")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO session VALUES (1, '2026-01-01 00:00:00', '2026-01-01 01:00:00', '0.1', 'v2.sqlite', '/', 7, 1);
                    INSERT INTO session VALUES (2, '2026-01-02 00:00:00', NULL, '0.1', 'v2.sqlite', '/w', 8, 1);
                    INSERT INTO cell VALUES (1, 1, 1, 'train epochs=3 name=x', 'ok', 'ok', '2026-01-01 00:00:00', 1.0);
                    INSERT INTO cell VALUES (2, 2, 1, 'train epochs=2 name=x', 'ok', 'ok', '2026-01-02 00:00:00', 1.0);
                    INSERT INTO run VALUES (1, 1, 1, 'x', '{"optimizer":"adam"}', 'finished', '2026-01-01 00:00:00', NULL);
                    INSERT INTO run VALUES (2, 2, 2, 'x', '{"optimizer":"sgd"}', 'finished', '2026-01-02 00:00:00', NULL);
                    INSERT INTO metric VALUES (1, 1, 0.5, NULL, 2, 0.001, 0.1, 0.2, 1.0);
                    INSERT INTO metric VALUES (1, 2, 0.25, NULL, 2, 0.001, 0.1, 0.2, 1.5);
                    INSERT INTO metric VALUES (1, 3, 0.3, NULL, 1, 0.001, 0.1, 0.2, 2.0);
                    INSERT INTO metric VALUES (2, 1, 0.9, 0.8, 1, 0.01, 0.1, 0.2, 1.0);
                    INSERT INTO metric VALUES (2, 2, 0.7, 0.85, 1, 0.01, 0.1, 0.2, 1.0);
                    """)
                let rows: [(Int, String, Int, Int)] = [(1, "x@3", 1, 3), (2, "keep", 1, 2), (3, "x@2", 2, 2), (4, "x@best", 2, 1)]
                for ((id, name, run, epoch), blob) in zip(rows, blobs) {
                    try db.execute(sql: "INSERT INTO checkpoint VALUES (?, ?, ?, ?, '2026-01-01 00:00:00', 'lstm 8', 'sine', ?, 1, ?)",
                                   arguments: [id, name, run, epoch, blob, Checksum.of(blob)])
                }
            }
            try queue.close()
        }
        let store = try Store.open(path: path)
        #expect(try store.appliedMigrations().suffix(2) == ["v3-checkpoints-per-run-session-uuid", "v4-run-events-lineage"])
        let sessions = try store.sessions()
        #expect(sessions.map(\.cwd) == ["/", "/w"])
        #expect(Set(sessions.map(\.uuid)).count == 2 && sessions.allSatisfy { UUID(uuidString: $0.uuid) != nil })
        #expect(try store.cells(sessionID: 2).map(\.source) == ["train epochs=2 name=x"])
        #expect(try store.metrics(runID: 1).map(\.loss) == [0.5, 0.25, 0.3])
        let list = try store.checkpoints()
        #expect(list.map(\.kind) == [.automatic, .named, .automatic, .automatic])
        #expect(list.map(\.qualifiedName) == ["s1/x@3", "keep", "s2/x@2", "s2/x@best"])
        for (info, blob) in zip(list, blobs) {
            #expect(try store.loadCheckpoint(.parse(info.qualifiedName)).state == blob)
        }
        // The totals of the runs already there are filled in.
        let runs = try store.storedRuns()
        #expect(runs.map(\.epochs) == [3, 2])
        #expect(runs.map(\.bestLoss) == [0.25, 0.8])         // the second run monitors its validation loss
        #expect(runs.map(\.bestEpoch) == [2, 1])
        #expect(runs.map(\.lastLoss) == [0.3, 0.7])
        #expect(runs.map(\.lastSplits) == [1, 1])
        #expect(runs.map(\.seconds) == [4.5, 2.0])
        #expect(runs.map(\.isLatestOfName) == [false, true])
        // Now the first run may have its own x@best beside the second's.
        try store.saveAutomaticCheckpoints([NewCheckpoint(name: "x@best", runID: 1, epoch: 2, modelSpec: "m", dataSpec: "d",
                                                          state: Data([1]), formatVersion: 2)])
        #expect(try store.loadCheckpoint(.parse("x@best")).state == blobs[3])
        #expect(try store.loadCheckpoint(.parse("s1/x@best")).state == Data([1]))
        #expect(try store.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        #expect(try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        // Deleting a run still cascades to its cells' runs, metrics and checkpoints.
        try store.deleteRun(id: 1)
        #expect(try store.checkpoints().map(\.qualifiedName) == ["s2/x@2", "s2/x@best"])
        #expect(try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM run_totals") } == 1)
    }
}
