import GRDB

extension Store {
    /// Folds the WAL into the store file and empties it (`PRAGMA wal_checkpoint(TRUNCATE)`), so
    /// the file alone holds every commit and can be copied off node-local disk.
    public func foldWAL() throws(StoreError) {
        try perform { try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) } }
    }
}
