#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shell-style patterns over run names (`compare 't-*'`): `*`, `?` and `[…]`, as `fnmatch` reads them.
public enum RunGlob {
    /// Whether a name given to `compare`/`plot` is a pattern rather than a run name (run names
    /// are letters, digits and `-_.`, so these characters never occur in one typed plainly).
    public static func isPattern(_ text: String) -> Bool {
        text.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    public static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }

    /// The distinct names matching, each once, in the order they first appear.
    public static func latestMatching(_ pattern: String, in names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { matches(pattern, $0) && seen.insert($0).inserted }
    }
}
