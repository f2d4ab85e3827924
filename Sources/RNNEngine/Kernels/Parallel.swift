import Dispatch
import Synchronization

/// Splits independent rows (the sequences of a batch) across the engine's threads: the
/// recurrent time loop of one sequence never reads another's, so each group of rows runs its
/// whole loop on its own core. The split depends only on the thread count, so results are
/// the same run after run for the same count.
enum Parallel {
    /// Calls `work(rows, pollsCancellation)` once per group of rows, in parallel, and returns
    /// when all are done. Group 0 runs on the calling thread and is the one that polls the
    /// caller's cancellation check; the others stop when it does.
    /// - Returns: whether any group stopped early (cancelled).
    static func forEachRowGroup(rows: Int, _ work: @Sendable (Range<Int>, CancelSignal) -> Bool) -> Bool {
        let groups = max(1, min(Threads.count, rows))
        let signal = CancelSignal()
        let ranges = (0..<groups).map { ($0 * rows / groups)..<(($0 + 1) * rows / groups) }
        guard groups > 1 else { return !work(ranges[0], signal) }
        return withoutActuallyEscaping(work) { work in
            let box = UncheckedSendable(work)
            let done = DispatchGroup()
            for g in 1..<groups {
                DispatchQueue.global(qos: .userInitiated).async(group: done) {
                    if !box.value(ranges[g], signal) { signal.stop() }
                }
            }
            if !work(ranges[0], signal) { signal.stop() }
            done.wait()
            return signal.isStopped
        }
    }
}

/// Shared between the groups of one parallel loop: set when any group stops.
final class CancelSignal: Sendable {
    private let stopped = Atomic<Bool>(false)
    func stop() { stopped.store(true, ordering: .relaxed) }
    var isStopped: Bool { stopped.load(ordering: .relaxed) }
}

/// A value handed to the worker threads of `Parallel`, which return before the call does.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
