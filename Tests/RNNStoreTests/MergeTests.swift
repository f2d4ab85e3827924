import Foundation
import GRDB
import Testing
@testable import RNNStore

/// A store as a finished trial leaves it: one ended session, a cell with an attachment, a run
/// `x` with metrics, an event, lineage from a second run, checkpoints `x@2`/`x@best`, kept CSV.
private func trialStore(_ path: String, pid: Int64, loss: Double) throws {
    let store = try Store.open(path: path)
    defer { try? store.close() }
    let session = try store.beginSession(version: "test", cwd: "/trial", pid: pid, processStart: 1,
                                         startedAt: Date(timeIntervalSince1970: 1_000_000 + Double(pid)))
    let cell = try store.openCell(sessionID: session.id!, number: 1, source: "train epochs=2 name=\"x\"")
    try store.finishCell(id: cell.id!, output: "done", status: .ok, duration: 1,
                         attachments: [(.svg, Data("<svg/>".utf8))])
    let parent = try store.startRun(sessionID: session.id!, cellID: cell.id, name: "x", configuration: #"{"seed":"7"}"#)
    for epoch in 1...2 { try store.appendMetric(metric(parent.id!, epoch, loss: loss / Double(epoch))) }
    try store.recordRunEvent(RunEventRecord(runID: parent.id!, epoch: 2, setting: "clip", oldValue: "off", newValue: "norm 1.0"))
    try store.endRun(id: parent.id!, status: .finished)
    _ = try store.saveCheckpoints([
        NewCheckpoint(name: "x@2", runID: parent.id!, epoch: 2, modelSpec: "m", dataSpec: "d", state: Data([1, 2, UInt8(pid % 256)]),
                      formatVersion: 1),
        NewCheckpoint(name: "x@best", runID: parent.id!, epoch: 2, modelSpec: "m", dataSpec: "d", state: Data([3, UInt8(pid % 256)]),
                      formatVersion: 1),
    ])
    let child = try store.startRun(sessionID: session.id!, cellID: nil, name: "y", configuration: "{}")
    try store.setLineage(RunLineageRecord(runID: child.id!, parentRunID: parent.id!, parentEpoch: 2, source: "x@2"))
    try store.endRun(id: child.id!, status: .interrupted)
    try store.keepCSV(hash: "h\(pid)", bytes: Data("a,b\n".utf8))
    try store.endSession(id: session.id!)
}

/// Every row of every table but ids, in a fixed order: what two stores must agree on.
private func content(_ path: String) throws -> [String] {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { db in
        var rows: [String] = []
        rows += try Row.fetchAll(db, sql: "SELECT started_at, pid, cwd FROM session ORDER BY started_at").map(\.description)
        rows += try Row.fetchAll(db, sql: "SELECT c.number, c.source, c.output, a.kind, a.payload FROM cell c LEFT JOIN attachment a ON a.cell_id = c.id ORDER BY c.source").map(\.description)
        rows += try Row.fetchAll(db, sql: "SELECT s.pid, r.name, r.status, r.configuration FROM run r JOIN session s ON s.id = r.session_id ORDER BY s.pid, r.name").map(\.description)
        rows += try Row.fetchAll(db, sql: "SELECT s.pid, r.name, m.epoch, m.loss FROM metric m JOIN run r ON r.id = m.run_id JOIN session s ON s.id = r.session_id ORDER BY s.pid, r.name, m.epoch").map(\.description)
        rows += try Row.fetchAll(db, sql: "SELECT r.name, e.setting, e.new_value FROM run_event e JOIN run r ON r.id = e.run_id ORDER BY r.session_id").map(\.description)
        rows += try Row.fetchAll(db, sql: "SELECT r.name, p.name AS parent, l.source FROM run_lineage l JOIN run r ON r.id = l.run_id JOIN run p ON p.id = l.parent_run_id ORDER BY r.session_id").map(\.description)
        rows += try Row.fetchAll(db, sql: "SELECT c.name, r.name AS run, c.state, c.checksum FROM checkpoint c JOIN run r ON r.id = c.run_id ORDER BY c.name").map(\.description)
        rows += try Row.fetchAll(db, sql: "SELECT hash, bytes FROM csv_data ORDER BY hash").map(\.description)
        return rows
    }
}

@Suite struct MergeTests {
    @Test func copiesEverythingAndRemapsIDs() throws {
        let dir = try TempDir()
        try trialStore(dir.path("a.sqlite"), pid: 11, loss: 0.4)
        // The destination has rows of its own first, so copied ids cannot coincide by luck.
        let into = try Store.open(path: dir.path("into.sqlite"))
        let own = try into.beginSession(version: "test", cwd: "/here", pid: 5, processStart: 1)
        _ = try into.startRun(sessionID: own.id!, cellID: nil, name: "mine", configuration: "{}")
        let summary = try into.merge(from: dir.path("a.sqlite"))
        #expect(summary.sessions == 1 && summary.runs == 2 && summary.checkpoints == 2 && summary.cells == 1)
        let runs = try into.runs()
        let x = try #require(runs.first { $0.name == "x" }), y = try #require(runs.first { $0.name == "y" })
        #expect(x.sessionID != own.id && x.id != 1)
        #expect(try into.metrics(runID: x.id!).map(\.loss) == [0.4, 0.2])
        #expect(try into.runEvents(runID: x.id!).map(\.newValue) == ["norm 1.0"])
        #expect(try into.lineages()[y.id!]?.parentRunID == x.id)
        #expect(try into.loadCheckpoint(name: "x@best").record.runID == x.id)
        let cell = try #require(try into.cells(sessionID: x.sessionID).first)
        #expect(x.cellID == cell.id)
        #expect(try into.attachments(cellID: cell.id!).map(\.payload) == [Data("<svg/>".utf8)])
        #expect(try into.csvBytes(hash: "h11") == Data("a,b\n".utf8))
        try into.close()
    }

    @Test func mergingTwiceEqualsMergingOnce() throws {
        let dir = try TempDir()
        try trialStore(dir.path("a.sqlite"), pid: 11, loss: 0.4)
        try trialStore(dir.path("b.sqlite"), pid: 12, loss: 0.3)
        let once = try Store.open(path: dir.path("once.sqlite")), twice = try Store.open(path: dir.path("twice.sqlite"))
        _ = try once.merge(from: dir.path("a.sqlite"))
        _ = try once.merge(from: dir.path("b.sqlite"))
        _ = try twice.merge(from: dir.path("a.sqlite"))
        _ = try twice.merge(from: dir.path("b.sqlite"))
        let again = try twice.merge(from: dir.path("a.sqlite"))
        #expect(again.sessions == 0 && again.runs == 0 && again.sessionsAlreadyPresent == 1)
        _ = try twice.merge(from: dir.path("b.sqlite"))
        try once.close()
        try twice.close()
        #expect(try content(dir.path("once.sqlite")) == content(dir.path("twice.sqlite")))
        #expect(try content(dir.path("once.sqlite")).count > 10)
    }

    @Test func sameRunNamesKeepBothRunsAndBothCheckpointSets() throws {
        let dir = try TempDir()
        try trialStore(dir.path("a.sqlite"), pid: 11, loss: 0.4)
        try trialStore(dir.path("b.sqlite"), pid: 12, loss: 0.3)
        let into = try Store.open(path: dir.path("into.sqlite"))
        _ = try into.merge(from: dir.path("a.sqlite"))
        let second = try into.merge(from: dir.path("b.sqlite"))
        let xs = try into.runs().filter { $0.name == "x" }
        #expect(xs.count == 2)
        #expect(Set(try xs.map { try into.metrics(runID: $0.id!).first!.loss }) == [0.4, 0.3])
        let names = try into.checkpointNames()
        #expect(names.count == 4)
        #expect(second.renamedCheckpoints.map(\.from) == ["x@2", "x@best"])
        // The first store's checkpoints keep their names and states; the second's are under theirs.
        #expect(try into.loadCheckpoint(name: "x@best").state == Data([3, 11]))
        let renamed = try #require(second.renamedCheckpoints.first { $0.from == "x@best" }?.to)
        #expect(try into.loadCheckpoint(name: renamed).state == Data([3, 12]))
        #expect(try into.loadCheckpoint(name: renamed).record.runID == xs.last!.id)
        try into.close()
    }

    @Test func junkAndNewerStoresAreRefusedUntouched() throws {
        let dir = try TempDir()
        try trialStore(dir.path("a.sqlite"), pid: 11, loss: 0.4)
        let junk = dir.path("junk.sqlite")
        try Data("not a database at all, but long enough to have a header of a hundred bytes............................".utf8)
            .write(to: URL(fileURLWithPath: junk))
        let newer = dir.path("newer.sqlite")
        try FileManager.default.copyItem(atPath: dir.path("a.sqlite"), toPath: newer)
        let queue = try DatabaseQueue(path: newer)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        let other = dir.path("other.sqlite")
        let otherQueue = try DatabaseQueue(path: other)
        try otherQueue.write { db in try db.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
        try otherQueue.close()
        let into = try Store.open(path: dir.path("into.sqlite"))
        for path in [junk, newer, other] {
            let before = try fileHash(path)
            #expect(throws: StoreError.self) { try into.merge(from: path) }
            #expect(try fileHash(path) == before)
        }
        #expect(try into.sessions().isEmpty && into.runs().isEmpty)
        #expect(throws: StoreError.self) { try into.merge(from: dir.path("into.sqlite")) }
        try into.close()
    }
}
