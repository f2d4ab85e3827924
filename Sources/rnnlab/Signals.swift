#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Set by Ctrl-C (SIGINT); read and cleared by the REPL, the line editor's hooks and the
/// `isCancelled` poll of a running cell. An `Atomic` is the only thing a signal handler may
/// touch: a lock is not async-signal-safe.
let interruptRequested = Atomic<Bool>(false)

/// The signal that asked the process to end (SIGTERM: a scheduler's preemption or `kill`;
/// SIGHUP: the terminal closed), 0 while none did. It raises `interruptRequested` too, so
/// training stops at the next chunk boundary as for Ctrl-C; then the front end closes the
/// store and exits with 128 + the signal.
let terminationSignal = Atomic<Int32>(0)

/// When the first SIGTERM or SIGHUP arrived (CLOCK_MONOTONIC, nanoseconds).
let firstTermination = Atomic<Int64>(0)

/// Set by SIGCONT (`fg` after Ctrl-Z): the shell had the terminal meanwhile and reset the
/// modes readline set, so a prompt that is still waiting must set them again.
let continueRequested = Atomic<Bool>(false)

/// The process's SIGINT handling: Ctrl-C only raises `interruptRequested`; whoever is in
/// charge at that moment (the prompt, a training loop, a batch run) acts on it.
enum Signals {
    /// Installs the handler (`sigaction`, `SA_RESTART` so plain reads and writes are not cut
    /// short; readline's `select` still returns early and calls its hooks). Call it on the
    /// main thread before any other thread starts, so every thread inherits the unblocked mask.
    static func installInterruptHandler() {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in interruptRequested.store(true, ordering: .relaxed) }
        #else
        action.__sigaction_u.__sa_handler = { _ in interruptRequested.store(true, ordering: .relaxed) }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)

        var termination = sigaction()
        #if canImport(Glibc)
        termination.__sigaction_handler.sa_handler = { signal in Signals.terminate(signal) }
        #else
        termination.__sigaction_u.__sa_handler = { signal in Signals.terminate(signal) }
        #endif
        // Each blocks the other while its handler runs, so `terminate` sees one signal at a time.
        sigemptyset(&termination.sa_mask)
        sigaddset(&termination.sa_mask, SIGTERM)
        sigaddset(&termination.sa_mask, SIGHUP)
        termination.sa_flags = SA_RESTART
        sigaction(SIGTERM, &termination, nil)
        sigaction(SIGHUP, &termination, nil)

        // A parent may start us with signals blocked (a dispatch worker thread blocks nearly
        // all, and a child inherits its mask): then Ctrl-C would never arrive, and readline
        // would miss window resizes. Unblock the two this program relies on.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGHUP)
        sigaddset(&signals, SIGWINCH)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// SIGTERM or SIGHUP: the first asks to stop at the next poll (a chunk boundary, a
    /// statement, a data step's stride). Another one at least a second later, while the first
    /// is still pending, ends the process at once, as whoever sends it again means (the store
    /// survives that as it survives SIGKILL). One within the second is the same request
    /// arriving twice (a scheduler signals every process of a job, and a sweep task forwards
    /// its own to its trial) and must not cost the trial its orderly stop.
    /// Only async-signal-safe calls here (`clock_gettime`, `_exit`).
    static func terminate(_ signal: Int32) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        if terminationSignal.exchange(signal, ordering: .relaxed) != 0 {
            if nanoseconds - firstTermination.load(ordering: .relaxed) >= 1_000_000_000 { _exit(128 + signal) }
            return
        }
        firstTermination.store(nanoseconds, ordering: .relaxed)
        interruptRequested.store(true, ordering: .relaxed)
    }

    /// Installs the SIGCONT handler (it only raises `continueRequested`; the process continues
    /// as it would without one).
    static func installContinueHandler() {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in continueRequested.store(true, ordering: .relaxed) }
        #else
        action.__sigaction_u.__sa_handler = { _ in continueRequested.store(true, ordering: .relaxed) }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGCONT, &action, nil)
    }

    /// Whether the process was continued since the last call (and forgets it).
    static func takeContinued() -> Bool { continueRequested.exchange(false, ordering: .relaxed) }

    /// Whether Ctrl-C was pressed since the flag was last cleared.
    static var isInterrupted: Bool { interruptRequested.load(ordering: .relaxed) }

    /// Forgets an earlier Ctrl-C (before each prompt, and before a batch starts); a request
    /// to end the process is never forgotten.
    static func clearInterrupt() {
        if terminationSignal.load(ordering: .relaxed) == 0 { interruptRequested.store(false, ordering: .relaxed) }
    }

    /// SIGTERM or SIGHUP, once either arrived: the front end ends after the cell in progress.
    static var termination: Int32? {
        let signal = terminationSignal.load(ordering: .relaxed)
        return signal == 0 ? nil : signal
    }
}
