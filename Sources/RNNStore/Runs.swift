import Foundation
import GRDB

/// A run as `runs` lists it, from one row per run (the totals the triggers on `metric` keep):
/// listing 10,000 runs reads no metric.
public struct StoredRun: Sendable, Equatable {
    /// Its record, the status as `runs()` shows it.
    public var run: RunRecord
    /// `s<session>/<name>`: reaches this run whatever later runs are called.
    public var qualifiedName: String
    /// Whether its plain name reaches it (no later run has that name).
    public var isLatestOfName: Bool
    public var epochs: Int
    /// Seconds of all its recorded epochs.
    public var seconds: Double
    public var lastEpoch: Int?
    public var lastLoss: Double?
    public var lastValidationLoss: Double?
    public var lastSplits: Int?
    /// The lowest finite monitored loss (validation when recorded, else training) and the
    /// first epoch that reached it.
    public var bestLoss: Double?
    public var bestEpoch: Int?
}

extension Store {
    /// The id of the run a reference reaches: a plain name the latest run of that name, a
    /// qualified one that session's run (or, for a store from before qualified names, a run
    /// literally named `s1/x` when session 1 has no run x).
    static func runID(_ db: Database, _ reference: RunReference) throws -> Int64? {
        if let session = reference.session {
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM run WHERE session_id = ? AND name = ?",
                                           arguments: [session, reference.name]) {
                return id
            }
            return try Int64.fetchOne(db, sql: "SELECT max(id) FROM run WHERE name = ?", arguments: [reference.description])
        }
        return try Int64.fetchOne(db, sql: "SELECT max(id) FROM run WHERE name = ?", arguments: [reference.name])
    }

    /// The run a reference reaches, its status as `runs()` shows it.
    public func run(_ reference: RunReference) throws(StoreError) -> RunRecord? {
        try storedRun(reference)?.run
    }

    /// Every run with its totals, oldest first.
    public func storedRuns() throws(StoreError) -> [StoredRun] {
        try storedRuns(where: "1", arguments: [])
    }

    /// One run with its totals, by id.
    public func storedRun(id: Int64) throws(StoreError) -> StoredRun? {
        try storedRuns(where: "r.id = ?", arguments: [id]).first
    }

    /// The run a reference reaches, with its totals.
    public func storedRun(_ reference: RunReference) throws(StoreError) -> StoredRun? {
        guard let id = try read({ db in try Self.runID(db, reference) }) else { return nil }
        return try storedRun(id: id)
    }

    /// Every run name in the store, each once, sorted (for completion).
    public func runNames() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT name FROM run ORDER BY name") }
    }

    private func storedRuns(where condition: String, arguments: StatementArguments) throws(StoreError) -> [StoredRun] {
        try read { db in
            var alive: [Int64: Bool] = [:]
            // Columns by position (a name lookup per value costs more than the query for 10,000 runs).
            let rows = try Row.fetchCursor(db, sql: """
                SELECT r.id, r.session_id, r.cell_id, r.name, r.configuration, r.status, r.started_at, r.ended_at,
                       s.pid, s.process_start, s.ended_at IS NULL,
                       t.epochs, t.seconds, t.last_epoch, t.last_loss, t.last_val_loss, t.last_splits, t.best_loss, t.best_epoch,
                       NOT EXISTS (SELECT 1 FROM run later WHERE later.name = r.name AND later.id > r.id)
                FROM run r JOIN session s ON s.id = r.session_id LEFT JOIN run_totals t ON t.run_id = r.id
                WHERE \(condition) ORDER BY r.id
                """, arguments: arguments)
            var list: [StoredRun] = []
            while let row = try rows.next() {
                var run = RunRecord(
                    id: try row.decode(Int64.self, atIndex: 0), sessionID: try row.decode(Int64.self, atIndex: 1),
                    cellID: try row.decode(Int64?.self, atIndex: 2), name: try row.decode(String.self, atIndex: 3),
                    configuration: try row.decode(String.self, atIndex: 4),
                    status: RunStatus(rawValue: try row.decode(String.self, atIndex: 5)) ?? .interrupted,
                    startedAt: try row.decode(Date.self, atIndex: 6), endedAt: try row.decode(Date?.self, atIndex: 7))
                if run.status == .running {
                    let live = try alive[run.sessionID] ?? {
                        let identity = ProcessIdentity(pid: try row.decode(Int64.self, atIndex: 8),
                                                       processStart: try row.decode(Int64.self, atIndex: 9))
                        return try row.decode(Bool.self, atIndex: 10) && identity.isAlive
                    }()
                    alive[run.sessionID] = live
                    if !live { run.status = .interrupted }
                }
                list.append(StoredRun(
                    run: run, qualifiedName: RunReference(session: run.sessionID, name: run.name).description,
                    isLatestOfName: try row.decode(Bool.self, atIndex: 19),
                    epochs: try row.decode(Int?.self, atIndex: 11) ?? 0, seconds: try row.decode(Double?.self, atIndex: 12) ?? 0,
                    lastEpoch: try row.decode(Int?.self, atIndex: 13), lastLoss: try row.decode(Double?.self, atIndex: 14),
                    lastValidationLoss: try row.decode(Double?.self, atIndex: 15), lastSplits: try row.decode(Int?.self, atIndex: 16),
                    bestLoss: try row.decode(Double?.self, atIndex: 17), bestEpoch: try row.decode(Int?.self, atIndex: 18)))
            }
            return list
        }
    }
}
