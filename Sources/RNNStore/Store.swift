import Foundation
import GRDB
import GRDBSQLite

/// The rnnlab store: one SQLite file holding sessions, cells, runs, metrics and
/// checkpoints as plain values.
///
/// It holds a GRDB `DatabasePool`: the file is in WAL mode, so readers (listing runs,
/// plotting metrics) never wait for a writer (a training loop committing an epoch),
/// and two rnnlab processes on one store both work. Writes go through `write`, which
/// GRDB 7 runs in an IMMEDIATE transaction, so a writer takes the lock up front and
/// waits out the busy timeout rather than failing half-way; a write still locked out then
/// is tried again with a bounded backoff (`StoreOptions`).
public final class Store: Sendable {
    /// The path the store was opened with.
    public let path: String
    public let options: StoreOptions
    let pool: DatabasePool
    /// SQLite's limit on one text or blob (`SQLITE_LIMIT_LENGTH`): a longer value is refused
    /// before it is bound (GRDB traps on a bind that fails).
    public let maxValueBytes: Int
    /// The size of the parts a checkpoint state is cut into (at most half of `maxValueBytes`).
    public let checkpointPartBytes: Int

    /// How long a connection waits for another's lock before failing (one attempt).
    public static var busyTimeout: TimeInterval { StoreOptions.standard.busyTimeout }

    /// Copies the WAL into the file off the writer's thread.
    let checkpointer: WALCheckpointer?

    private init(path: String, pool: DatabasePool, options: StoreOptions, maxValueBytes: Int, checkpointer: WALCheckpointer?) {
        self.path = path
        self.pool = pool
        self.checkpointer = checkpointer
        self.options = options
        self.maxValueBytes = maxValueBytes
        // Half the limit: SQLite's limit holds for a whole row too, and a part shares its row.
        checkpointPartBytes = max(1, min(options.checkpointPartBytes ?? StoreOptions.defaultPartBytes, maxValueBytes / 2))
    }

    /// Opens the store at `path`, creating it if the file does not exist (or is empty).
    ///
    /// An existing file is checked first without writing to it (`validate`): it must be a
    /// regular, writable file holding SQLite, carry rnnlab's `application_id` (or none, if it
    /// has no tables), and have no migration this rnnlab does not know. A refused file is not
    /// written to at all. Then the schema is migrated to the current version.
    public static func open(path: String, options: StoreOptions = .standard) throws(StoreError) -> Store {
        // Two rnnlab processes starting on one new file race to create it: SQLite answers
        // the loser "busy" at once (switching to WAL, migrating) rather than waiting, so
        // opening is tried again for a while. A busy open has written nothing.
        var attempts = 0
        while true {
            do {
                return try openOnce(path: path, options: options)
            } catch .busy(let path) where attempts < 100 {
                _ = path
                attempts += 1
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    private static func openOnce(path: String, options: StoreOptions) throws(StoreError) -> Store {
        try validate(path: path, options: options)
        var config = Configuration()
        config.busyMode = .timeout(options.busyTimeout)
        config.foreignKeysEnabled = true
        config.journalMode = .wal
        let lowered = options.lengthLimit
        config.prepareDatabase { db in
            // WAL with synchronous NORMAL: a commit is not fsynced on its own (checkpoints are), so
            // an epoch's record and rolling checkpoint cost a write to the page cache, not a disk
            // flush. A killed process still loses nothing committed (the OS has the pages); only a
            // power cut may lose the last commits, and the file stays consistent either way.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")      // `WALCheckpointer` does it
            if let lowered { _ = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, lowered) }
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw failure(error, path: path, opening: true)
        }
        do {
            // Checked again on the writing connection: another, newer rnnlab may have
            // migrated the file since `validate` looked.
            let unknown = try pool.read { db in try unknownMigrations(db) }
            if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknownMigrations: unknown) }
            do {
                try Migrations.migrator.migrate(pool)
            } catch where migrationsComplete(pool) {
                // Another rnnlab starting on the same new file migrated it between our look and our
                // write ("table already exists"): ours was rolled back whole, and theirs is complete.
            }
        } catch {
            try? pool.close()
            throw failure(error, path: path, opening: true)
        }
        let limit = (try? pool.read { db in Int(sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, -1)) }) ?? 1_000_000_000
        let checkpointer = try? WALCheckpointer(path: path)
        if checkpointer == nil {     // no second connection: let the writer checkpoint as SQLite does
            try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 1000") }
        }
        return Store(path: path, pool: pool, options: options, maxValueBytes: limit, checkpointer: checkpointer)
    }

    /// Whether the schema is complete after our migration failed. GRDB applies each migration in
    /// its own transaction, so two processes migrating one new file interleave: ours fails on a
    /// migration theirs has applied while theirs goes on with the next. So wait a while for it to
    /// finish; if nobody does, the rest is ours to apply (a real failure fails again).
    private static func migrationsComplete(_ pool: DatabasePool) -> Bool {
        for _ in 0..<100 {
            if (try? pool.read { db in try Migrations.migrator.hasCompletedMigrations(db) }) == true { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (try? Migrations.migrator.migrate(pool)) != nil
    }

    /// Applied migrations this rnnlab did not register, sorted.
    static func unknownMigrations(_ db: Database) throws -> [String] {
        let known = Set(Migrations.migrator.migrations)
        return try Migrations.migrator.appliedIdentifiers(db).subtracting(known).sorted()
    }

    /// Maps any error from GRDB (or a `StoreError` thrown inside a database closure).
    static func failure(_ error: any Error, path: String, opening: Bool = false) -> StoreError {
        if let storeError = error as? StoreError { return storeError }
        guard let dbError = error as? DatabaseError else {
            return .databaseFailed(path: path, reason: String(describing: error))
        }
        let reason = dbError.message ?? String(describing: dbError)
        switch dbError.resultCode {
        case .SQLITE_NOTADB:
            return .notSQLite(path: path)
        case .SQLITE_FULL:
            return .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy(path: path)
        case .SQLITE_CONSTRAINT:
            return .constraintViolated(path: path, reason: reason)
        case .SQLITE_READONLY:
            return .readOnly(path: path, reason: reason)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH, .SQLITE_CORRUPT, .SQLITE_IOERR:
            return .unreadable(path: path, reason: reason)
        default:
            return opening ? .unreadable(path: path, reason: reason) : .databaseFailed(path: path, reason: reason)
        }
    }

    /// Runs `body`, turning whatever it throws into a `StoreError`.
    func perform<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw Store.failure(error, path: path)
        }
    }

    /// A read on one of the pool's readers.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try perform { try pool.read(body) }
    }

    /// One IMMEDIATE write transaction, tried again with a bounded backoff while another
    /// program holds the lock (see `StoreOptions`); `.busy` once the retries are spent.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        var attempt = 0
        while true {
            do {
                defer { checkpointer?.writeEnded() }
                return try pool.write(body)
            } catch {
                let failure = Store.failure(error, path: path)
                guard case .busy = failure, attempt < options.writeRetries else { throw failure }
                Thread.sleep(forTimeInterval: options.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// Refuses a text or blob SQLite would not take, before it is bound.
    func checkLength(_ bytes: Int, _ what: @autoclosure () -> String) throws(StoreError) {
        guard bytes <= maxValueBytes else {
            throw .valueTooLarge(path: path, what: what(), bytes: bytes, limit: maxValueBytes)
        }
    }

    // MARK: - Introspection

    /// The file's `application_id`.
    public func applicationID() throws(StoreError) -> Int32 {
        try read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0 }
    }

    /// The file's journal mode ("wal" for a store).
    public func journalMode() throws(StoreError) -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Whether foreign keys are enforced on this store's connections.
    public func foreignKeysEnabled() throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false }
    }

    /// The applied migrations, in registration order.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    /// Copies the WAL into the main file and truncates it (`wal_checkpoint(TRUNCATE)`, waiting
    /// at most a moment for another process's readers), closes the store's connections, and
    /// lets a last plain connection remove the emptied `-wal` and `-shm` — unless another
    /// process still has the store open, when they stay for it. Later calls fail.
    /// (GRDB closes the pool's writer before its read-only readers, and a read-only
    /// connection closing last leaves the `-wal` file behind.)
    public func close() throws(StoreError) {
        checkpointer?.close()
        try perform {
            try? pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA busy_timeout = 200")
                _ = try db.checkpoint(.truncate)
            }
            try pool.close()
        }
        guard FileManager.default.fileExists(atPath: path + "-wal") else { return }
        var config = Configuration()
        config.busyMode = .timeout(0.2)
        if let queue = try? DatabaseQueue(path: path, configuration: config) {
            _ = try? queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            try? queue.close()
        }
    }
}
