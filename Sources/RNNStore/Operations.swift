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

    public func cells(sessionID: Int64) throws(StoreError) -> [CellRecord] {
        try perform {
            try pool.read { db in
                try CellRecord.filter(Column("session_id") == sessionID).order(Column("number")).fetchAll(db)
            }
        }
    }

    // MARK: Runs and metrics

    /// Starts a run in status `running`. `configuration` must be JSON text.
    public func startRun(
        sessionID: Int64, cellID: Int64?, name: String, configuration: String, startedAt: Date = Date()
    ) throws(StoreError) -> RunRecord {
        var record = RunRecord(
            id: nil, sessionID: sessionID, cellID: cellID, name: name, configuration: configuration,
            status: .running, startedAt: startedAt, endedAt: nil)
        try perform { try pool.write { db in try record.insert(db) } }
        return record
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

    public func runs() throws(StoreError) -> [RunRecord] {
        try perform { try pool.read { db in try RunRecord.order(Column("id")).fetchAll(db) } }
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
        var record = CheckpointRecord(
            id: nil, name: name, runID: runID, epoch: epoch, createdAt: createdAt,
            modelSpec: modelSpec, dataSpec: dataSpec, state: state,
            formatVersion: formatVersion, checksum: Checksum.of(state))
        try perform {
            try pool.write { db in
                _ = try CheckpointRecord.filter(Column("name") == name).deleteAll(db)
                try record.insert(db)
            }
        }
        return record
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

    /// Checkpoint names and epochs, without their state blobs.
    public func checkpointNames() throws(StoreError) -> [String] {
        try perform { try pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM checkpoint ORDER BY id") } }
    }
}
