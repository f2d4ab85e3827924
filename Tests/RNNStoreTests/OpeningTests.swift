import Foundation
import GRDB
import Testing
@testable import RNNStore

/// Copies a database and its rollback journal while a transaction is half-written to the file:
/// the copy is what a process killed at that moment leaves (a "hot" journal, no lock held).
func hotJournalCopy(of source: String, to target: String, setUp: (Database) throws -> Void = { _ in }) throws {
    let queue = try DatabaseQueue(path: source)
    try queue.writeWithoutTransaction { db in
        try setUp(db)
        try db.execute(sql: "PRAGMA cache_size = 2")       // spill pages to the file before commit
        try db.execute(sql: "BEGIN IMMEDIATE")
        try db.execute(sql: "CREATE TABLE filler (x BLOB)")
        for _ in 0..<64 { try db.execute(sql: "INSERT INTO filler VALUES (randomblob(4000))") }
        try FileManager.default.copyItem(atPath: source, toPath: target)
        try FileManager.default.copyItem(atPath: source + "-journal", toPath: target + "-journal")
        try db.execute(sql: "ROLLBACK")
    }
    try queue.close()
}

@Suite struct StoreOpeningTests {
    @Test func anEmptyPathIsRefused() {
        #expect(throws: StoreError.emptyPath) { try Store.open(path: "") }
        #expect(StoreError.emptyPath.description.contains("--store"))
    }

    @Test func aFIFOIsRefusedAtOnce() throws {
        let dir = try TempDir()
        let path = dir.path("pipe")
        #expect(mkfifo(path, 0o600) == 0)
        let start = Date()
        #expect(throws: StoreError.notRegularFile(path: path, kind: "a FIFO (named pipe)")) { try Store.open(path: path) }
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(throws: StoreError.notRegularFile(path: "/dev/null", kind: "a character device")) { try Store.open(path: "/dev/null") }
    }

    @Test func aReadOnlyStoreSaysSo() throws {
        // SQLite's answer to a write it may not make is mapped to a message about writing.
        let mapped = Store.failure(DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database"),
                                   path: "/x/s.sqlite")
        #expect(mapped == .readOnly(path: "/x/s.sqlite", reason: "attempt to write a readonly database"))
        #expect(mapped.description.contains("cannot be written"))
    }

    /// As root every file is writable, so this runs for other users only.
    @Test(.enabled(if: getuid() != 0)) func aReadOnlyFileIsRefusedBeforeOpening() throws {
        let dir = try TempDir()
        let path = dir.path("s.sqlite")
        try Store.open(path: path).close()
        #expect(chmod(path, 0o444) == 0)
        #expect(throws: StoreError.readOnly(path: path, reason: "the file is read-only")) { try Store.open(path: path) }
    }

    /// A SIGKILL while a store is being created leaves a few KB and a hot `-journal`; a read-only
    /// open cannot roll it back ("attempt to write a readonly database"), so it was refused for
    /// good. Now a writable open recovers it first, and the store opens.
    /// Two shapes of it: the first page still zeros, or a 4 KB file with its header written.
    @Test(arguments: [false, true])
    func aHotJournalOfAStoreBeingCreatedIsRecovered(headerWritten: Bool) throws {
        let dir = try TempDir()
        let path = dir.path("killed.sqlite")
        try hotJournalCopy(of: dir.path("creating.sqlite"), to: path)
        #expect(Store.hotJournalInitialPages(path) == 0)
        if headerWritten {
            let empty = dir.path("empty.sqlite")
            let queue = try DatabaseQueue(path: empty)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "CREATE TABLE t (x); DROP TABLE t; VACUUM") }
            try queue.close()
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: empty, toPath: path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 4096)
        }
        // What the read-only validation met before.
        let probe = dir.path("probe.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: probe)
        try FileManager.default.copyItem(atPath: path + "-journal", toPath: probe + "-journal")
        var readOnly = Configuration()
        readOnly.readonly = true
        #expect(throws: (any Error).self) {
            try DatabaseQueue(path: probe, configuration: readOnly).read { db in try Int.fetchOne(db, sql: "PRAGMA application_id") }
        }

        let store = try Store.open(path: path)
        #expect(try store.applicationID() == 0x524E_4E4C)
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        #expect(try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }

    /// Another application's database with a hot journal is refused without being touched:
    /// rolling its journal back would be a write to a file that is not ours.
    @Test(arguments: [Int32(1234), 0])
    func anotherApplicationsHotJournalIsLeftAlone(applicationID: Int32) throws {
        let dir = try TempDir()
        let path = dir.path("theirs.sqlite")
        let source = dir.path("source.sqlite")
        do {
            let queue = try DatabaseQueue(path: source)
            try queue.write { db in
                try db.execute(sql: "PRAGMA application_id = \(applicationID)")
                try db.execute(sql: "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)")
            }
            try queue.close()
        }
        try hotJournalCopy(of: source, to: path)
        let before = (try fileHash(path), try fileHash(path + "-journal"))
        let expected: StoreError = applicationID == 0 ? .hotJournal(path: path) : .otherApplication(path: path, applicationID: applicationID)
        #expect(throws: expected) { try Store.open(path: path) }
        #expect((try fileHash(path), try fileHash(path + "-journal")) == before)
    }

    @Test func aCleanCloseLeavesNoWAL() throws {
        let dir = try TempDir()
        let path = dir.path("s.sqlite")
        let store = try Store.open(path: path)
        let session = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let run = try #require(try store.startRun(sessionID: session, cellID: nil, name: "r", configuration: "{}").id)
        for epoch in 1...20 { try store.appendMetric(metric(run, epoch)) }
        #expect(try store.runs().count == 1)                    // a reader connection opened too
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        try store.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(try Store.open(path: path).metrics(runID: run).count == 20)
    }

    @Test func aCloseWhileAnotherProcessHasTheStoreKeepsItsWAL() throws {
        let dir = try TempDir()
        let path = dir.path("s.sqlite")
        let mine = try Store.open(path: path), theirs = try Store.open(path: path)
        let session = try #require(try mine.beginSession(version: "t", cwd: "/").id)
        _ = try theirs.sessions()
        try mine.close()
        // The other connection still works, and sees everything.
        #expect(try theirs.session(id: session) != nil)
        _ = try theirs.beginSession(version: "t", cwd: "/")
        try theirs.close()
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(try Store.open(path: path).sessions().count == 2)
    }
}

@Suite(.serialized) struct BusyStoreTests {
    /// Holds the write lock from another connection for `seconds`, returning once it is taken.
    func holdLock(_ path: String, seconds: Double) throws -> DispatchSemaphore {
        let taken = DispatchSemaphore(value: 0), released = DispatchSemaphore(value: 0)
        let queue = try DatabaseQueue(path: path)
        DispatchQueue.global().async {
            try? queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                taken.signal()
                Thread.sleep(forTimeInterval: seconds)
                try db.execute(sql: "COMMIT")
            }
            try? queue.close()
            released.signal()
        }
        taken.wait()
        return released
    }

    @Test func aWriteWaitsOutALockLongerThanTheBusyTimeout() throws {
        let dir = try TempDir()
        let path = dir.path("s.sqlite")
        let options = StoreOptions(busyTimeout: 0.05, writeRetries: 8, retryDelay: 0.05, maxRetryDelay: 0.2)
        let store = try Store.open(path: path, options: options)
        let session = try #require(try store.beginSession(version: "t", cwd: "/").id)
        let released = try holdLock(path, seconds: 0.5)
        let start = Date()
        _ = try store.beginSession(version: "t", cwd: "/")       // 0.5 s of lock, 0.05 s per attempt
        #expect(Date().timeIntervalSince(start) >= 0.4)
        released.wait()
        #expect(try store.sessions().count == 2 && session >= 1)
        #expect(options.totalWait > 0.5)
    }

    @Test func aLockHeldPastEveryRetryIsBusy() throws {
        let dir = try TempDir()
        let path = dir.path("s.sqlite")
        let store = try Store.open(path: path, options: StoreOptions(busyTimeout: 0.05, writeRetries: 2, retryDelay: 0.05))
        let released = try holdLock(path, seconds: 1.5)
        #expect(throws: StoreError.busy(path: path)) { _ = try store.beginSession(version: "t", cwd: "/") }
        released.wait()
        #expect(try store.sessions().isEmpty)
        #expect(StoreOptions.standard.totalWait > 20)
    }
}
