import Foundation
import GRDB

/// The rnnlab store: one SQLite file holding sessions, cells, runs, metrics and
/// checkpoints as plain values.
///
/// It holds a GRDB `DatabasePool`: the file is in WAL mode, so readers (listing runs,
/// plotting metrics) never wait for a writer (a training loop committing an epoch),
/// and two rnnlab processes on one store both work. Writes go through `write`, which
/// GRDB 7 runs in an IMMEDIATE transaction, so a writer takes the lock up front and
/// waits out the busy timeout rather than failing half-way.
public final class Store: Sendable {
    /// The path the store was opened with.
    public let path: String
    let pool: DatabasePool

    /// How long a connection waits for another's lock before failing.
    public static let busyTimeout: TimeInterval = 5

    private init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
    }

    /// Opens the store at `path`, creating it if the file does not exist (or is empty).
    ///
    /// An existing file is checked first, read-only: it must be SQLite, carry rnnlab's
    /// `application_id` (or none, if it has no tables), and have no migration this
    /// rnnlab does not know. A refused file is not written to at all. Then the schema
    /// is migrated to the current version.
    public static func open(path: String) throws(StoreError) -> Store {
        // Two rnnlab processes starting on one new file race to create it: SQLite answers
        // the loser "busy" at once (switching to WAL, migrating) rather than waiting, so
        // opening is tried again for a while. A busy open has written nothing.
        var attempts = 0
        while true {
            do {
                return try openOnce(path: path)
            } catch .busy(let path) where attempts < 100 {
                _ = path
                attempts += 1
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    private static func openOnce(path: String) throws(StoreError) -> Store {
        try validate(path: path)
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.journalMode = .wal
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw failure(error, path: path, opening: true)
        }
        let store = Store(path: path, pool: pool)
        do {
            // Checked again on the writing connection: another, newer rnnlab may have
            // migrated the file since `validate` looked.
            let unknown = try pool.read { db in try unknownMigrations(db) }
            if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknownMigrations: unknown) }
            try Migrations.migrator.migrate(pool)
        } catch where (try? pool.read { db in try Migrations.migrator.hasCompletedMigrations(db) }) == true {
            // Another rnnlab starting on the same new file migrated it between our look and our
            // write ("table already exists"): ours was rolled back whole, and theirs is complete.
        } catch {
            try? pool.close()
            throw failure(error, path: path, opening: true)
        }
        return store
    }

    /// The SQLite file header's first 16 bytes.
    private static let sqliteMagic = Data("SQLite format 3\u{0}".utf8)

    /// Looks at an existing file without writing to it; throws if it must be refused.
    static func validate(path: String) throws(StoreError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        if isDirectory.boolValue { throw .unreadable(path: path, reason: "it is a directory") }
        let header: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            header = try handle.read(upToCount: 100) ?? Data()
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        if header.isEmpty { return }  // an empty file is a new database
        guard header.count == 100, header.prefix(16) == sqliteMagic else { throw .notSQLite(path: path) }

        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            try queue.read { db in
                let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if id == 0 {
                    // No id: only an empty database may become a store (or one whose only table
                    // is GRDB's migration list, as another rnnlab starting to create it leaves it).
                    let objects = try Int.fetchOne(db, sql: """
                        SELECT count(*) FROM sqlite_master WHERE name NOT IN ('grdb_migrations', 'sqlite_autoindex_grdb_migrations_1')
                        """) ?? 0
                    if objects > 0 { throw StoreError.otherApplication(path: path, applicationID: 0) }
                } else if id != Migrations.applicationID {
                    throw StoreError.otherApplication(path: path, applicationID: id)
                }
                let unknown = try unknownMigrations(db)
                if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknownMigrations: unknown) }
            }
        } catch {
            throw failure(error, path: path, opening: true)
        }
    }

    /// Applied migrations this rnnlab did not register, sorted.
    private static func unknownMigrations(_ db: Database) throws -> [String] {
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

    // MARK: - Introspection

    /// The file's `application_id`.
    public func applicationID() throws(StoreError) -> Int32 {
        try perform { try pool.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0 } }
    }

    /// The file's journal mode ("wal" for a store).
    public func journalMode() throws(StoreError) -> String {
        try perform { try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" } }
    }

    /// Whether foreign keys are enforced on this store's connections.
    public func foreignKeysEnabled() throws(StoreError) -> Bool {
        try perform { try pool.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false } }
    }

    /// The applied migrations, in registration order.
    public func appliedMigrations() throws(StoreError) -> [String] {
        try perform { try pool.read { db in try Migrations.migrator.appliedMigrations(db) } }
    }

    /// Copies the WAL into the main file (a passive checkpoint: it never waits for
    /// another process's readers), then closes the store's connections; later calls fail.
    /// GRDB closes the pool's writer before its read-only readers, so without this the
    /// last committed transactions would stay in the `-wal` file after closing, and a
    /// copy of the main file alone would miss them.
    public func close() throws(StoreError) {
        try perform {
            try? pool.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
            try pool.close()
        }
    }
}
