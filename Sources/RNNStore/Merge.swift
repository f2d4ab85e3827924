import Foundation
import GRDB

/// What one `Store.merge(from:)` added.
public struct MergeSummary: Sendable, Equatable {
    public var sessions = 0
    /// Sessions the destination already held (merged before): nothing of theirs was added.
    public var sessionsAlreadyPresent = 0
    public var cells = 0
    public var runs = 0
    public var checkpoints = 0
    /// Checkpoints whose name another run already had here, kept under a session-qualified name.
    public var renamedCheckpoints: [(from: String, to: String)] = []

    public static func == (a: MergeSummary, b: MergeSummary) -> Bool {
        a.sessions == b.sessions && a.sessionsAlreadyPresent == b.sessionsAlreadyPresent && a.cells == b.cells
            && a.runs == b.runs && a.checkpoints == b.checkpoints
            && a.renamedCheckpoints.map(\.from) == b.renamedCheckpoints.map(\.from)
            && a.renamedCheckpoints.map(\.to) == b.renamedCheckpoints.map(\.to)
    }
}

extension Store {
    /// Copies every session of the store at `path` into this one (`rnnlab merge`, a sweep's
    /// trials): cells with their attachments, runs with their metrics, events and lineage,
    /// checkpoints, kept CSV data, every row id remapped. A session this store already holds
    /// (same identity) adds nothing, so merging twice equals merging once. Run names are per
    /// session and so never collide; a checkpoint name another run holds here is kept as
    /// `sN/NAME` (N this store's session id). The source goes through `Store.open`'s checks:
    /// a file not ours, or of a newer schema, is refused untouched. All of it is one
    /// transaction: on failure nothing was added.
    public func merge(from path: String) throws(StoreError) -> MergeSummary {
        let sameFile = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
            == URL(fileURLWithPath: self.path).standardizedFileURL.resolvingSymlinksInPath()
        if sameFile { throw .databaseFailed(path: path, reason: "a store cannot be merged into itself") }
        guard FileManager.default.fileExists(atPath: path) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        let source = try Store.open(path: path)
        defer { try? source.close() }
        let content = try source.perform { try source.pool.read { db in try MergeContent(db) } }
        return try perform { try pool.write { db in try content.insert(into: db) } }
    }
}

/// Who a session is across stores. Behind this one function so it can become the session's
/// unique id column once the schema has one.
func mergeIdentity(_ session: SessionRecord) -> String {
    "\(session.startedAt.timeIntervalSince1970)|\(session.pid)|\(session.processStart)|\(session.cwd)"
}

/// A checkpoint's name in the destination when another run already holds `name` there.
func qualifiedCheckpointName(_ name: String, session: Int64) -> String {
    "s\(session)/\(name)"
}

/// Everything a store holds, read in one transaction.
private struct MergeContent {
    var sessions: [SessionRecord]
    var cells: [CellRecord]
    var attachments: [AttachmentRecord]
    var runs: [RunRecord]
    var metrics: [MetricRecord]
    var events: [RunEventRecord]
    var lineages: [RunLineageRecord]
    var checkpoints: [CheckpointRecord]
    var csv: [CSVDataRecord]

    init(_ db: Database) throws {
        sessions = try SessionRecord.order(Column("id")).fetchAll(db)
        cells = try CellRecord.order(Column("id")).fetchAll(db)
        attachments = try AttachmentRecord.order(Column("id")).fetchAll(db)
        runs = try RunRecord.order(Column("id")).fetchAll(db)
        metrics = try MetricRecord.order(Column("run_id"), Column("epoch")).fetchAll(db)
        events = try RunEventRecord.order(Column("id")).fetchAll(db)
        lineages = try RunLineageRecord.fetchAll(db)
        checkpoints = try CheckpointRecord.order(Column("id")).fetchAll(db)
        csv = try CSVDataRecord.fetchAll(db)
    }

    func insert(into db: Database) throws -> MergeSummary {
        var summary = MergeSummary()
        let present = Dictionary(try SessionRecord.fetchAll(db).map { (mergeIdentity($0), $0.id!) },
                                 uniquingKeysWith: { first, _ in first })
        var sessionMap: [Int64: Int64] = [:], fresh: Set<Int64> = []
        for session in sessions {
            if let existing = present[mergeIdentity(session)] {
                sessionMap[session.id!] = existing
                summary.sessionsAlreadyPresent += 1
                continue
            }
            var copy = session
            copy.id = nil
            try copy.insert(db)
            sessionMap[session.id!] = copy.id!
            fresh.insert(session.id!)
            summary.sessions += 1
        }
        var cellMap: [Int64: Int64] = [:]
        for cell in cells where fresh.contains(cell.sessionID) {
            var copy = cell
            copy.id = nil
            copy.sessionID = sessionMap[cell.sessionID]!
            try copy.insert(db)
            cellMap[cell.id!] = copy.id!
            summary.cells += 1
        }
        for attachment in attachments {
            guard let cell = cellMap[attachment.cellID] else { continue }
            var copy = attachment
            copy.id = nil
            copy.cellID = cell
            try copy.insert(db)
        }
        // Runs of sessions merged before map to their copies (by session and name), so a new
        // run's lineage can still point at its parent there.
        var runMap: [Int64: Int64] = [:]
        for run in runs {
            guard let session = sessionMap[run.sessionID] else { continue }
            if fresh.contains(run.sessionID) {
                var copy = run
                copy.id = nil
                copy.sessionID = session
                copy.cellID = run.cellID.flatMap { cellMap[$0] }
                try copy.insert(db)
                runMap[run.id!] = copy.id!
                summary.runs += 1
            } else if let id = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE session_id = ? AND name = ?",
                                                  arguments: [session, run.name]) {
                runMap[run.id!] = id
            }
        }
        let copied = Set(runs.filter { fresh.contains($0.sessionID) }.map { $0.id! })
        for metric in metrics where copied.contains(metric.runID) {
            var copy = metric
            copy.runID = runMap[metric.runID]!
            try copy.insert(db)
        }
        for event in events where copied.contains(event.runID) {
            var copy = event
            copy.id = nil
            copy.runID = runMap[event.runID]!
            try copy.insert(db)
        }
        for lineage in lineages where copied.contains(lineage.runID) {
            let copy = RunLineageRecord(runID: runMap[lineage.runID]!, parentRunID: lineage.parentRunID.flatMap { runMap[$0] },
                                        parentEpoch: lineage.parentEpoch, source: lineage.source)
            try copy.insert(db)
        }
        let sessionOfRun = Dictionary(uniqueKeysWithValues: runs.map { ($0.id!, $0.sessionID) })
        for checkpoint in checkpoints where copied.contains(checkpoint.runID) {
            var copy = checkpoint
            copy.id = nil
            copy.runID = runMap[checkpoint.runID]!
            if try CheckpointRecord.filter(Column("name") == checkpoint.name).fetchCount(db) > 0 {
                copy.name = qualifiedCheckpointName(checkpoint.name, session: sessionMap[sessionOfRun[checkpoint.runID]!]!)
                summary.renamedCheckpoints.append((checkpoint.name, copy.name))
            }
            try copy.insert(db)
            summary.checkpoints += 1
        }
        for data in csv {
            try db.execute(sql: "INSERT OR IGNORE INTO csv_data (hash, bytes) VALUES (?, ?)", arguments: [data.hash, data.bytes])
        }
        return summary
    }
}
