import Foundation
import GRDB

// One plain-value struct per table. Column names are snake_case (explicit CodingKeys);
// records with an integer id are `MutablePersistableRecord`s whose `didInsert` fills
// the id in, so an inserted value comes back with its row id.

/// One rnnlab process using the store. `pid` plus `processStart` (the process's start
/// time as the OS counts it) tell a dead process's runs from a live one's even when
/// the pid has been reused.
public struct SessionRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "session"
    public var id: Int64?
    /// Unique across stores (a UUID), so a merge can tell a session it has copied already.
    public var uuid: String
    public var startedAt: Date
    public var endedAt: Date?
    public var version: String
    public var storePath: String
    public var cwd: String
    public var pid: Int64
    public var processStart: Int64

    enum CodingKeys: String, CodingKey {
        case id, uuid, version, cwd, pid
        case startedAt = "started_at", endedAt = "ended_at", storePath = "store_path"
        case processStart = "process_start"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public enum CellStatus: String, Codable, Sendable, CaseIterable {
    case ok, error, interrupted
}

/// One top-level statement (or REPL entry) and what it printed.
public struct CellRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "cell"
    public var id: Int64?
    public var sessionID: Int64
    public var number: Int
    public var source: String
    public var output: String
    public var status: CellStatus
    public var startedAt: Date
    /// Seconds.
    public var duration: Double

    enum CodingKeys: String, CodingKey {
        case id, number, source, output, status, duration
        case sessionID = "session_id", startedAt = "started_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case running, finished, interrupted, diverged
}

/// One named training run; `configuration` is JSON text (the schema checks it parses).
public struct RunRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "run"
    public var id: Int64?
    public var sessionID: Int64
    public var cellID: Int64?
    public var name: String
    public var configuration: String
    public var status: RunStatus
    public var startedAt: Date
    public var endedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, configuration, status
        case sessionID = "session_id", cellID = "cell_id"
        case startedAt = "started_at", endedAt = "ended_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One epoch of one run. Keyed by (run, epoch); epochs count from 1 across the run.
public struct MetricRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "metric"
    public var runID: Int64
    public var epoch: Int
    public var loss: Double
    public var valLoss: Double?
    public var splits: Int
    public var lr: Double
    /// Gradient norm before clipping, mean and max over the epoch's steps.
    public var gradNormMean: Double
    public var gradNormMax: Double
    public var seconds: Double

    public init(
        runID: Int64, epoch: Int, loss: Double, valLoss: Double? = nil, splits: Int, lr: Double,
        gradNormMean: Double, gradNormMax: Double, seconds: Double
    ) {
        self.runID = runID
        self.epoch = epoch
        self.loss = loss
        self.valLoss = valLoss
        self.splits = splits
        self.lr = lr
        self.gradNormMean = gradNormMean
        self.gradNormMax = gradNormMax
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case epoch, loss, splits, lr, seconds
        case runID = "run_id", valLoss = "val_loss"
        case gradNormMean = "grad_norm_mean", gradNormMax = "grad_norm_max"
    }
}

/// Whose a checkpoint is: a run's own (`RUN@EPOCH`, `RUN@best`, `RUN@latest`; unique within
/// the run) or one saved under a name (`checkpoint save NAME`; unique in the store).
public enum CheckpointKind: String, Codable, Sendable, CaseIterable {
    case automatic, named
}

/// A saved training state. The state is an opaque blob whose layout `formatVersion` names;
/// `checksum` is "fnv1a64:" and 16 hex digits over all of it (see `Checksum`). A state longer
/// than one part (`Store.checkpointPartBytes`) keeps its first part in `state` and the others
/// in `checkpoint_part`; `size` is the whole state's length and `parts` how many there are.
public struct CheckpointRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "checkpoint"
    public var id: Int64?
    public var kind: CheckpointKind
    public var name: String
    public var runID: Int64
    public var epoch: Int
    public var createdAt: Date
    public var modelSpec: String
    public var dataSpec: String
    public var state: Data
    public var size: Int
    public var parts: Int
    public var formatVersion: Int
    public var checksum: String

    enum CodingKeys: String, CodingKey {
        case id, kind, name, epoch, state, size, parts, checksum
        case runID = "run_id", createdAt = "created_at", modelSpec = "model_spec"
        case dataSpec = "data_spec", formatVersion = "format_version"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A CSV file's bytes, keyed by their content hash, so a data spec can name them.
public struct CSVDataRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "csv_data"
    public var hash: String
    public var bytes: Data

    public init(hash: String, bytes: Data) {
        self.hash = hash
        self.bytes = bytes
    }
}

/// Something a cell produced besides text (an SVG plot, a table, ...).
public struct AttachmentRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "attachment"
    public var id: Int64?
    public var cellID: Int64
    public var kind: AttachmentKind
    public var payload: Data

    public init(id: Int64? = nil, cellID: Int64, kind: AttachmentKind, payload: Data) {
        self.id = id
        self.cellID = cellID
        self.kind = kind
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, payload
        case cellID = "cell_id"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What a cell's attachment holds: a table's rows (JSON), a run it trained (JSON), a figure (SVG).
public enum AttachmentKind: String, Codable, Sendable, CaseIterable {
    case table, run, svg
}
