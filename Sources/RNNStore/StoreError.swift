/// Everything the store can refuse or fail at. Each case names the store file and says
/// what would be right, so a message can be shown to the user as it is.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file exists but is not an SQLite database.
    case notSQLite(path: String)
    /// The file is an SQLite database that belongs to another application.
    case otherApplication(path: String, applicationID: Int32)
    /// The file was migrated by a newer rnnlab: these migrations are unknown to this one.
    case newerSchema(path: String, unknownMigrations: [String])
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// A checkpoint's state does not match its checksum.
    case corruptCheckpoint(path: String, name: String)
    /// No checkpoint has that name.
    case checkpointNotFound(path: String, name: String)
    /// A checkpoint of that name exists already (named checkpoints are kept until deleted).
    case checkpointExists(path: String, name: String)
    /// This session has a run of that name already (names are unique within a session).
    case runExists(path: String, name: String)
    /// The disk (or the file system's quota) is full: the write was rolled back.
    case diskFull(path: String)
    /// Another connection held the lock for longer than the busy timeout.
    case busy(path: String)
    /// A write broke one of the schema's rules (NOT NULL, CHECK, FOREIGN KEY, UNIQUE).
    case constraintViolated(path: String, reason: String)
    /// Any other database failure.
    case databaseFailed(path: String, reason: String)
    /// The store path is empty.
    case emptyPath
    /// The path names a FIFO, device, socket or anything else that is not a regular file.
    case notRegularFile(path: String, kind: String)
    /// The file (or the folder its `-wal` and `-shm` go in) cannot be written.
    case readOnly(path: String, reason: String)
    /// Another program's transaction was cut off (a hot `-journal`): recovering it would write
    /// to a file that is not known to be a store, so it is left alone.
    case hotJournal(path: String)
    /// A run or checkpoint name the store cannot take.
    case invalidName(path: String, name: String, reason: String)
    /// A text or blob longer than SQLite takes in one value.
    case valueTooLarge(path: String, what: String, bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .notSQLite(let path):
            return "\(path) is not an SQLite database; give --store a new file name or an rnnlab store."
        case .otherApplication(let path, let id):
            let hex = String(UInt32(bitPattern: id), radix: 16, uppercase: true)
            return "\(path) belongs to another application (application_id 0x\(hex)); "
                + "give --store a new file name or an rnnlab store, this one is left untouched."
        case .newerSchema(let path, let unknown):
            return "\(path) was written by a newer rnnlab (unknown migrations: "
                + "\(unknown.sorted().joined(separator: ", "))); use that rnnlab version or newer, "
                + "this one is left untouched."
        case .unreadable(let path, let reason):
            return "\(path) cannot be read (\(reason)); check that the file and its folder exist and are readable and writable."
        case .corruptCheckpoint(let path, let name):
            return "checkpoint \(name) in \(path) is corrupt (its state does not match its checksum); "
                + "load another checkpoint or retrain."
        case .checkpointNotFound(let path, let name):
            return "\(path) has no checkpoint named \(name); list the checkpoints and use one of their names."
        case .checkpointExists(let path, let name):
            return "\(path) has a checkpoint named \(name) already; choose another name, or add force to replace it."
        case .runExists(_, let name):
            return "this session has a run named \(name) already; choose another name"
        case .diskFull(let path):
            return "the disk holding \(path) is full: nothing was written; free some space and try again."
        case .busy(let path):
            return "\(path) is locked by another program (it was tried for \(Int(StoreOptions.standard.totalWait.rounded(.up))) s); "
                + "try again when it is done."
        case .constraintViolated(let path, let reason):
            return "a write to \(path) was refused by the schema (\(reason)); this is a bug in rnnlab, please report it."
        case .databaseFailed(let path, let reason):
            return "\(path) could not be used (\(reason)); check the disk and that no other program holds the file."
        case .emptyPath:
            return "the store path is empty; give --store (or RNNLAB_STORE) a file name such as lab.sqlite."
        case .notRegularFile(let path, let kind):
            return "\(path) is \(kind), not a regular file; give --store a file name (it is left untouched)."
        case .readOnly(let path, let reason):
            return "\(path) cannot be written (\(reason)); make it writable, or give --store another file."
        case .hotJournal(let path):
            return "\(path) has an unfinished transaction of another program (\(path)-journal), and it does not carry "
                + "rnnlab's application_id; open it with that program or sqlite3 to recover it; both files are left untouched."
        case .invalidName(let path, let name, let reason):
            return "\(path) cannot take the name '\(name)': \(reason)."
        case .valueTooLarge(let path, let what, let bytes, let limit):
            return "\(what) is \(bytes) bytes, more than \(path) takes in one value (\(limit) bytes); nothing was written."
        }
    }
}
