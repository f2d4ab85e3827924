#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RNNScript
import RNNSession

/// Writes the interpreter's output events to the standard streams as they happen: rendering
/// by `EventRenderer`, unbuffered writes (each line is out before the next epoch starts), and
/// at most ten progress redraws a second.
final class Console {
    let terminal: Terminal
    private var renderer: EventRenderer
    private var lastProgressDraw: ContinuousClock.Instant?
    private static let progressInterval = Duration.milliseconds(100)

    init(terminal: Terminal) {
        self.terminal = terminal
        renderer = EventRenderer(terminal: terminal)
    }

    /// Renders and writes one event (an `emit` for `Interpreter.run`).
    func emit(_ event: OutputEvent) {
        if case let .progress(progress) = event {
            guard terminal.liveProgress else { return }
            let now = ContinuousClock.now
            let last = progress.chunk >= progress.chunks
            if !last, let previous = lastProgressDraw, now - previous < Self.progressInterval { return }
            lastProgressDraw = now
        }
        let width = terminal.liveProgress ? Terminal.columns() ?? 80 : 80
        for write in renderer.render(event, width: width) { self.write(write) }
    }

    /// Ends a cell's output: erases a progress line left on screen.
    func finish() {
        for write in renderer.finish() { self.write(write) }
        lastProgressDraw = nil
    }

    func write(_ piece: Write) {
        Self.write(piece.text, to: piece.stream)
    }

    /// Writes all of `text` with write(2), unbuffered, retrying short and interrupted writes.
    static func write(_ text: String, to stream: StandardStream) {
        let fd = stream == .output ? STDOUT_FILENO : STDERR_FILENO
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                let n = Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return  // a closed pipe or a full disk: nothing sensible left to do with output
                }
            }
        }
    }
}
