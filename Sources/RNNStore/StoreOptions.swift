import Foundation

/// How a store waits for other programs and how it cuts large checkpoints.
///
/// A write that finds the store locked waits `busyTimeout` (SQLite's busy handler), then is
/// tried again up to `writeRetries` times, after `retryDelay`, doubled each time (at most
/// `maxRetryDelay`): a lock another program holds for a few seconds (a backup, a `sqlite3`
/// shell) delays an epoch's record instead of losing it. Nothing is written by an attempt that
/// fails busy (writes are IMMEDIATE transactions, which take the lock before anything else).
public struct StoreOptions: Sendable, Equatable {
    /// Seconds one attempt waits for another connection's lock.
    public var busyTimeout: TimeInterval
    /// Attempts after the first when a write found the store locked.
    public var writeRetries: Int
    /// Pause before the first retry; doubled for each later one.
    public var retryDelay: TimeInterval
    public var maxRetryDelay: TimeInterval
    /// The largest part a checkpoint's state is cut into (nil: `defaultPartBytes`, or SQLite's
    /// length limit when that is lower).
    public var checkpointPartBytes: Int?
    /// Lowers SQLite's length limit on every connection (`sqlite3_limit(SQLITE_LIMIT_LENGTH)`;
    /// nil: SQLite's, 1,000,000,000 bytes by default) — for tests of what happens at the limit.
    public var lengthLimit: Int32?

    public static let defaultPartBytes = 64 << 20

    public init(busyTimeout: TimeInterval = 5, writeRetries: Int = 4, retryDelay: TimeInterval = 0.25,
                maxRetryDelay: TimeInterval = 4, checkpointPartBytes: Int? = nil, lengthLimit: Int32? = nil) {
        self.busyTimeout = busyTimeout
        self.writeRetries = writeRetries
        self.retryDelay = retryDelay
        self.maxRetryDelay = maxRetryDelay
        self.checkpointPartBytes = checkpointPartBytes
        self.lengthLimit = lengthLimit
    }

    public static let standard = StoreOptions()

    /// The pause after failed attempt `attempt` (from 0).
    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(maxRetryDelay, retryDelay * pow(2, Double(min(attempt, 30))))
    }

    /// The longest a write waits in all before it reports the store busy.
    public var totalWait: TimeInterval {
        Double(writeRetries + 1) * busyTimeout + (0..<max(0, writeRetries)).reduce(0) { $0 + delay(afterAttempt: $1) }
    }
}
