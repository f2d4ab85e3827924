import Foundation
import GRDB
import Testing
@testable import RNNStore

func bytes(_ count: Int, seed: Int = 1) -> Data {
    Data((0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7 &+ seed) })
}

@Suite struct CheckpointPartTests {
    /// A state longer than SQLite takes in one value (its limit lowered to 100,000 bytes here)
    /// is stored in parts below the limit and read back whole; before, binding it trapped in GRDB.
    @Test func aStateAboveTheLengthLimitIsStoredInParts() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"), options: StoreOptions(lengthLimit: 100_000))
        #expect(store.maxValueBytes == 100_000 && store.checkpointPartBytes == 50_000)
        let session = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let run = try #require(try store.startRun(sessionID: session, cellID: nil, name: "big", configuration: "{}").id)
        let state = bytes(250_000)
        try store.saveAutomaticCheckpoints([NewCheckpoint(name: "big@1", runID: run, epoch: 1, modelSpec: "m", dataSpec: "d",
                                                          state: state, formatVersion: 2)])
        let info = try #require(try store.checkpoint(.parse("big@1")))
        #expect(info.parts == 5 && info.bytes == 250_000)
        #expect(try store.loadCheckpoint(.parse("big@1")).state == state)
        #expect(try store.pool.read { db in try Int.fetchAll(db, sql: "SELECT length(bytes) FROM checkpoint_part ORDER BY part") }
                == [50_000, 50_000, 50_000, 50_000])
        // Rewritten smaller: the old parts go.
        try store.saveAutomaticCheckpoints([NewCheckpoint(name: "big@1", runID: run, epoch: 1, modelSpec: "m", dataSpec: "d",
                                                          state: bytes(100), formatVersion: 2)])
        #expect(try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM checkpoint_part") } == 0)
        #expect(try store.loadCheckpoint(.parse("big@1")).state == bytes(100))
        // A text above the limit is refused before it is bound, and nothing is written.
        #expect(throws: StoreError.valueTooLarge(path: store.path, what: "cell 1's source and output", bytes: 125_001, limit: 100_000)) {
            _ = try store.recordCell(sessionID: session, number: 1, source: "x", output: String(repeating: "y", count: 125_000),
                                     status: .ok, startedAt: Date(), duration: 0)
        }
        #expect(try store.cells(sessionID: session).isEmpty)
    }

    @Test func aDamagedOrMissingPartIsACorruptCheckpoint() throws {
        let dir = try TempDir()
        let store = try Store.open(path: dir.path("s.sqlite"), options: StoreOptions(checkpointPartBytes: 1000))
        let session = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let run = try #require(try store.startRun(sessionID: session, cellID: nil, name: "r", configuration: "{}").id)
        try store.saveNamedCheckpoint(NewCheckpoint(name: "n", runID: run, epoch: 0, modelSpec: "m", dataSpec: "d",
                                                    state: bytes(3500), formatVersion: 2), force: false)
        #expect(try store.checkpoint(.named("n"))?.parts == 4)
        try store.pool.write { db in try db.execute(sql: "UPDATE checkpoint_part SET bytes = X'00' || substr(bytes, 2) WHERE part = 2") }
        #expect(throws: StoreError.corruptCheckpoint(path: store.path, name: "n")) { try store.loadCheckpoint(.named("n")) }
        try store.pool.write { db in try db.execute(sql: "DELETE FROM checkpoint_part WHERE part = 3") }
        #expect(throws: StoreError.corruptCheckpoint(path: store.path, name: "n")) { try store.loadCheckpoint(.named("n")) }
    }

    /// A garbage `created_at` (a crafted store) is a blank in the list, not a trap.
    @Test func aGarbageCreationTimeDoesNotBreakTheList() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let id = try #require(run.id)
        try store.saveAutomaticCheckpoints([NewCheckpoint(name: "r1@1", runID: id, epoch: 1, modelSpec: "m", dataSpec: "d",
                                                          state: Data([1]), formatVersion: 2)])
        try store.pool.write { db in try db.execute(sql: "UPDATE checkpoint SET created_at = 'yesterday-ish', epoch = 1") }
        let list = try store.checkpoints()
        #expect(list.count == 1 && list[0].createdAt == nil)
        #expect(try store.loadCheckpoint(name: "r1@1").state == Data([1]))
        try store.pool.write { db in try db.execute(sql: "UPDATE checkpoint SET created_at = x'00ff'") }
        #expect(try store.checkpoints().first?.createdAt == nil)
    }
}

@Suite struct RollingCheckpointTests {
    /// Each epoch's metrics and the run's `RUN@latest` are one transaction: after every epoch
    /// the latest holds that epoch, and a failed write leaves neither.
    @Test func anEpochAndItsLatestAreWrittenTogether() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let id = try #require(run.id)
        for epoch in 1...3 {
            let latest = NewCheckpoint(name: "r1@latest", runID: id, epoch: epoch, modelSpec: "m", dataSpec: "d",
                                       state: bytes(5000, seed: epoch), formatVersion: 2)
            try store.recordEpoch(metric(id, epoch), checkpoints: [latest])
            #expect(try store.loadCheckpoint(.parse("r1@latest")).info.epoch == epoch)
        }
        #expect(try store.checkpoints().map(\.name) == ["r1@latest"])
        #expect(try store.loadCheckpoint(.parse("r1@latest")).state == bytes(5000, seed: 3))
        // The same epoch again breaks the metric's key: the latest is not moved either.
        let again = NewCheckpoint(name: "r1@latest", runID: id, epoch: 9, modelSpec: "m", dataSpec: "d", state: Data([9]),
                                  formatVersion: 2)
        #expect(throws: StoreError.self) { try store.recordEpoch(metric(id, 3), checkpoints: [again]) }
        #expect(try store.loadCheckpoint(.parse("r1@latest")).info.epoch == 3)
        #expect(try store.metrics(runID: id).map(\.epoch) == [1, 2, 3])
        // A checkpoint of another run is refused outright.
        let foreign = NewCheckpoint(name: "r1@latest", runID: id + 1, epoch: 4, modelSpec: "m", dataSpec: "d", state: Data(),
                                    formatVersion: 2)
        #expect(throws: StoreError.self) { try store.recordEpoch(metric(id, 4), checkpoints: [foreign]) }
        #expect(try store.metrics(runID: id).count == 3)
    }
}

@Suite struct DamagedRowTests {
    /// A crafted run row (a time that is not a time) is an error from the listing, never a trap.
    @Test func aGarbageRunTimeIsAnErrorNotATrap() throws {
        let dir = try TempDir()
        let (store, _, _) = try storeWithRun(dir)
        try store.pool.write { db in try db.execute(sql: "UPDATE run SET started_at = 'not a time'") }
        #expect(throws: StoreError.self) { try store.storedRuns() }
        #expect(throws: StoreError.self) { try store.runs() }
    }
}

@Suite struct WALCheckpointerTests {
    /// With the writer's own checkpoints off, the background checkpointer keeps the WAL bounded:
    /// 40 rolling checkpoints of 1 MB would leave a 40 MB WAL without it.
    @Test func theWALStaysBoundedUnderRollingCheckpoints() throws {
        let dir = try TempDir()
        let (store, _, run) = try storeWithRun(dir)
        let id = try #require(run.id)
        let state = bytes(1 << 20)
        var largest: Int64 = 0
        for epoch in 1...40 {
            try store.recordEpoch(metric(id, epoch), checkpoints: [
                NewCheckpoint(name: "r1@latest", runID: id, epoch: epoch, modelSpec: "m", dataSpec: "d", state: state, formatVersion: 2),
            ])
            Thread.sleep(forTimeInterval: 0.02)
            let size = (try FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int64) ?? 0
            largest = max(largest, size)
        }
        #expect(largest < 16 << 20, "the WAL reached \(largest) bytes")
        try store.close()
        #expect(try Store.open(path: store.path).loadCheckpoint(.parse("r1@latest")).state == state)
    }
}
