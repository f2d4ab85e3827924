import Dispatch
import Synchronization

/// Splits independent rows (the sequences of a batch) across the engine's threads: the
/// recurrent time loop of one sequence never reads another's, so each group of rows runs its
/// whole loop on its own core. The split depends only on the thread count, so results are
/// the same run after run for the same count.
enum Parallel {
    /// Calls `work(rows, shouldStop)` once per group of rows, in parallel, and returns when all
    /// are done. Group 0 runs on the calling thread; its `shouldStop` polls `isCancelled` (which
    /// need not be thread-safe), the others' see when any group has stopped. `work` returns
    /// false when it stopped early.
    /// - Returns: whether any group stopped early.
    static func forEachRowGroup(rows: Int, isCancelled: () -> Bool = { false },
                                _ work: @Sendable (Range<Int>, StopCheck) -> Bool) -> Bool {
        let groups = max(1, min(Threads.count, rows))
        let ranges = (0..<groups).map { ($0 * rows / groups)..<(($0 + 1) * rows / groups) }
        let signal = CancelSignal()
        return withoutActuallyEscaping(isCancelled) { isCancelled in
            let caller = StopCheck(signal: signal, poll: UncheckedSendable(isCancelled))
            guard groups > 1 else { return !work(ranges[0], caller) }
            return withoutActuallyEscaping(work) { work in
                let box = UncheckedSendable(work)
                let done = DispatchGroup()
                for g in 1..<groups {
                    DispatchQueue.global(qos: .userInitiated).async(group: done) {
                        if !box.value(ranges[g], StopCheck(signal: signal, poll: nil)) { signal.stop() }
                    }
                }
                if !work(ranges[0], caller) { signal.stop() }
                done.wait()
                return signal.isStopped
            }
        }
    }
}

/// Asked by a group between steps: stop now? Only the calling thread's group polls the
/// caller's check (it may not be thread-safe); every group sees when one has stopped.
struct StopCheck: Sendable {
    let signal: CancelSignal
    let poll: UncheckedSendable<() -> Bool>?

    func callAsFunction() -> Bool {
        signal.isStopped || poll?.value() == true
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
