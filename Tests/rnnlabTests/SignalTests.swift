#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import rnnlab

/// SIGINT and SIGCONT only raise flags; whoever is in charge acts on them.
@Suite(.serialized) struct SignalTests {
    /// Runs `body` with the process's `signal` disposition and this thread's mask restored afterwards.
    func preservingSignal(_ signal: Int32, _ body: () -> Void) {
        var previousAction = sigaction()
        var previousMask = sigset_t()
        sigaction(signal, nil, &previousAction)
        pthread_sigmask(SIG_SETMASK, nil, &previousMask)
        body()
        sigaction(signal, &previousAction, nil)
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
    }

    @Test func interruptSetsTheFlagEvenWhenTheParentBlockedIt() {
        preservingSignal(SIGINT) {
            // Test threads run with SIGINT blocked, as a child of such a thread would start.
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGINT)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            Signals.installInterruptHandler()
            Signals.clearInterrupt()
            #expect(!Signals.isInterrupted)
            raise(SIGINT)  // delivered to this thread at once, now that it is unblocked
            #expect(Signals.isInterrupted)
            Signals.clearInterrupt()
            #expect(!Signals.isInterrupted)
        }
    }

    @Test func continueIsTakenOnce() {
        preservingSignal(SIGCONT) {
            Signals.installContinueHandler()
            _ = Signals.takeContinued()
            var unblocked = sigset_t()
            sigemptyset(&unblocked)
            sigaddset(&unblocked, SIGCONT)
            pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
            raise(SIGCONT)
            #expect(Signals.takeContinued())
            #expect(!Signals.takeContinued())
        }
    }
}
