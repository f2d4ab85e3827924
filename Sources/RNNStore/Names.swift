/// A run as a command names it: `x`, the latest run named x (of any session), or `s1/x`,
/// session 1's run x. Run names are unique within a session, so the qualified form reaches
/// every run.
public struct RunReference: Hashable, Sendable, CustomStringConvertible {
    public var session: Int64?
    public var name: String

    public init(session: Int64? = nil, name: String) {
        self.session = session
        self.name = name
    }

    /// `s<N>/<name>` with N ≥ 1 is qualified; anything else is a plain name (nil when empty).
    public static func parse(_ text: String) -> RunReference? {
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("s"), let slash = text.firstIndex(of: "/") {
            let digits = text[text.index(after: text.startIndex)..<slash]
            let rest = String(text[text.index(after: slash)...])
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let session = Int64(digits), session >= 1,
               !rest.isEmpty {
                return RunReference(session: session, name: rest)
            }
        }
        return RunReference(name: text)
    }

    public var description: String { session.map { "s\($0)/\(name)" } ?? name }
}

/// Which of a run's automatic checkpoints: the one at an epoch, the best, or the rolling latest.
public enum CheckpointTag: Hashable, Sendable, CustomStringConvertible {
    case epoch(Int)
    case best
    case latest

    /// `best`, `latest`, or a whole number ≥ 0.
    public static func parse(_ text: String) -> CheckpointTag? {
        switch text {
        case "best": return .best
        case "latest": return .latest
        default:
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let epoch = Int(text) else { return nil }
            return .epoch(epoch)
        }
    }

    public var description: String {
        switch self {
        case let .epoch(n): return "\(n)"
        case .best: return "best"
        case .latest: return "latest"
        }
    }
}

/// A checkpoint as a command names it: a run's own (`x@best`, `x@12`, `s1/x@latest`) or one
/// saved under a name (`checkpoint save before-lr-drop`).
public enum CheckpointReference: Hashable, Sendable, CustomStringConvertible {
    case automatic(run: RunReference, tag: CheckpointTag)
    case named(String)

    /// `RUN@TAG` (split at the last `@`, TAG `best`, `latest` or an epoch; RUN as in
    /// `RunReference.parse`) is automatic; anything else is a name.
    public static func parse(_ text: String) -> CheckpointReference {
        if let at = text.lastIndex(of: "@"), let tag = CheckpointTag.parse(String(text[text.index(after: at)...])),
           let run = RunReference.parse(String(text[..<at])) {
            return .automatic(run: run, tag: tag)
        }
        return .named(text)
    }

    /// The name an automatic checkpoint is stored under within its run: `x@best`.
    public static func automaticName(run: String, tag: CheckpointTag) -> String { "\(run)@\(tag)" }

    public var description: String {
        switch self {
        case let .automatic(run, tag): return "\(run)@\(tag)"
        case let .named(name): return name
        }
    }
}
