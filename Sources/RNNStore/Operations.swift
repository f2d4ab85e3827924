import Foundation
import GRDB

// The plain-value operations later sessions build on. Each write is one IMMEDIATE
// transaction, committed before the call returns.

extension Store {
    // MARK: Sessions

    public func beginSession(
        version: String, cwd: String, pid: Int64, processStart: Int64, startedAt: Date = Date()
    ) throws(StoreError) -> SessionRecord {
        var record = SessionRecord(
            id: nil, startedAt: startedAt, endedAt: nil, version: version, storePath: path,
            cwd: cwd, pid: pid, processStart: processStart)
        try perform { try pool.write { db in try record.insert(db) } }
        return record
    }

    public func endSession(id: Int64, endedAt: Date = Date()) throws(StoreError) {
        try perform {
            try pool.write { db in
                try db.execute(sql: "UPDATE session SET ended_at = ? WHERE id = ?", arguments: [endedAt, id])
            }
        }
    }

    /// Begins a session for this process (`ProcessIdentity.current()`).
    public func beginSession(version: String, cwd: String) throws(StoreError) -> SessionRecord {
        let me = ProcessIdentity.current()
        return try beginSession(version: version, cwd: cwd, pid: me.pid, processStart: me.processStart)
    }

    public func sessions() throws(StoreError) -> [SessionRecord] {
        try perform { try pool.read { db in try SessionRecord.order(Column("id")).fetchAll(db) } }
    }

    // MARK: Cells

    public func recordCell(
        sessionID: Int64, number: Int, source: String, output: String, status: CellStatus,
        startedAt: Date, duration: Double
    ) throws(StoreError) -> CellRecord {
        var record = CellRecord(
            id: nil, sessionID: sessionID, number: number, source: source, output: output,
            status: status, startedAt: startedAt, duration: duration)
        try perform { try pool.write { db in try record.insert(db) } }
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
        try perform {
            try pool.write { db in
                try db.execute(sql: "UPDATE cell SET output = ?, status = ?, duration = ? WHERE id = ?",
                               arguments: [output, status.rawValue, max(0, duration), id])
                for attachment in attachments {
                    var record = AttachmentRecord(cellID: id, kind: attachment.kind, payload: attachment.payload)
                    try record.insert(db)
                }
            }
        }
    }

    public func attachments(cellID: Int64) throws(StoreError) -> [AttachmentRecord] {
        try perform {
            try pool.read { db in
                try AttachmentRecord.filter(Column("cell_id") == cellID).order(Column("id")).fetchAll(db)
            }
        }
    }

    /// The sources of the latest `limit` cells of every session, oldest first (readline history).
    public func recentSources(limit: Int) throws(StoreError) -> [String] {
        try perform {
            try pool.read { db in
                try String.fetchAll(db, sql: "SELECT source FROM cell ORDER BY id DESC LIMIT ?", arguments: [limit])
            }.reversed()
        }
    }

    public func cells(sessionID: Int64) throws(StoreError) -> [CellRecord] {
        try perform {
            try pool.read { db in
                try CellRecord.filter(Column("session_id") == sessionID).order(Column("number")).fetchAll(db)
            }
        }
    }

    // MARK: Runs and metrics

    /// Starts a run in status `running`. `configuration` must be JSON text. Without a name the
    /// run is called `run-N`, N the number of runs in the store plus one (or the next free one), chosen inside the
    /// write transaction so two processes never pick the same one.
    public func startRun(
        sessionID: Int64, cellID: Int64?, name: String?, configuration: String, startedAt: Date = Date()
    ) throws(StoreError) -> RunRecord {
        try perform {
            try pool.write { db in
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
    }

    /// Marks a run `running` again to continue it from `epoch` (after a resume): metrics of
    /// later epochs, left by a branch that was abandoned, go in the same transaction.
    public func continueRun(id: Int64, fromEpoch epoch: Int) throws(StoreError) {
        try perform {
            try pool.write { db in
                try db.execute(sql: "DELETE FROM metric WHERE run_id = ? AND epoch > ?", arguments: [id, epoch])
                try db.execute(sql: "UPDATE run SET status = 'running', ended_at = NULL WHERE id = ?", arguments: [id])
            }
        }
    }

    /// Deletes a run with its metrics and checkpoints.
    public func deleteRun(id: Int64) throws(StoreError) {
        try perform { try pool.write { db in _ = try RunRecord.deleteOne(db, key: id) } }
    }

    /// The latest run of that name (of any session), its status as `runs()` shows it.
    public func run(named name: String) throws(StoreError) -> RunRecord? {
        try runs().last { $0.name == name }
    }

    public func endRun(id: Int64, status: RunStatus, endedAt: Date = Date()) throws(StoreError) {
        try perform {
            try pool.write { db in
                try db.execute(
                    sql: "UPDATE run SET status = ?, ended_at = ? WHERE id = ?",
                    arguments: [status.rawValue, endedAt, id])
            }
        }
    }

    /// Every run of every session. A run left `running` by a process that no longer exists
    /// reads as `interrupted` (a live process's run, in this or another process, stays `running`).
    public func runs() throws(StoreError) -> [RunRecord] {
        let (runs, sessions) = try perform {
            try pool.read { db in
                (try RunRecord.order(Column("id")).fetchAll(db), try SessionRecord.fetchAll(db))
            }
        }
        let alive = Dictionary(uniqueKeysWithValues: sessions.map {
            ($0.id!, $0.endedAt == nil && ProcessIdentity(pid: $0.pid, processStart: $0.processStart).isAlive)
        })
        return runs.map { run in
            var run = run
            if run.status == .running && alive[run.sessionID] != true { run.status = .interrupted }
            return run
        }
    }

    /// Appends one epoch's metrics in its own transaction, so a killed process loses
    /// at most the epoch in progress.
    public func appendMetric(_ metric: MetricRecord) throws(StoreError) {
        try perform { try pool.write { db in try metric.insert(db) } }
    }

    public func metrics(runID: Int64) throws(StoreError) -> [MetricRecord] {
        try perform {
            try pool.read { db in
                try MetricRecord.filter(Column("run_id") == runID).order(Column("epoch")).fetchAll(db)
            }
        }
    }

    // MARK: Checkpoints

    /// Saves a checkpoint in one transaction, replacing any checkpoint of the same
    /// name (so `RUN@best` can move forward). The checksum is computed here.
    public func saveCheckpoint(
        name: String, runID: Int64, epoch: Int, modelSpec: String, dataSpec: String,
        state: Data, formatVersion: Int, createdAt: Date = Date()
    ) throws(StoreError) -> CheckpointRecord {
        let record = NewCheckpoint(name: name, runID: runID, epoch: epoch, modelSpec: modelSpec, dataSpec: dataSpec,
                                   state: state, formatVersion: formatVersion)
        return try saveCheckpoints([record], createdAt: createdAt)[0]
    }

    /// Saves several checkpoints in one transaction (a `train`'s `RUN@EPOCH` and `RUN@best`):
    /// all of them or, when the disk is full, none. Same-named ones are replaced unless
    /// `replacing` is false, when an existing name is refused.
    public func saveCheckpoints(
        _ checkpoints: [NewCheckpoint], replacing: Bool = true, createdAt: Date = Date()
    ) throws(StoreError) -> [CheckpointRecord] {
        try perform {
            try pool.write { db in
                try checkpoints.map { new in
                    let existing = CheckpointRecord.filter(Column("name") == new.name)
                    if try existing.fetchCount(db) > 0 {
                        guard replacing else { throw StoreError.checkpointExists(path: path, name: new.name) }
                        _ = try existing.deleteAll(db)
                    }
                    var record = CheckpointRecord(
                        id: nil, name: new.name, runID: new.runID, epoch: new.epoch, createdAt: createdAt,
                        modelSpec: new.modelSpec, dataSpec: new.dataSpec, state: new.state,
                        formatVersion: new.formatVersion, checksum: Checksum.of(new.state))
                    try record.insert(db)
                    return record
                }
            }
        }
    }

    /// Deletes a checkpoint; false when there was none of that name.
    public func deleteCheckpoint(name: String) throws(StoreError) -> Bool {
        try perform {
            try pool.write { db in try CheckpointRecord.filter(Column("name") == name).deleteAll(db) > 0 }
        }
    }

    /// Every checkpoint without its state blob, oldest first, with its run's name.
    public func checkpoints() throws(StoreError) -> [CheckpointInfo] {
        try perform {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT c.name, r.name AS run, c.epoch, c.created_at, c.model_spec, c.data_spec,
                           length(c.state) AS bytes, m.loss
                    FROM checkpoint c JOIN run r ON r.id = c.run_id
                    LEFT JOIN metric m ON m.run_id = c.run_id AND m.epoch = c.epoch
                    ORDER BY c.id
                    """).map { row in
                    CheckpointInfo(name: row["name"], runName: row["run"], epoch: row["epoch"], createdAt: row["created_at"],
                                   modelSpec: row["model_spec"], dataSpec: row["data_spec"], bytes: row["bytes"],
                                   loss: row["loss"])
                }
            }
        }
    }

    /// Loads a checkpoint and verifies its state against its checksum.
    public func loadCheckpoint(name: String) throws(StoreError) -> (record: CheckpointRecord, state: Data) {
        let found = try perform {
            try pool.read { db in try CheckpointRecord.filter(Column("name") == name).fetchOne(db) }
        }
        guard let record = found else { throw .checkpointNotFound(path: path, name: name) }
        guard Checksum.of(record.state) == record.checksum else {
            throw .corruptCheckpoint(path: path, name: name)
        }
        return (record, record.state)
    }

    /// Checkpoint names, oldest first.
    public func checkpointNames() throws(StoreError) -> [String] {
        try perform { try pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM checkpoint ORDER BY id") } }
    }

    // MARK: CSV data

    /// Keeps a CSV file's bytes under their content hash (once, however many runs use them).
    public func keepCSV(hash: String, bytes: Data) throws(StoreError) {
        try perform {
            try pool.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO csv_data (hash, bytes) VALUES (?, ?)", arguments: [hash, bytes])
            }
        }
    }

    public func csvBytes(hash: String) throws(StoreError) -> Data? {
        try perform {
            try pool.read { db in try Data.fetchOne(db, sql: "SELECT bytes FROM csv_data WHERE hash = ?", arguments: [hash]) }
        }
    }

    // MARK: Sessions, summarised

    /// Every session with its cell and run counts and whether its process still runs.
    public func sessionSummaries() throws(StoreError) -> [SessionSummary] {
        try perform {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT s.*, (SELECT count(*) FROM cell WHERE session_id = s.id) AS cells,
                           (SELECT count(*) FROM run WHERE session_id = s.id) AS runs
                    FROM session s ORDER BY s.id
                    """).map { row in
                    let session = try SessionRecord(row: row)
                    let alive = session.endedAt == nil
                        && ProcessIdentity(pid: session.pid, processStart: session.processStart).isAlive
                    return SessionSummary(session: session, cells: row["cells"], runs: row["runs"], isAlive: alive)
                }
            }
        }
    }

    public func session(id: Int64) throws(StoreError) -> SessionRecord? {
        try perform { try pool.read { db in try SessionRecord.fetchOne(db, key: id) } }
    }
}

/// A checkpoint to save (the store adds the time and checksum).
public struct NewCheckpoint: Sendable, Equatable {
    public var name: String
    public var runID: Int64
    public var epoch: Int
    public var modelSpec: String
    public var dataSpec: String
    public var state: Data
    public var formatVersion: Int

    public init(name: String, runID: Int64, epoch: Int, modelSpec: String, dataSpec: String, state: Data,
                formatVersion: Int) {
        self.name = name
        self.runID = runID
        self.epoch = epoch
        self.modelSpec = modelSpec
        self.dataSpec = dataSpec
        self.state = state
        self.formatVersion = formatVersion
    }
}

/// A checkpoint as `checkpoint list` shows it: no state blob; the loss recorded at its epoch.
public struct CheckpointInfo: Sendable, Equatable {
    public var name: String
    public var runName: String
    public var epoch: Int
    public var createdAt: Date
    public var modelSpec: String
    public var dataSpec: String
    public var bytes: Int
    public var loss: Double?
}

/// A session as `sessions` shows it.
public struct SessionSummary: Sendable, Equatable {
    public var session: SessionRecord
    public var cells: Int
    public var runs: Int
    /// Its process still runs (this one, or another rnnlab on the same store).
    public var isAlive: Bool
}
