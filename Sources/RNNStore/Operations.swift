import Foundation
import GRDB

// The plain-value operations later sessions build on. Each write is one IMMEDIATE
// transaction, committed before the call returns (and retried while the store is busy).

extension Store {
    // MARK: Sessions

    public func beginSession(
        version: String, cwd: String, pid: Int64, processStart: Int64, startedAt: Date = Date()
    ) throws(StoreError) -> SessionRecord {
        var record = SessionRecord(
            id: nil, uuid: UUID().uuidString, startedAt: startedAt, endedAt: nil, version: version, storePath: path,
            cwd: cwd, pid: pid, processStart: processStart)
        try checkLength(cwd.utf8.count, "the working folder's path")
        try write { db in try record.insert(db) }
        return record
    }

    public func endSession(id: Int64, endedAt: Date = Date()) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE session SET ended_at = ? WHERE id = ?", arguments: [endedAt, id])
        }
    }

    /// Begins a session for this process (`ProcessIdentity.current()`).
    public func beginSession(version: String, cwd: String) throws(StoreError) -> SessionRecord {
        let me = ProcessIdentity.current()
        return try beginSession(version: version, cwd: cwd, pid: me.pid, processStart: me.processStart)
    }

    public func sessions() throws(StoreError) -> [SessionRecord] {
        try read { db in try SessionRecord.order(Column("id")).fetchAll(db) }
    }

    public func session(id: Int64) throws(StoreError) -> SessionRecord? {
        try read { db in try SessionRecord.fetchOne(db, key: id) }
    }

    // MARK: Cells

    public func recordCell(
        sessionID: Int64, number: Int, source: String, output: String, status: CellStatus,
        startedAt: Date, duration: Double
    ) throws(StoreError) -> CellRecord {
        try checkLength(source.utf8.count + output.utf8.count, "cell \(number)'s source and output")
        var record = CellRecord(
            id: nil, sessionID: sessionID, number: number, source: source, output: output,
            status: status, startedAt: startedAt, duration: duration)
        try write { db in try record.insert(db) }
        return record
    }

    /// Records a cell as it starts: status `interrupted` and no output until `finishCell`, so
    /// the cell of a killed process reads as interrupted, and a run can name its cell at once.
    public func openCell(sessionID: Int64, number: Int, source: String, startedAt: Date = Date()) throws(StoreError) -> CellRecord {
        try recordCell(sessionID: sessionID, number: number, source: source, output: "", status: .interrupted,
                       startedAt: startedAt, duration: 0)
    }

    /// A cell's output, status and duration, with its attachments, in one transaction.
    public func finishCell(id: Int64, output: String, status: CellStatus, duration: Double,
                           attachments: [(kind: AttachmentKind, payload: Data)] = []) throws(StoreError) {
        let source = try read { db in try String.fetchOne(db, sql: "SELECT source FROM cell WHERE id = ?", arguments: [id]) }
        try checkLength((source?.utf8.count ?? 0) + output.utf8.count, "the cell's source and output")
        for attachment in attachments { try checkLength(attachment.payload.count, "the cell's \(attachment.kind.rawValue) attachment") }
        try write { db in
            try db.execute(sql: "UPDATE cell SET output = ?, status = ?, duration = ? WHERE id = ?",
                           arguments: [output, status.rawValue, max(0, duration), id])
            for attachment in attachments {
                var record = AttachmentRecord(cellID: id, kind: attachment.kind, payload: attachment.payload)
                try record.insert(db)
            }
        }
    }

    public func attachments(cellID: Int64) throws(StoreError) -> [AttachmentRecord] {
        try read { db in try AttachmentRecord.filter(Column("cell_id") == cellID).order(Column("id")).fetchAll(db) }
    }

    /// The sources of the latest `limit` cells of every session, oldest first (readline history).
    public func recentSources(limit: Int) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT source FROM cell ORDER BY id DESC LIMIT ?", arguments: [limit])
        }.reversed()
    }

    public func cells(sessionID: Int64) throws(StoreError) -> [CellRecord] {
        try read { db in try CellRecord.filter(Column("session_id") == sessionID).order(Column("number")).fetchAll(db) }
    }

    // MARK: Runs and metrics

    /// Starts a run in status `running`. `configuration` must be JSON text. Without a name the
    /// run is called `run-N`, N the number of runs in the store plus one (or the next free one),
    /// chosen inside the write transaction so two processes never pick the same one. A name may
    /// not start as a session-qualified one does (`s1/x`).
    public func startRun(
        sessionID: Int64, cellID: Int64?, name: String?, configuration: String, startedAt: Date = Date()
    ) throws(StoreError) -> RunRecord {
        if let name {
            if RunReference.parse(name)?.session != nil {
                throw .invalidName(path: path, name: name,
                                   reason: "s<N>/ names session N's run (s1/x); choose a name that does not start so")
            }
            try checkLength(name.utf8.count, "the run name")
        }
        try checkLength(configuration.utf8.count, "the run's configuration")
        return try write { db in
            let chosen: String
            if let name {
                if try RunRecord.filter(Column("session_id") == sessionID && Column("name") == name).fetchCount(db) > 0 {
                    throw StoreError.runExists(path: path, name: name)
                }
                chosen = name
            } else {
                let taken = Set(try String.fetchAll(db, sql: "SELECT name FROM run WHERE name LIKE 'run-%'"))
                // Unnamed runs get a name no session has used, so it stays unambiguous.
                var n = try RunRecord.fetchCount(db) + 1
                while taken.contains("run-\(n)") { n += 1 }
                chosen = "run-\(n)"
            }
            var record = RunRecord(
                id: nil, sessionID: sessionID, cellID: cellID, name: chosen, configuration: configuration,
                status: .running, startedAt: startedAt, endedAt: nil)
            try record.insert(db)
            return record
        }
    }

    /// Marks a run `running` again to continue it from `epoch` (after a resume): metrics of
    /// later epochs, left by a branch that was abandoned, go in the same transaction.
    public func continueRun(id: Int64, fromEpoch epoch: Int) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM metric WHERE run_id = ? AND epoch > ?", arguments: [id, epoch])
            try db.execute(sql: "UPDATE run SET status = 'running', ended_at = NULL WHERE id = ?", arguments: [id])
        }
    }

    /// Deletes a run with its metrics and checkpoints.
    public func deleteRun(id: Int64) throws(StoreError) {
        try write { db in _ = try RunRecord.deleteOne(db, key: id) }
    }

    /// The run a name reaches (`RunReference.parse`: `x` the latest run named x, `s1/x` session
    /// 1's), its status as `runs()` shows it.
    public func run(named name: String) throws(StoreError) -> RunRecord? {
        guard let reference = RunReference.parse(name) else { return nil }
        return try run(reference)
    }

    public func endRun(id: Int64, status: RunStatus, endedAt: Date = Date()) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE run SET status = ?, ended_at = ? WHERE id = ?",
                arguments: [status.rawValue, endedAt, id])
        }
    }

    /// Every run of every session. A run left `running` by a process that no longer exists
    /// reads as `interrupted` (a live process's run, in this or another process, stays `running`).
    public func runs() throws(StoreError) -> [RunRecord] {
        let (runs, sessions) = try read { db in
            (try RunRecord.order(Column("id")).fetchAll(db), try SessionRecord.fetchAll(db))
        }
        let alive = Self.liveSessions(sessions)
        return runs.map { Self.shown($0, alive: alive) }
    }

    /// Which sessions' processes still run.
    static func liveSessions(_ sessions: [SessionRecord]) -> [Int64: Bool] {
        Dictionary(uniqueKeysWithValues: sessions.map {
            ($0.id!, $0.endedAt == nil && ProcessIdentity(pid: $0.pid, processStart: $0.processStart).isAlive)
        })
    }

    /// A run's status as shown: `running` only while its session's process runs.
    static func shown(_ run: RunRecord, alive: [Int64: Bool]) -> RunRecord {
        var run = run
        if run.status == .running && alive[run.sessionID] != true { run.status = .interrupted }
        return run
    }

    /// Appends one epoch's metrics in its own transaction, so a killed process loses
    /// at most the epoch in progress.
    public func appendMetric(_ metric: MetricRecord) throws(StoreError) {
        try write { db in try metric.insert(db) }
    }

    /// One run's metrics by epoch (by its primary key: no other run's rows are read).
    public func metrics(runID: Int64) throws(StoreError) -> [MetricRecord] {
        try read { db in try MetricRecord.filter(Column("run_id") == runID).order(Column("epoch")).fetchAll(db) }
    }

    // MARK: CSV data

    /// Keeps a CSV file's bytes under their content hash (once, however many runs use them).
    public func keepCSV(hash: String, bytes: Data) throws(StoreError) {
        try checkLength(bytes.count, "the CSV file")
        try write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO csv_data (hash, bytes) VALUES (?, ?)", arguments: [hash, bytes])
        }
    }

    public func csvBytes(hash: String) throws(StoreError) -> Data? {
        try read { db in try Data.fetchOne(db, sql: "SELECT bytes FROM csv_data WHERE hash = ?", arguments: [hash]) }
    }

    // MARK: Sessions, summarised

    /// Every session with its cell and run counts and whether its process still runs.
    public func sessionSummaries() throws(StoreError) -> [SessionSummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.*, (SELECT count(*) FROM cell WHERE session_id = s.id) AS cells,
                       (SELECT count(*) FROM run WHERE session_id = s.id) AS runs
                FROM session s ORDER BY s.id
                """).map { row in
                let session = try SessionRecord(row: row)
                let alive = session.endedAt == nil
                    && ProcessIdentity(pid: session.pid, processStart: session.processStart).isAlive
                return SessionSummary(session: session, cells: try row.decode(Int.self, forColumn: "cells"),
                                      runs: try row.decode(Int.self, forColumn: "runs"), isAlive: alive)
            }
        }
    }
}

/// A session as `sessions` shows it.
public struct SessionSummary: Sendable, Equatable {
    public var session: SessionRecord
    public var cells: Int
    public var runs: Int
    /// Its process still runs (this one, or another rnnlab on the same store).
    public var isAlive: Bool
}
