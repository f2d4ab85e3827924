import Foundation
import COpenBLAS
import Synchronization

/// The process-wide worker thread count.
///
/// One decision for the whole engine: the caller sets a count (default: the number of
/// cores); it is applied to OpenBLAS explicitly and bounds any parallel work of our own.
/// OpenBLAS partitions a product the same way for the same count, so results are
/// bit-identical run to run for a given count (not across counts).
public enum Threads {
    private static let current = Atomic<Int>(0)

    /// The number of cores this process may use.
    public static var available: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The count in force (the number of cores until `set` is called).
    public static var count: Int {
        let n = current.load(ordering: .relaxed)
        return n == 0 ? available : n
    }

    /// Sets the worker thread count for OpenBLAS and the engine.
    public static func set(_ n: Int) throws {
        guard (1...256).contains(n) else { throw EngineError.invalidThreadCount(n) }
        _ = BLASCore.configured
        openblas_set_num_threads(1)
        current.store(n, ordering: .relaxed)
    }

    /// Serialises `withCount` callers: the OpenBLAS count is process-wide.
    private static let exclusive = NSLock()

    /// Runs `body` with `n` threads, holding the count for its whole duration: concurrent
    /// callers in one process (tests, two runs) take turns instead of changing the count
    /// under each other, which would break bit-identical results.
    public static func withCount<T>(_ n: Int, _ body: () throws -> T) throws -> T {
        guard (1...256).contains(n) else { throw EngineError.invalidThreadCount(n) }
        exclusive.lock()
        defer { exclusive.unlock() }
        try set(n)
        return try body()
    }

    /// The kernel set OpenBLAS chose for this CPU (e.g. "Cooperlake").
    public static var blasCore: String {
        _ = BLASCore.configured
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
