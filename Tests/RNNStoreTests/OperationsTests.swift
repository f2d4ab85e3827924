import Foundation
import Testing
import GRDB
@testable import RNNStore

@Suite struct RunOperationTests {
    @Test func unnamedRunsTakeTheNextFreeNumberAcrossSessions() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"))
        let first = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let second = try #require(try store.beginSession(version: "t", cwd: "/").id)
        #expect(try store.startRun(sessionID: first, cellID: nil, name: nil, configuration: "{}").name == "run-1")
        #expect(try store.startRun(sessionID: second, cellID: nil, name: "run-3", configuration: "{}").name == "run-3")
        // Two runs so far: the next is run-3, which is taken, so run-4.
        #expect(try store.startRun(sessionID: second, cellID: nil, name: nil, configuration: "{}").name == "run-4")
        #expect(throws: StoreError.runExists(path: store.path, name: "run-4")) {
            _ = try store.startRun(sessionID: second, cellID: nil, name: "run-4", configuration: "{}")
        }
    }

    /// Running an experiment again (a new session) records new runs of the same names; a
    /// name then means its latest run.
    @Test func aNameMayReturnInALaterSessionAndMeansTheLatest() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"))
        let first = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let second = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let old = try store.startRun(sessionID: first, cellID: nil, name: "opt-adam", configuration: "{}")
        let new = try store.startRun(sessionID: second, cellID: nil, name: "opt-adam", configuration: "{}")
        #expect(old.id != new.id)
        #expect(try store.run(named: "opt-adam")?.id == new.id)
        #expect(try store.runs().map(\.name) == ["opt-adam", "opt-adam"])
    }

    @Test func continuingARunDropsTheEpochsOfAnAbandonedBranch() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let id = try #require(run.id)
        for epoch in 1...5 { try store.appendMetric(metric(id, epoch)) }
        try store.endRun(id: id, status: .finished)
        try store.continueRun(id: id, fromEpoch: 2)
        #expect(try store.metrics(runID: id).map(\.epoch) == [1, 2])
        #expect(try store.run(named: "r1")?.status == .running)
        #expect(try store.run(named: "r1")?.endedAt == nil)
    }

    @Test func aDeadProcessesRunReadsInterruptedALiveOnesRunning() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"))
        let live = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let me = ProcessIdentity.current()
        // The same pid with another start time is a process that has ended (pid reused).
        let dead = try #require(try store.beginSession(version: "t", cwd: "/", pid: me.pid,
                                                      processStart: me.processStart + 1).id)
        _ = try store.startRun(sessionID: live, cellID: nil, name: "mine", configuration: "{}")
        _ = try store.startRun(sessionID: dead, cellID: nil, name: "theirs", configuration: "{}")
        let status = Dictionary(uniqueKeysWithValues: try store.runs().map { ($0.name, $0.status) })
        #expect(status == ["mine": .running, "theirs": .interrupted])
        // A finished run stays finished whoever recorded it.
        try store.endRun(id: try #require(store.run(named: "theirs")?.id), status: .finished)
        #expect(try store.run(named: "theirs")?.status == .finished)
        let summaries = try store.sessionSummaries()
        #expect(summaries.map(\.isAlive) == [true, false])
        #expect(summaries.map(\.runs) == [1, 1])
    }

    @Test func deletingARunDeletesItsMetricsAndCheckpoints() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let id = try #require(run.id)
        try store.appendMetric(metric(id, 1))
        _ = try store.saveCheckpoint(name: "r1@1", runID: id, epoch: 1, modelSpec: "m", dataSpec: "d",
                                     state: Data([1, 2]), formatVersion: 1)
        try store.deleteRun(id: id)
        #expect(try store.runs().isEmpty)
        #expect(try store.metrics(runID: id).isEmpty)
        #expect(try store.checkpointNames().isEmpty)
    }
}

@Suite struct CheckpointOperationTests {
    @Test func aBatchIsSavedWholeOrNotAtAll() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let id = try #require(run.id)
        func new(_ name: String) -> NewCheckpoint {
            NewCheckpoint(name: name, runID: id, epoch: 1, modelSpec: "m", dataSpec: "d", state: Data(name.utf8), formatVersion: 1)
        }
        _ = try store.saveCheckpoints([new("kept")])
        #expect(throws: StoreError.checkpointExists(path: store.path, name: "kept")) {
            _ = try store.saveCheckpoints([new("fresh"), new("kept")], replacing: false)
        }
        #expect(try store.checkpointNames() == ["kept"])
        // Replacing moves a name forward (RUN@best), keeping one row per name.
        _ = try store.saveCheckpoints([new("fresh"), new("kept")])
        #expect(try store.checkpointNames() == ["fresh", "kept"])
    }

    @Test func theListNamesTheRunAndTheLossAtTheEpoch() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let id = try #require(run.id)
        try store.appendMetric(metric(id, 1, loss: 0.25))
        try store.appendMetric(metric(id, 2, loss: 0.125))
        _ = try store.saveCheckpoint(name: "r1@2", runID: id, epoch: 2, modelSpec: "lstm 8", dataSpec: "sine",
                                     state: Data(count: 100), formatVersion: 1)
        _ = try store.saveCheckpoint(name: "r1@9", runID: id, epoch: 9, modelSpec: "lstm 8", dataSpec: "sine",
                                     state: Data(count: 10), formatVersion: 1)
        let list = try store.checkpoints()
        #expect(list.map(\.name) == ["r1@2", "r1@9"])
        #expect(list.map(\.runName) == ["r1", "r1"])
        #expect(list.map(\.loss) == [0.125, nil])
        #expect(list.map(\.bytes) == [100, 10])
        #expect(try store.deleteCheckpoint(name: "r1@2"))
        #expect(try !store.deleteCheckpoint(name: "r1@2"))
        #expect(try store.checkpoints().map(\.name) == ["r1@9"])
    }
}

@Suite struct CellOperationTests {
    @Test func anOpenedCellReadsInterruptedUntilFinished() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"))
        let session = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let cell = try store.openCell(sessionID: session, number: 1, source: "train epochs=2")
        #expect(try store.cells(sessionID: session).map(\.status) == [.interrupted])
        try store.finishCell(id: try #require(cell.id), output: "epoch 1/2", status: .ok, duration: 1.5,
                             attachments: [(.table, Data("{}".utf8)), (.run, Data("[]".utf8))])
        let finished = try #require(try store.cells(sessionID: session).first)
        #expect(finished.status == .ok)
        #expect(finished.output == "epoch 1/2")
        #expect(finished.duration == 1.5)
        #expect(try store.attachments(cellID: try #require(cell.id)).map(\.kind) == [.table, .run])
    }

    @Test func recentSourcesSpanSessionsOldestFirst() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"))
        for s in 1...2 {
            let session = try #require(try store.beginSession(version: "t", cwd: "/").id)
            for n in 1...3 { _ = try store.openCell(sessionID: session, number: n, source: "seed \(s * 10 + n)") }
        }
        #expect(try store.recentSources(limit: 4) == ["seed 13", "seed 21", "seed 22", "seed 23"])
    }

    @Test func csvBytesAreKeptOncePerHash() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"))
        try store.keepCSV(hash: "abc", bytes: Data("a,b\n1,2\n".utf8))
        try store.keepCSV(hash: "abc", bytes: Data("a,b\n1,2\n".utf8))
        #expect(try store.csvBytes(hash: "abc") == Data("a,b\n1,2\n".utf8))
        #expect(try store.csvBytes(hash: "nope") == nil)
    }
}

@Suite struct FullDiskTests {
    /// A full disk during a checkpoint: one clear error, and nothing of the checkpoint is kept.
    /// SQLite's `max_page_count` stands in for the disk (the same SQLITE_FULL a real one gives).
    @Test func aCheckpointThatDoesNotFitLeavesNothing() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let id = try #require(run.id)
        _ = try store.saveCheckpoint(name: "small", runID: id, epoch: 1, modelSpec: "m", dataSpec: "d",
                                     state: Data(count: 16), formatVersion: 1)
        try store.pool.write { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
        }
        #expect(throws: StoreError.diskFull(path: store.path)) {
            _ = try store.saveCheckpoints([
                NewCheckpoint(name: "r1@2", runID: id, epoch: 2, modelSpec: "m", dataSpec: "d", state: Data(count: 1 << 20),
                              formatVersion: 1),
            ])
        }
        #expect(try store.checkpointNames() == ["small"])
        #expect(StoreError.diskFull(path: "x.sqlite").description.contains("full"))
    }
}

@Suite struct MigrationTests {
    /// A store written before run names became per-session keeps every record when migrated.
    @Test func aVersionOneStoreMigratesWithItsRecords() throws {
        let dir = try TempDir()
        let path = dir.path("v1.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v1-sessions-cells-runs")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO session VALUES (1, '2026-01-01 00:00:00', NULL, '0.1', 'v1.sqlite', '/', 7, 1);
                    INSERT INTO cell VALUES (1, 1, 1, 'train epochs=1', 'ok', 'ok', '2026-01-01 00:00:00', 1.0);
                    INSERT INTO run VALUES (1, 1, 1, 'a', '{}', 'finished', '2026-01-01 00:00:00', NULL);
                    INSERT INTO metric VALUES (1, 1, 0.5, NULL, 1, 0.001, 0.1, 0.2, 1.0);
                    INSERT INTO checkpoint VALUES (1, 'a@1', 1, 1, '2026-01-01 00:00:00', 'm', 'd', x'00', 1, 'fnv1a64:0');
                    """)
            }
            try queue.close()
        }
        let store = try Store.open(path: path)
        #expect(try store.appliedMigrations() == ["v1-sessions-cells-runs", "v2-run-names-per-session",
                                                 "v3-checkpoints-per-run-session-uuid", "v4-run-events-lineage"])
        let run = try #require(try store.run(named: "a"))
        #expect(try store.metrics(runID: try #require(run.id)).count == 1)
        #expect(try store.checkpoints().map(\.runName) == ["a"])
        #expect(try store.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        // Deleting the run still cascades to its metrics: the foreign keys point at the new table.
        try store.deleteRun(id: try #require(run.id))
        #expect(try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM metric") } == 0)
    }
}
