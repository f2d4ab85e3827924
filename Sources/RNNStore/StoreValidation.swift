import Foundation
import GRDB

/// Looking at a file before it becomes a store: nothing here writes to a file that is not
/// known to be an rnnlab store (or an empty one).
extension Store {
    /// The SQLite file header's first 16 bytes.
    static let sqliteMagic = Data("SQLite format 3\u{0}".utf8)
    /// A rollback journal's first 8 bytes.
    static let journalMagic = Data([0xD9, 0xD5, 0x05, 0xF9, 0x20, 0xA1, 0x63, 0xD7])

    /// Looks at `path` without writing to it; throws if it must be refused.
    ///
    /// In order: the path is not empty; it is a regular file (a FIFO would block an open
    /// forever), readable and writable, in a writable folder; its first 100 bytes are an
    /// SQLite header whose `application_id` (offset 68) is rnnlab's or none. A hot journal left
    /// by a process killed while creating a store is rolled back by a writable open when the
    /// header is rnnlab's or the journal says the file was empty when its transaction began;
    /// any other hot journal is refused (as is a file whose first page is still zeros unless
    /// its journal says it was empty). Last, a read-only connection checks the tables and
    /// the migrations.
    static func validate(path: String, options: StoreOptions, recovered: Bool = false) throws(StoreError) {
        guard !path.isEmpty else { throw .emptyPath }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            guard code == ENOENT else { throw .unreadable(path: path, reason: String(cString: strerror(code))) }
            try checkFolder(of: path, walExists: false)
            return                                     // a new store
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .unreadable(path: path, reason: "it is a directory")
        case S_IFIFO: throw .notRegularFile(path: path, kind: "a FIFO (named pipe)")
        case S_IFCHR: throw .notRegularFile(path: path, kind: "a character device")
        case S_IFBLK: throw .notRegularFile(path: path, kind: "a block device")
        case S_IFSOCK: throw .notRegularFile(path: path, kind: "a socket")
        default: throw .notRegularFile(path: path, kind: "not a file")
        }
        guard access(path, R_OK) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard access(path, W_OK) == 0 else {
            throw .readOnly(path: path, reason: errno == EROFS ? "its file system is read-only" : "the file is read-only")
        }
        try checkFolder(of: path, walExists: FileManager.default.fileExists(atPath: path + "-wal"))

        let header = try readPrefix(path, count: 100)
        if header.isEmpty { return }                   // an empty file is a new database
        // A store killed while being created may not have its first page written yet: zeros,
        // and a journal saying the file was empty before (recovered below).
        let unwritten = header.count == 100 && header.allSatisfy { $0 == 0 } && hotJournalInitialPages(path) == 0
        if unwritten && !recovered {
            try recoverJournal(path, options: options)
            return try validate(path: path, options: options, recovered: true)
        }
        guard header.count == 100, header.prefix(16) == sqliteMagic else { throw .notSQLite(path: path) }
        let id = bigEndianInt32(header, at: 68)
        if id != 0 && id != Migrations.applicationID { throw .otherApplication(path: path, applicationID: id) }

        if let initialPages = hotJournalInitialPages(path) {
            guard !recovered, id == Migrations.applicationID || initialPages == 0 else { throw .hotJournal(path: path) }
            try recoverJournal(path, options: options)
            return try validate(path: path, options: options, recovered: true)
        }

        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(options.busyTimeout)
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

    /// SQLite keeps `-wal` and `-shm` beside the file: its folder must take new files
    /// (unless they exist already).
    private static func checkFolder(of path: String, walExists: Bool) throws(StoreError) {
        let folder = (path as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unreadable(path: path, reason: "its folder \(dir) does not exist")
        }
        if !walExists && access(dir, W_OK) != 0 {
            let reason = errno == EROFS ? "its file system is read-only" : "its folder \(dir) is not writable"
            throw .readOnly(path: path, reason: reason + ", and SQLite keeps \(path)-wal and -shm there")
        }
    }

    /// Up to `count` bytes from the start of a regular file.
    static func readPrefix(_ path: String, count: Int) throws(StoreError) -> Data {
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            return try handle.read(upToCount: count) ?? Data()
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
    }

    static func bigEndianInt32(_ data: Data, at offset: Int) -> Int32 {
        let bytes = [UInt8](data[(data.startIndex + offset)..<(data.startIndex + offset + 4)])
        return Int32(bitPattern: bytes.reduce(0) { $0 << 8 | UInt32($1) })
    }

    /// When `path-journal` is a rollback journal (its magic intact: the transaction it saves was
    /// cut off), the database size in pages it records from before that transaction.
    static func hotJournalInitialPages(_ path: String) -> Int32? {
        let journal = path + "-journal"
        var info = stat()
        guard stat(journal, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size >= 28,
              let prefix = try? readPrefix(journal, count: 28), prefix.count == 28,
              prefix.prefix(8) == journalMagic
        else { return nil }
        return bigEndianInt32(prefix, at: 16)
    }

    /// Rolls a hot journal back: SQLite does so on a writable connection's first read.
    private static func recoverJournal(_ path: String, options: StoreOptions) throws(StoreError) {
        var config = Configuration()
        config.busyMode = .timeout(options.busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            _ = try queue.inDatabase { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        } catch {
            throw failure(error, path: path, opening: true)
        }
    }
}
