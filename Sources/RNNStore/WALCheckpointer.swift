import Foundation
import GRDB
import Synchronization

/// Copies the WAL into the main file on a connection and thread of its own, so a commit (an
/// epoch and its rolling checkpoint, about 1 MB for the seed model) never waits for the copy
/// and its disk flush: the writer's own automatic checkpoint is off, and after each write that
/// leaves the `-wal` over `threshold` bytes a passive checkpoint is queued here (at most one
/// waiting at a time). A passive checkpoint never blocks readers or the writer.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "rnnlab.store.wal-checkpointer")
    private let pending = Atomic<Bool>(false)
    private let walPath: String
    let threshold: Int64

    init(path: String, threshold: Int64 = 4 << 20) throws {
        var config = Configuration()
        config.busyMode = .timeout(1)
        connection = try DatabaseQueue(path: path, configuration: config)
        walPath = path + "-wal"
        self.threshold = threshold
    }

    /// Queues a checkpoint when the WAL has grown past the threshold.
    func writeEnded() {
        var info = stat()
        guard stat(walPath, &info) == 0, Int64(info.st_size) >= threshold else { return }
        guard !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in
            pending.store(false, ordering: .releasing)
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
    }

    /// Waits for a queued checkpoint, then closes the connection.
    func close() {
        queue.sync {}
        try? connection.close()
    }
}
