import Foundation
import GRDB
import Testing
@testable import RNNStore

/// A fresh temporary directory per test, removed at the end.
final class TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rnnstore-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A hash of the file's bytes, to show a refused file is left untouched.
func fileHash(_ path: String) throws -> String {
    Checksum.of(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// A store with one session and one run, for the tests that need a run.
func storeWithRun(_ dir: TempDir) throws -> (Store, SessionRecord, RunRecord) {
    let store = try Store.open(path: dir.path("s.sqlite"))
    let session = try store.beginSession(version: "test", cwd: "/tmp")     // this (live) process
    let run = try store.startRun(
        sessionID: try #require(session.id), cellID: nil, name: "r1", configuration: #"{"lr":0.001}"#)
    return (store, session, run)
}

func metric(_ runID: Int64, _ epoch: Int, loss: Double = 0.5) -> MetricRecord {
    MetricRecord(
        runID: runID, epoch: epoch, loss: loss, valLoss: nil, splits: 10, lr: 0.001,
        gradNormMean: 0.2, gradNormMax: 0.9, seconds: 1.5)
}

@Suite struct StoreOpenTests {
    @Test func createAndReopenKeepsData() throws {
        let dir = try TempDir()
        let path = dir.path("store.sqlite")
        do {
            let store = try Store.open(path: path)
            let session = try store.beginSession(version: "0.1", cwd: "/w", pid: 7, processStart: 99)
            #expect(session.id != nil)
            let cell = try store.recordCell(
                sessionID: try #require(session.id), number: 1, source: "train", output: "ok\n",
                status: .ok, startedAt: Date(), duration: 0.25)
            #expect(cell.id != nil)
            let run = try store.startRun(
                sessionID: try #require(session.id), cellID: cell.id, name: "a", configuration: "{}")
            try store.appendMetric(metric(try #require(run.id), 1))
            try store.close()
        }
        let reopened = try Store.open(path: path)
        let sessions = try reopened.sessions()
        #expect(sessions.count == 1)
        #expect(sessions.first?.pid == 7)
        #expect(sessions.first?.processStart == 99)
        #expect(sessions.first?.storePath == path)
        let runs = try reopened.runs()
        #expect(runs.map(\.name) == ["a"])
        // Left running by pid 7 with another start time: not a live process, so interrupted.
        #expect(runs.first?.status == .interrupted)
        #expect(try reopened.metrics(runID: try #require(runs.first?.id)).count == 1)
        #expect(try reopened.cells(sessionID: try #require(sessions.first?.id)).map(\.output) == ["ok\n"])
        #expect(try reopened.appliedMigrations() == ["v1-sessions-cells-runs", "v2-run-names-per-session",
                                                 "v3-checkpoints-per-run-session-uuid", "v4-run-events-lineage"])
    }

    @Test func walForeignKeysAndApplicationID() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"))
        #expect(try store.journalMode() == "wal")
        #expect(try store.foreignKeysEnabled())
        #expect(try store.applicationID() == 0x524E_4E4C)
    }

    @Test func anEmptyFileBecomesAStore() throws {
        let dir = try TempDir()
        let path = dir.path("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try Store.open(path: path)
        #expect(try store.applicationID() == 0x524E_4E4C)
    }

    @Test func refusesANonSQLiteFile() throws {
        let dir = try TempDir()
        let path = dir.path("notes.txt")
        try Data("epoch,loss\n1,0.5\n".utf8).write(to: URL(fileURLWithPath: path))
        let before = try fileHash(path)
        #expect(throws: StoreError.notSQLite(path: path)) { try Store.open(path: path) }
        #expect(try fileHash(path) == before)
    }

    @Test func refusesAFileWithAnSQLiteHeaderButGarbageAfter() throws {
        let dir = try TempDir()
        let path = dir.path("fake.sqlite")
        var bytes = Data("SQLite format 3\u{0}".utf8)
        bytes.append(Data(repeating: 0xAB, count: 4080))
        try bytes.write(to: URL(fileURLWithPath: path))
        let before = try fileHash(path)
        #expect(throws: StoreError.self) { try Store.open(path: path) }
        #expect(try fileHash(path) == before)
    }

    @Test func refusesAnotherApplicationsDatabase() throws {
        let dir = try TempDir()
        let path = dir.path("other.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: "PRAGMA application_id = 1234")
                try db.execute(sql: "CREATE TABLE t (x INTEGER)")
            }
            try queue.close()
        }
        let before = try fileHash(path)
        #expect(throws: StoreError.otherApplication(path: path, applicationID: 1234)) {
            try Store.open(path: path)
        }
        #expect(try fileHash(path) == before)
    }

    @Test func refusesAnUnmarkedDatabaseWithTables() throws {
        let dir = try TempDir()
        let path = dir.path("plain.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE t (x INTEGER)") }
            try queue.close()
        }
        let before = try fileHash(path)
        #expect(throws: StoreError.otherApplication(path: path, applicationID: 0)) {
            try Store.open(path: path)
        }
        #expect(try fileHash(path) == before)
    }

    @Test func refusesANewerSchema() throws {
        let dir = try TempDir()
        let original = dir.path("s.sqlite")
        let newer = dir.path("newer.sqlite")
        try Store.open(path: original).close()
        try FileManager.default.copyItem(atPath: original, toPath: newer)
        do {
            let queue = try DatabaseQueue(path: newer)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
            try queue.close()
        }
        let before = try fileHash(newer)
        #expect(throws: StoreError.newerSchema(path: newer, unknownMigrations: ["v99-from-the-future"])) {
            try Store.open(path: newer)
        }
        #expect(try fileHash(newer) == before)
    }

    @Test func refusesADirectory() throws {
        let dir = try TempDir()
        #expect(throws: StoreError.unreadable(path: dir.url.path, reason: "it is a directory")) {
            try Store.open(path: dir.url.path)
        }
    }

    @Test func errorMessagesNameTheFile() {
        let errors: [StoreError] = [
            .notSQLite(path: "/x/s.sqlite"),
            .otherApplication(path: "/x/s.sqlite", applicationID: 5),
            .newerSchema(path: "/x/s.sqlite", unknownMigrations: ["v9"]),
            .unreadable(path: "/x/s.sqlite", reason: "r"),
            .corruptCheckpoint(path: "/x/s.sqlite", name: "c"),
            .checkpointNotFound(path: "/x/s.sqlite", name: "c"),
            .constraintViolated(path: "/x/s.sqlite", reason: "r"),
            .databaseFailed(path: "/x/s.sqlite", reason: "r"),
        ]
        for error in errors { #expect(error.description.contains("/x/s.sqlite")) }
    }
}

@Suite struct StoreDataTests {
    @Test func metricsAppendAndReadBack() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let runID = try #require(run.id)
        for epoch in 1...5 { try store.appendMetric(metric(runID, epoch, loss: 1.0 / Double(epoch))) }
        var withVal = metric(runID, 6)
        withVal.valLoss = 0.3
        try store.appendMetric(withVal)
        let read = try store.metrics(runID: runID)
        #expect(read.map(\.epoch) == [1, 2, 3, 4, 5, 6])
        #expect(read[1].loss == 0.5)
        #expect(read[0].valLoss == nil)
        #expect(read[5] == withVal)
    }

    @Test func checkpointRoundTripsAndReplacesByName() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let runID = try #require(run.id)
        let state = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let saved = try store.saveCheckpoint(
            name: "r1@best", runID: runID, epoch: 3, modelSpec: "lstm 8", dataSpec: "sine",
            state: state, formatVersion: 1)
        #expect(saved.checksum.hasPrefix("fnv1a64:"))
        let loaded = try store.loadCheckpoint(name: "r1@best")
        #expect(loaded.state == state)
        #expect(loaded.record.epoch == 3)
        _ = try store.saveCheckpoint(
            name: "r1@best", runID: runID, epoch: 5, modelSpec: "lstm 8", dataSpec: "sine",
            state: Data([1, 2, 3]), formatVersion: 1)
        #expect(try store.checkpointNames() == ["r1@best"])
        #expect(try store.loadCheckpoint(name: "r1@best").record.epoch == 5)
        #expect(throws: StoreError.checkpointNotFound(path: store.path, name: "nope")) {
            try store.loadCheckpoint(name: "nope")
        }
    }

    @Test func aCorruptedCheckpointIsRefused() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        _ = try store.saveCheckpoint(
            name: "c", runID: try #require(run.id), epoch: 1, modelSpec: "m", dataSpec: "d",
            state: Data(repeating: 7, count: 4096), formatVersion: 1)
        try store.pool.write { db in
            // Flip the first byte of the blob: 0x07 becomes 0x06.
            try db.execute(sql: "UPDATE checkpoint SET state = X'06' || substr(state, 2) WHERE name = 'c'")
        }
        #expect(throws: StoreError.corruptCheckpoint(path: store.path, name: "c")) {
            try store.loadCheckpoint(name: "c")
        }
    }

    @Test func checksumIsFNV1a64() {
        // Published FNV-1a 64 test vectors.
        #expect(Checksum.fnv1a64(Data()) == 0xcbf2_9ce4_8422_2325)
        #expect(Checksum.fnv1a64(Data("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(Checksum.of(Data("foobar".utf8)) == "fnv1a64:85944171f73967e8")
    }

    @Test func constraintsBite() throws {
        let dir = try TempDir()
        let (store, session, run) = try storeWithRun(dir)
        let sessionID = try #require(session.id)
        let runID = try #require(run.id)
        func isConstraint(_ body: () throws -> Void) -> Bool {
            do { try body() } catch { if case .constraintViolated = error as? StoreError { return true } }
            return false
        }
        // A metric for a missing run.
        #expect(isConstraint { try store.appendMetric(metric(runID + 100, 1)) })
        // The same epoch twice.
        try store.appendMetric(metric(runID, 1))
        #expect(isConstraint { try store.appendMetric(metric(runID, 1)) })
        // A run name used twice is refused before the insert; a run for a missing session and
        // configuration that is not JSON are refused by the schema.
        #expect(throws: StoreError.runExists(path: store.path, name: "r1")) {
            _ = try store.startRun(sessionID: sessionID, cellID: nil, name: "r1", configuration: "{}")
        }
        #expect(isConstraint { _ = try store.startRun(sessionID: 999, cellID: nil, name: "r2", configuration: "{}") })
        #expect(isConstraint { _ = try store.startRun(sessionID: sessionID, cellID: nil, name: "r3", configuration: "{oops") })
        // A status outside the CHECK list, written raw.
        #expect(isConstraint {
            try store.perform {
                try store.pool.write { db in
                    try db.execute(sql: "UPDATE run SET status = 'paused' WHERE id = ?", arguments: [runID])
                }
            }
        })
        #expect(isConstraint {
            try store.perform {
                try store.pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO cell (session_id, number, source, output, status, started_at, duration)
                        VALUES (?, 1, '', '', 'maybe', '2026-01-01', 0)
                        """, arguments: [sessionID])
                }
            }
        })
        // Nothing of the refused writes is left.
        #expect(try store.runs().map(\.name) == ["r1"])
        #expect(try store.metrics(runID: runID).count == 1)
        #expect(try store.runs().first?.status == .running)
    }
}

@Suite struct ProcessIdentityTests {
    @Test func thisProcessIsAliveAndAnotherStartTimeIsNot() throws {
        let me = ProcessIdentity.current()
        #expect(me.pid == Int64(getpid()))
        #expect(me.isAlive)
        #if os(Linux)
        #expect(me.processStart > 0)
        #expect(!ProcessIdentity(pid: me.pid, processStart: me.processStart + 1).isAlive)
        #endif
        // pid_max on Linux is at most 2^22, so this pid does not exist.
        #expect(!ProcessIdentity(pid: 99_999_999, processStart: 1).isAlive)
    }

    @Test func aSessionRecordsThisProcess() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"))
        let session = try store.beginSession(version: "t", cwd: "/")
        let me = ProcessIdentity.current()
        #expect(session.pid == me.pid && session.processStart == me.processStart)
    }
}
