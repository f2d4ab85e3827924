import Foundation
import Testing

/// A program in a real pseudo-terminal: a private tmux server (its own socket, no user
/// configuration) with one session, driven by `send-keys` and read by `capture-pane`.
final class TmuxSession {
    /// tmux on the PATH, if installed (scripts/setup installs it).
    static let executable: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"])
            .map { URL(fileURLWithPath: $0).appendingPathComponent("tmux") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    let scratch: Scratch
    private let tmux: URL
    private let socket: String
    private let target = "rnnlab"

    /// Starts `command` in a `width`×`height` terminal in `directory`, with `environment` added.
    init(_ command: [String], in directory: URL, environment: [String: String] = [:],
         width: Int = 100, height: Int = 30) throws {
        tmux = try #require(Self.executable, "tmux is not installed")
        scratch = try Scratch()
        socket = scratch.file("tmux.sock").path
        var arguments = ["new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)", "-c", directory.path]
        for (key, value) in environment { arguments += ["-e", "\(key)=\(value)"] }
        // A shell reports the program's exit status on the screen (tmux's own
        // #{pane_dead_status} is sometimes left empty), and the pane stays after it ends. The
        // shell traps SIGINT so Ctrl-C reaches the program alone (a trap, unlike an ignored
        // signal, is not inherited).
        let wrapper = "trap : INT; \"$0\" \"$@\"; echo \"\(Self.exitMarker)$?]\""
        arguments += ["/bin/sh", "-c", wrapper] + command + [";", "set-option", "-g", "remain-on-exit", "on"]
        let (status, output) = try run(arguments)
        try #require(status == 0, "tmux new-session failed: \(output)")
    }

    deinit {
        _ = try? run(["kill-server"])
    }

    /// Runs a tmux command against this session's server; returns its status and output.
    ///
    /// Spawned with posix_spawn and every descriptor above stderr closed, not with Foundation's
    /// `Process`: the tmux server a client forks would inherit the socket `Process` watches for
    /// the child's exit (and any other test's), and that wait would never end.
    @discardableResult
    func run(_ arguments: [String]) throws -> (Int32, String) {
        let outputURL = scratch.file("tmux-output-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outputURL) }
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        let argv = [tmux.path, "-S", socket, "-f", "/dev/null"] + arguments
        let status = try spawnAndWait(argv, environment: environment, output: outputURL.path, timeout: .seconds(10))
        return (status, String(decoding: (try? Data(contentsOf: outputURL)) ?? Data(), as: UTF8.self))
    }

    /// Types `text` literally.
    func type(_ text: String) throws {
        try run(["send-keys", "-t", target, "-l", text])
    }

    /// Presses keys by tmux name: `Enter`, `Up`, `Tab`, `C-c`, `C-d`.
    func press(_ keys: String...) throws {
        try run(["send-keys", "-t", target] + keys)
    }

    /// The visible screen, each line without trailing spaces, trailing empty lines dropped.
    func screen() throws -> [String] {
        let (_, text) = try run(["capture-pane", "-p", "-t", target])
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.reversed().drop(while: { $0 == " " }).reversed())
        }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    struct TimedOut: Error {}

    /// Polls the screen until `condition` holds; records an issue showing the screen and throws
    /// (ending the test) if it does not within `timeout`.
    func waitFor(_ what: String, timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
                 _ condition: ([String]) -> Bool) throws {
        let deadline = ContinuousClock.now + timeout
        var lines = try screen()
        while !condition(lines) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what); the screen:\n\(lines.joined(separator: "\n"))",
                             sourceLocation: sourceLocation)
                throw TimedOut()
            }
            Thread.sleep(forTimeInterval: 0.02)
            lines = try screen()
        }
    }

    /// Waits until the last line of the screen is `line`.
    func waitForLastLine(_ line: String, timeout: Duration = .seconds(30),
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        try waitFor("the last line to be '\(line)'", timeout: timeout, sourceLocation: sourceLocation) { $0.last == line }
    }

    private static let exitMarker = "[exited with status "

    /// Waits for the program to exit and returns its status; nil (and an issue) on a timeout.
    func waitForExit(timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation) throws -> Int32? {
        var status: Int32?
        try waitFor("the program to exit", timeout: timeout, sourceLocation: sourceLocation) { lines in
            guard let line = lines.last(where: { $0.hasPrefix(Self.exitMarker) }) else { return false }
            status = Int32(line.dropFirst(Self.exitMarker.count).dropLast())
            return true
        }
        return status
    }
}

/// Runs `argv` with stdin from /dev/null, stdout and stderr to the file `output`, and no other
/// inherited descriptor; waits at most `timeout` (then kills it) and returns its exit status.
func spawnAndWait(_ argv: [String], environment: [String: String], output: String,
                  timeout: Duration, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    closeInheritedDescriptors(&actions)

    // A clean signal mask and default dispositions: the test runs on a dispatch thread with
    // nearly every signal blocked, and a tmux server that inherited that could not even see
    // SIGCHLD (its pane would never be marked dead).
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t(), allSignals = sigset_t()
    sigemptyset(&noSignals)
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (cArguments + cEnvironment).forEach { free($0) } }
    var pid = pid_t()
    let error = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
    guard error == 0 else {
        throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EINVAL)
    }
    let deadline = ContinuousClock.now + timeout
    var status: Int32 = 0
    while waitpid(pid, &status, WNOHANG) == 0 {
        if ContinuousClock.now >= deadline {
            Issue.record("\(argv) did not finish within \(timeout)", sourceLocation: sourceLocation)
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            return -1
        }
        Thread.sleep(forTimeInterval: 0.002)
    }
    // WIFEXITED / WEXITSTATUS, which Swift does not import.
    return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
}

/// Closes every descriptor above stderr in the child: glibc's `addclosefrom_np` (2.34+, looked
/// up at run time as Swift does not import it), else each descriptor open now.
private func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        return
    }
    let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    for fd in open.compactMap(Int32.init) where fd > 2 {
        posix_spawn_file_actions_addclose(&actions, fd)
    }
}
