import Foundation
import GRDB

/// A checkpoint to save (the store adds the time, checksum and parts).
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

/// A checkpoint as `checkpoint list` shows it: no state; the loss recorded at its epoch.
public struct CheckpointInfo: Sendable, Equatable {
    public var id: Int64
    public var kind: CheckpointKind
    /// As stored: `x@best` for a run's own, the saved name for a named one.
    public var name: String
    public var runID: Int64
    public var runName: String
    public var sessionID: Int64
    /// The name that reaches it from anywhere: `s1/x@best` for a run's own, the name for a named one.
    public var qualifiedName: String
    /// Whether `name` alone reaches it (a named one always; a run's own while no later run has the run's name).
    public var isReachedByName: Bool
    public var epoch: Int
    /// Nil when the stored time cannot be read.
    public var createdAt: Date?
    public var modelSpec: String
    public var dataSpec: String
    /// The state's length (all parts).
    public var bytes: Int
    public var parts: Int
    public var formatVersion: Int
    public var checksum: String
    public var loss: Double?
}

extension Store {
    // MARK: Saving

    /// Saves a run's automatic checkpoints (`RUN@EPOCH`, `RUN@best`, `RUN@latest`, each named
    /// `CheckpointReference.automaticName`) in one transaction — all of them or, when the disk is
    /// full, none — replacing that run's own of the same names, never another run's.
    @discardableResult
    public func saveAutomaticCheckpoints(_ checkpoints: [NewCheckpoint], createdAt: Date = Date()) throws(StoreError) -> [CheckpointRecord] {
        try write { db in try checkpoints.map { try save($0, kind: .automatic, replacing: true, createdAt: createdAt, db) } }
    }

    /// Saves a checkpoint under a name unique in the store; an existing one of that name is
    /// refused (`checkpointExists`) unless `force`, which replaces it.
    @discardableResult
    public func saveNamedCheckpoint(_ checkpoint: NewCheckpoint, force: Bool, createdAt: Date = Date()) throws(StoreError) -> CheckpointRecord {
        try write { db in try save(checkpoint, kind: .named, replacing: force, createdAt: createdAt, db) }
    }

    /// Appends one epoch's metrics and rewrites the run's automatic checkpoints given (its
    /// `RUN@latest`, and `RUN@best` when the epoch improved) in one transaction: a killed
    /// process loses at most the epoch in progress, weights included.
    public func recordEpoch(_ metric: MetricRecord, checkpoints: [NewCheckpoint], createdAt: Date = Date()) throws(StoreError) {
        if let other = checkpoints.first(where: { $0.runID != metric.runID }) {
            throw .invalidName(path: path, name: other.name, reason: "it belongs to run \(other.runID), the epoch to run \(metric.runID)")
        }
        try write { db in
            try metric.insert(db)
            for checkpoint in checkpoints { _ = try save(checkpoint, kind: .automatic, replacing: true, createdAt: createdAt, db) }
        }
    }

    /// Saves a checkpoint in one transaction (see `saveCheckpoints`).
    @discardableResult
    public func saveCheckpoint(
        name: String, runID: Int64, epoch: Int, modelSpec: String, dataSpec: String,
        state: Data, formatVersion: Int, createdAt: Date = Date()
    ) throws(StoreError) -> CheckpointRecord {
        let record = NewCheckpoint(name: name, runID: runID, epoch: epoch, modelSpec: modelSpec, dataSpec: dataSpec,
                                   state: state, formatVersion: formatVersion)
        return try saveCheckpoints([record], createdAt: createdAt)[0]
    }

    /// Saves several checkpoints in one transaction: a name of the form `RUN@best|latest|EPOCH`
    /// of the checkpoint's own run is that run's automatic checkpoint, any other a named one.
    /// With `replacing` an existing one is replaced (a run's own only within that run); without,
    /// it is refused. (`saveAutomaticCheckpoints` and `saveNamedCheckpoint` say which they mean.)
    @discardableResult
    public func saveCheckpoints(
        _ checkpoints: [NewCheckpoint], replacing: Bool = true, createdAt: Date = Date()
    ) throws(StoreError) -> [CheckpointRecord] {
        try write { db in
            try checkpoints.map { new in
                let runName = try String.fetchOne(db, sql: "SELECT name FROM run WHERE id = ?", arguments: [new.runID])
                let kind: CheckpointKind = runName.map { Self.isAutomaticName(new.name, ofRun: $0) } == true ? .automatic : .named
                return try save(new, kind: kind, replacing: replacing, createdAt: createdAt, db)
            }
        }
    }

    static func isAutomaticName(_ name: String, ofRun run: String) -> Bool {
        guard case let .automatic(reference, _) = CheckpointReference.parse(name) else { return false }
        return reference.session == nil && reference.name == run
    }

    /// Inserts a checkpoint, or replaces the one it collides with (a run's own: same run and
    /// name; a named one: same name) when `replacing`. The state goes in parts of at most
    /// `checkpointPartBytes`, each below SQLite's length limit.
    private func save(_ new: NewCheckpoint, kind: CheckpointKind, replacing: Bool, createdAt: Date,
                      _ db: Database) throws -> CheckpointRecord {
        guard let runName = try String.fetchOne(db, sql: "SELECT name FROM run WHERE id = ?", arguments: [new.runID]) else {
            throw StoreError.constraintViolated(path: path, reason: "checkpoint \(new.name) names run \(new.runID), which does not exist")
        }
        switch kind {
        case .automatic where !Self.isAutomaticName(new.name, ofRun: runName):
            throw StoreError.invalidName(path: path, name: new.name,
                                         reason: "a run's own checkpoint is called \(runName)@best, \(runName)@latest or \(runName)@EPOCH")
        case .named:
            if case .automatic = CheckpointReference.parse(new.name) {
                throw StoreError.invalidName(path: path, name: new.name,
                                             reason: "names ending in @best, @latest or @<epoch> are kept for runs' own checkpoints")
            }
        default: break
        }
        // The row holds the texts beside the first part: together they stay within half the limit.
        try checkLength(2 * (new.name.utf8.count + new.modelSpec.utf8.count + new.dataSpec.utf8.count),
                        "twice the checkpoint's name, model and data specs")
        let existing = kind == .named
            ? try Int64.fetchOne(db, sql: "SELECT id FROM checkpoint WHERE kind = 'named' AND name = ?", arguments: [new.name])
            : try Int64.fetchOne(db, sql: "SELECT id FROM checkpoint WHERE kind = 'automatic' AND run_id = ? AND name = ?",
                                 arguments: [new.runID, new.name])
        if existing != nil && !replacing { throw StoreError.checkpointExists(path: path, name: new.name) }

        let partSize = checkpointPartBytes
        let size = new.state.count
        let parts = max(1, (size + partSize - 1) / partSize)
        let start = new.state.startIndex
        func part(_ k: Int) -> Data { new.state[(start + k * partSize)..<(start + min(size, (k + 1) * partSize))] }
        // A replaced checkpoint goes and the new one takes a new id: the list stays in the order
        // they were written, so a `RUN@best` that moved forward is listed last.
        if let existing { _ = try CheckpointRecord.deleteOne(db, key: existing) }
        var record = CheckpointRecord(
            id: nil, kind: kind, name: new.name, runID: new.runID, epoch: new.epoch, createdAt: createdAt,
            modelSpec: new.modelSpec, dataSpec: new.dataSpec, state: part(0), size: size, parts: parts,
            formatVersion: new.formatVersion, checksum: Checksum.of(new.state))
        try record.insert(db)
        for k in 1..<parts {
            try db.execute(sql: "INSERT INTO checkpoint_part (checkpoint_id, part, bytes) VALUES (?, ?, ?)",
                           arguments: [record.id, k, part(k)])
        }
        return record
    }

    // MARK: Finding and loading

    /// The id of the checkpoint a reference reaches. A run's own that is not there falls back to
    /// a named checkpoint of that exact text (a store from before run-owned checkpoints).
    static func checkpointID(_ db: Database, _ reference: CheckpointReference) throws -> Int64? {
        switch reference {
        case let .named(name):
            return try Int64.fetchOne(db, sql: "SELECT id FROM checkpoint WHERE kind = 'named' AND name = ?", arguments: [name])
        case let .automatic(run, tag):
            if let runID = try runID(db, run),
               let runName = try String.fetchOne(db, sql: "SELECT name FROM run WHERE id = ?", arguments: [runID]),
               let id = try Int64.fetchOne(db, sql: "SELECT id FROM checkpoint WHERE kind = 'automatic' AND run_id = ? AND name = ?",
                                           arguments: [runID, CheckpointReference.automaticName(run: runName, tag: tag)]) {
                return id
            }
            return try checkpointID(db, .named(reference.description))
        }
    }

    /// The checkpoint a reference reaches, without its state.
    public func checkpoint(_ reference: CheckpointReference) throws(StoreError) -> CheckpointInfo? {
        try read { db in try Self.checkpointID(db, reference).flatMap { try Self.checkpointInfos(db, where: "c.id = ?", [$0]).first } }
    }

    /// Loads the checkpoint a reference reaches (all its parts, in one read transaction, so a
    /// concurrent rewrite of `RUN@latest` is never seen half-way) and verifies its checksum.
    public func loadCheckpoint(_ reference: CheckpointReference) throws(StoreError) -> (info: CheckpointInfo, state: Data) {
        let found: (CheckpointInfo, Data)? = try read { db in
            guard let id = try Self.checkpointID(db, reference),
                  let info = try Self.checkpointInfos(db, where: "c.id = ?", [id]).first
            else { return nil }
            var state = Data(capacity: info.bytes)
            state.append(try Data.fetchOne(db, sql: "SELECT state FROM checkpoint WHERE id = ?", arguments: [id]) ?? Data())
            let parts = try Data.fetchCursor(db, sql: "SELECT bytes FROM checkpoint_part WHERE checkpoint_id = ? ORDER BY part",
                                             arguments: [id])
            var count = 1
            while let part = try parts.next() {
                state.append(part)
                count += 1
            }
            guard count == info.parts, state.count == info.bytes else {
                throw StoreError.corruptCheckpoint(path: path, name: reference.description)
            }
            return (info, state)
        }
        guard let (info, state) = found else { throw .checkpointNotFound(path: path, name: reference.description) }
        guard Checksum.of(state) == info.checksum else { throw .corruptCheckpoint(path: path, name: reference.description) }
        return (info, state)
    }

    /// Loads a checkpoint by name (`CheckpointReference.parse`) and verifies its checksum; the
    /// record's `state` is the whole state.
    public func loadCheckpoint(name: String) throws(StoreError) -> (record: CheckpointRecord, state: Data) {
        let (info, state) = try loadCheckpoint(CheckpointReference.parse(name))
        let record = CheckpointRecord(
            id: info.id, kind: info.kind, name: info.name, runID: info.runID, epoch: info.epoch,
            createdAt: info.createdAt ?? Date(timeIntervalSince1970: 0), modelSpec: info.modelSpec, dataSpec: info.dataSpec,
            state: state, size: info.bytes, parts: info.parts, formatVersion: info.formatVersion, checksum: info.checksum)
        return (record, state)
    }

    /// Deletes the checkpoint a reference reaches; false when there is none.
    public func deleteCheckpoint(_ reference: CheckpointReference) throws(StoreError) -> Bool {
        try write { db in
            guard let id = try Self.checkpointID(db, reference) else { return false }
            return try CheckpointRecord.deleteOne(db, key: id)
        }
    }

    /// Deletes a checkpoint by name (`CheckpointReference.parse`); false when there is none.
    public func deleteCheckpoint(name: String) throws(StoreError) -> Bool {
        try deleteCheckpoint(CheckpointReference.parse(name))
    }

    // MARK: Listing

    /// Every checkpoint without its state, oldest first, with its run's name and session.
    public func checkpoints() throws(StoreError) -> [CheckpointInfo] {
        try read { db in try Self.checkpointInfos(db, where: "1", []) }
    }

    /// One run's checkpoints, oldest first.
    public func checkpoints(runID: Int64) throws(StoreError) -> [CheckpointInfo] {
        try read { db in try Self.checkpointInfos(db, where: "c.run_id = ?", [runID]) }
    }

    /// The names that reach each checkpoint, oldest first: the plain name where it reaches
    /// it, else the qualified one (for suggestions and completion).
    public func checkpointNames() throws(StoreError) -> [String] {
        try checkpoints().map { $0.isReachedByName ? $0.name : $0.qualifiedName }
    }

    /// Checkpoint rows as infos. Every column is decoded with `decode` (which throws) rather
    /// than GRDB's subscripts (which trap on a value of the wrong type), and a time that does
    /// not parse is nil: a damaged or crafted row is an error or a blank, never a crash.
    static func checkpointInfos(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [CheckpointInfo] {
        try Row.fetchAll(db, sql: """
            SELECT c.id, c.kind, c.name, c.run_id, r.name AS run, r.session_id, c.epoch, c.created_at, c.model_spec,
                   c.data_spec, c.size, c.parts, c.format_version, c.checksum, m.loss,
                   NOT EXISTS (SELECT 1 FROM run later WHERE later.name = r.name AND later.id > r.id) AS latest
            FROM checkpoint c JOIN run r ON r.id = c.run_id
            LEFT JOIN metric m ON m.run_id = c.run_id AND m.epoch = c.epoch
            WHERE \(condition) ORDER BY c.id
            """, arguments: arguments).map { row in
            let kind = CheckpointKind(rawValue: try row.decode(String.self, forColumn: "kind")) ?? .named
            let name = try row.decode(String.self, forColumn: "name")
            let session = try row.decode(Int64.self, forColumn: "session_id")
            let latest = try row.decode(Bool.self, forColumn: "latest")
            return CheckpointInfo(
                id: try row.decode(Int64.self, forColumn: "id"), kind: kind, name: name,
                runID: try row.decode(Int64.self, forColumn: "run_id"), runName: try row.decode(String.self, forColumn: "run"),
                sessionID: session, qualifiedName: kind == .named ? name : "s\(session)/\(name)",
                isReachedByName: kind == .named || latest, epoch: try row.decode(Int.self, forColumn: "epoch"),
                createdAt: Date.fromDatabaseValue(try row.decode(DatabaseValue.self, forColumn: "created_at")),
                modelSpec: try row.decode(String.self, forColumn: "model_spec"),
                dataSpec: try row.decode(String.self, forColumn: "data_spec"),
                bytes: try row.decode(Int.self, forColumn: "size"), parts: try row.decode(Int.self, forColumn: "parts"),
                formatVersion: try row.decode(Int.self, forColumn: "format_version"),
                checksum: try row.decode(String.self, forColumn: "checksum"),
                loss: try? row.decode(Double?.self, forColumn: "loss"))
        }
    }
}
