import Foundation

/// Who a session's process is: its pid and its start time as the OS counts it, so a
/// reused pid is not mistaken for the process that started a run. On Linux the start
/// time is field 22 of `/proc/PID/stat` (clock ticks since boot); elsewhere it is 0
/// and only the pid is compared.
public struct ProcessIdentity: Equatable, Sendable {
    public var pid: Int64
    public var processStart: Int64

    public init(pid: Int64, processStart: Int64) {
        self.pid = pid
        self.processStart = processStart
    }

    /// This process.
    public static func current() -> ProcessIdentity {
        let pid = Int64(getpid())
        return ProcessIdentity(pid: pid, processStart: startTime(of: pid) ?? 0)
    }

    /// Whether the process that recorded this identity is still running.
    public var isAlive: Bool {
        #if os(Linux)
        guard let start = Self.startTime(of: pid) else { return false }
        return processStart == 0 || start == processStart
        #else
        guard let pid = Int32(exactly: pid), pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
        #endif
    }

    /// The process's start time, or nil when there is no such process.
    static func startTime(of pid: Int64) -> Int64? {
        #if os(Linux)
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // The command name in parentheses may hold spaces; fields after it start at 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return Int64(fields[19])
        #else
        return 0
        #endif
    }
}
