import Foundation

/// The CPU's feature flags as the kernel reports them (the `flags` line of /proc/cpuinfo;
/// empty where there is none).
enum CPUFlags {
    static let current: Set<Substring> = {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return [] }
        return Set(line.split(separator: " "))
    }()
}
