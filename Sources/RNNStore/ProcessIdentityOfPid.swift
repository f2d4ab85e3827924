extension ProcessIdentity {
    /// Another process's identity (a child just started, so a claim on it can be told from a
    /// reused pid later); nil when there is no such process.
    public static func of(pid: Int64) -> ProcessIdentity? {
        #if os(Linux)
        guard let start = startTime(of: pid) else { return nil }
        return ProcessIdentity(pid: pid, processStart: start)
        #else
        return ProcessIdentity(pid: pid, processStart: 0)
        #endif
    }
}
