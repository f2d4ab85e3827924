import GRDB

/// A setting changed between two `train`s of one run: from `epoch` on it trains with `newValue`.
public struct RunEventRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "run_event"
    public var id: Int64?
    public var runID: Int64
    /// The first epoch trained with the new value.
    public var epoch: Int
    public var setting: String
    public var oldValue: String
    public var newValue: String

    public init(runID: Int64, epoch: Int, setting: String, oldValue: String, newValue: String) {
        self.runID = runID
        self.epoch = epoch
        self.setting = setting
        self.oldValue = oldValue
        self.newValue = newValue
    }

    enum CodingKeys: String, CodingKey {
        case id, epoch, setting
        case runID = "run_id", oldValue = "old_value", newValue = "new_value"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Where a run's starting weights came from, when not from a fresh initialisation: another
/// run at an epoch (its training went on after the data changed, or a checkpoint was loaded),
/// or a file. `source` says it in words (`x@6`, `weights import m.safetensors`).
public struct RunLineageRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run_lineage"
    public var runID: Int64
    public var parentRunID: Int64?
    public var parentEpoch: Int?
    public var source: String

    public init(runID: Int64, parentRunID: Int64?, parentEpoch: Int?, source: String) {
        self.runID = runID
        self.parentRunID = parentRunID
        self.parentEpoch = parentEpoch
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case source
        case runID = "run_id", parentRunID = "parent_run_id", parentEpoch = "parent_epoch"
    }
}

enum RunLineageMigration {
    /// Events and lineage in tables of their own: the run table keeps its shape.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-run-events-lineage") { db in
            try db.execute(sql: """
                CREATE TABLE run_event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    setting TEXT NOT NULL CHECK (setting <> ''),
                    old_value TEXT NOT NULL,
                    new_value TEXT NOT NULL
                );
                CREATE INDEX run_event_run ON run_event(run_id);
                CREATE TABLE run_lineage (
                    run_id INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
                    parent_run_id INTEGER REFERENCES run(id) ON DELETE SET NULL,
                    parent_epoch INTEGER CHECK (parent_epoch >= 0),
                    source TEXT NOT NULL CHECK (source <> '')
                );
                """)
        }
    }
}

extension Store {
    /// Records a change of setting in a run.
    public func recordRunEvent(_ event: RunEventRecord) throws(StoreError) {
        try write { db in
            var event = event
            try event.insert(db)
        }
    }

    /// A run's changes of setting, in order.
    public func runEvents(runID: Int64) throws(StoreError) -> [RunEventRecord] {
        try read { db in
            try RunEventRecord.filter(Column("run_id") == runID).order(Column("epoch"), Column("id")).fetchAll(db)
        }
    }

    /// Every run's changes of setting, by run id.
    public func allRunEvents() throws(StoreError) -> [Int64: [RunEventRecord]] {
        let events = try read { db in try RunEventRecord.order(Column("epoch"), Column("id")).fetchAll(db) }
        return Dictionary(grouping: events, by: \.runID)
    }

    public func setLineage(_ lineage: RunLineageRecord) throws(StoreError) {
        try write { db in try lineage.upsert(db) }
    }

    /// Every run's lineage, by run id.
    public func lineages() throws(StoreError) -> [Int64: RunLineageRecord] {
        let rows = try read { db in try RunLineageRecord.fetchAll(db) }
        return Dictionary(rows.map { ($0.runID, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
