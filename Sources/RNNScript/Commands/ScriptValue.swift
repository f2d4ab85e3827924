/// A value after variables are substituted: what commands receive.
public enum ScriptValue: Sendable, Equatable, CustomStringConvertible {
    case word(String)
    case number(Double, text: String)
    case string(String)
    case list([ScriptValue])

    /// The value as text: a word or string itself, a number as written, a list comma-joined.
    public var description: String {
        switch self {
        case let .word(w): w
        case let .number(_, text): text
        case let .string(s): s
        case let .list(items): items.map(\.description).joined(separator: ",")
        }
    }

    /// The elements of a list, or the value itself as a list of one.
    public var elements: [ScriptValue] {
        if case let .list(items) = self { return items }
        return [self]
    }
}

/// The largest values a script may build, so no script can exhaust memory through them.
public enum ValueLimits {
    public static let stringBytes = 1 << 20
    public static let listElements = 100_000
}

/// The variables in scope: `let` bindings and loop variables, innermost last.
public struct Environment {
    public var variables: [String: ScriptValue] = [:]

    public init() {}

    /// The value of an AST value here.
    public func evaluate(_ value: Value) throws(ScriptError) -> ScriptValue {
        switch value.kind {
        case let .word(w): return .word(w)
        case let .number(text, v): return .number(v, text: text)
        case let .variable(name): return try lookup(name, at: value.range)
        case let .list(items):
            var out: [ScriptValue] = []
            for item in items {
                out += try evaluate(item).elements
                guard out.count <= ValueLimits.listElements else {
                    throw ScriptError(.error("a list of more than \(ValueLimits.listElements) elements is over the limit",
                                             range: value.range))
                }
            }
            return .list(out)
        case let .string(parts):
            var text = ""
            for part in parts {
                switch part.kind {
                case let .text(t): text += t
                case let .variable(name): text += try lookup(name, at: part.range).description
                }
                // Checked as it grows: `let a = "$a$a"` in a loop doubles it each time.
                guard text.utf8.count <= ValueLimits.stringBytes else {
                    throw ScriptError(.error("a string of more than \(ValueLimits.stringBytes) bytes is over the limit "
                                             + "(1 MiB; strings hold names, paths and messages)", range: value.range))
                }
            }
            return .string(text)
        }
    }

    public func lookup(_ name: String, at range: SourceRange) throws(ScriptError) -> ScriptValue {
        if let value = variables[name] { return value }
        let hint = Suggestion.closest(to: name, among: Array(variables.keys)).map { " (did you mean '$\($0)'?)" } ?? ""
        throw ScriptError(.error("undefined variable '$\(name)'\(hint); define it first with 'let \(name) = …'", range: range))
    }
}

/// A diagnostic thrown by resolution or execution.
public struct ScriptError: Error, Sendable {
    public let diagnostic: Diagnostic

    public init(_ diagnostic: Diagnostic) {
        self.diagnostic = diagnostic
    }
}

/// Did-you-mean: the candidate with the smallest edit distance, if it is close enough.
public enum Suggestion {
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = max(1, word.count / 3)
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }.filter { $0.1 <= limit }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }

    /// Edit distance counting a swap of neighbours as one edit (optimal string alignment):
    /// `tarin` is one edit from `train`.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    /// "a, b or c".
    public static func list(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}
