#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps a terminal from discarding output when Ctrl-C is pressed.
///
/// Without `NOFLSH`, the terminal driver answers Ctrl-C by flushing its output queue: the lines a
/// run wrote just before the interrupt (its last epoch, the erase of the progress line) were
/// lost, and the "interrupted" message then continued the progress line. The REPL sets the flag
/// for its session (readline keeps it: it restores the modes it found) and puts the modes back
/// as they were when it ends.
struct OutputKeptOnInterrupt {
    private let saved: termios

    /// Sets `NOFLSH` on the terminal on standard input; nil when that is not a terminal.
    init?() {
        var modes = termios()
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &modes) == 0 else { return nil }
        saved = modes
        modes.c_lflag |= tcflag_t(NOFLSH)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &modes) == 0 else { return nil }
    }

    func restore() {
        var modes = saved
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &modes)
    }
}
