/// The syntax tree of a script: what was written, before any name is looked up.
///
/// Every node carries the source range it was parsed from. `description` prints a node back as
/// canonical source on one line per top-level statement (blocks inline, statements in a block
/// separated by `; `); parsing that text gives the same tree again, up to ranges.

/// A whole script or REPL cell.
public struct Script: Sendable, Equatable, CustomStringConvertible {
    public var statements: [Statement]
    public var range: SourceRange

    public init(statements: [Statement], range: SourceRange) {
        self.statements = statements
        self.range = range
    }

    public var description: String { statements.map(\.description).joined(separator: "\n") }
}

/// One statement: a command, `let`, `for` or `repeat`.
public enum Statement: Sendable, Equatable, CustomStringConvertible {
    case command(CommandCall)
    case letBinding(LetBinding)
    case forLoop(ForLoop)
    case repeatLoop(RepeatLoop)

    public var range: SourceRange {
        switch self {
        case let .command(node): node.range
        case let .letBinding(node): node.range
        case let .forLoop(node): node.range
        case let .repeatLoop(node): node.range
        }
    }

    public var description: String {
        switch self {
        case let .command(node): node.description
        case let .letBinding(node): node.description
        case let .forLoop(node): node.description
        case let .repeatLoop(node): node.description
        }
    }
}

/// A name as written in a fixed position: a command's head, an option's key, the variable of
/// `let` or `for`.
public struct Identifier: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var range: SourceRange

    public init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }

    public var description: String { name }
}

/// `HEAD ARGUMENT…`, such as `train epochs=$epochs name="opt-$opt"` or
/// `model dense 64 relu -> lstm 64`.
///
/// The parser knows no command names: every command has this shape, and the `->` separators of
/// `model` are kept as `.arrow` arguments where they were written (`segments` splits at them).
/// The resolver decides which commands accept which arguments.
public struct CommandCall: Sendable, Equatable, CustomStringConvertible {
    public var head: Identifier
    public var arguments: [Argument]
    public var range: SourceRange

    public init(head: Identifier, arguments: [Argument], range: SourceRange) {
        self.head = head
        self.arguments = arguments
        self.range = range
    }

    /// The arguments split at each `->`: one group per layer of a `model` command, or a single
    /// group when there is no arrow. Since an arrow is never first, last or doubled, no group is
    /// empty unless the command has no arguments at all.
    public var segments: [[Argument]] {
        arguments.split(omittingEmptySubsequences: false) { $0.kind == .arrow }.map(Array.init)
    }

    public var description: String {
        ([head.name] + arguments.map(\.description)).joined(separator: " ")
    }
}

/// One argument of a command.
public struct Argument: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A value on its own: `sgd`, `64`, `"out.svg"`, `$opt`, `100,50,10`.
        case positional(Value)
        /// `key=value`; spaces around `=` are allowed.
        case option(key: Identifier, value: Value)
        /// `->`, which separates the layers of `model`. Never first, last or doubled.
        case arrow
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    public var description: String {
        switch kind {
        case let .positional(value): value.description
        case let .option(key, value): "\(key.name)=\(value)"
        case .arrow: "->"
        }
    }
}

/// A value as written.
public struct Value: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case word(String)
        /// The source text (`20_000`, `1e-3`) and its value; always finite.
        case number(text: String, value: Double)
        case string([StringPart])
        /// `$name` or `${name}`.
        case variable(String)
        /// `a,b,c`: two or more values separated by commas, with spaces allowed around each
        /// comma and a line break allowed after it. Elements are never lists themselves. A
        /// single value where a list is expected is a list of one; that is for the resolver.
        case list([Value])
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The value as an integer, when it is a number with an exact integer value in range.
    public var integerValue: Int? {
        if case let .number(_, value) = kind { return Int(exactly: value) }
        return nil
    }

    public var description: String {
        switch kind {
        case let .word(text): text
        case let .number(text, _): text
        case let .string(parts): canonicalString(parts)
        case let .variable(name): "$" + name
        case let .list(elements): elements.map(\.description).joined(separator: ",")
        }
    }
}

/// `let NAME = VALUE`.
public struct LetBinding: Sendable, Equatable, CustomStringConvertible {
    public var name: Identifier
    public var value: Value
    public var range: SourceRange

    public init(name: Identifier, value: Value, range: SourceRange) {
        self.name = name
        self.value = value
        self.range = range
    }

    public var description: String { "let \(name.name) = \(value)" }
}

/// `for NAME in VALUE… { … }`. The loop runs over the values in order; a list value (written
/// `a,b` or held by a variable) contributes each of its elements.
public struct ForLoop: Sendable, Equatable, CustomStringConvertible {
    public var variable: Identifier
    public var values: [Value]
    public var body: Block
    public var range: SourceRange

    public init(variable: Identifier, values: [Value], body: Block, range: SourceRange) {
        self.variable = variable
        self.values = values
        self.body = body
        self.range = range
    }

    public var description: String {
        "for \(variable.name) in \(values.map(\.description).joined(separator: " ")) \(body)"
    }
}

/// `repeat N { … }`, N a number or a variable (the resolver checks it is a whole number).
public struct RepeatLoop: Sendable, Equatable, CustomStringConvertible {
    public var count: Value
    public var body: Block
    public var range: SourceRange

    public init(count: Value, body: Block, range: SourceRange) {
        self.count = count
        self.body = body
        self.range = range
    }

    public var description: String { "repeat \(count) \(body)" }
}

/// `{ statement… }`, from the opening brace to the closing one.
public struct Block: Sendable, Equatable, CustomStringConvertible {
    public var statements: [Statement]
    public var range: SourceRange

    public init(statements: [Statement], range: SourceRange) {
        self.statements = statements
        self.range = range
    }

    public var description: String {
        statements.isEmpty ? "{ }" : "{ " + statements.map(\.description).joined(separator: "; ") + " }"
    }
}

/// A string's parts as source: escapes re-applied, `$name`, or `${name}` where a name character
/// follows.
private func canonicalString(_ parts: [StringPart]) -> String {
    var out = "\""
    for (i, part) in parts.enumerated() {
        switch part.kind {
        case let .text(text):
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "$": out += "\\$"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                default: out.unicodeScalars.append(scalar)
                }
            }
        case let .variable(name):
            var next: Unicode.Scalar?
            if i + 1 < parts.count, case let .text(text) = parts[i + 1].kind { next = text.unicodeScalars.first }
            out += next.map(isNameCharacter) == true ? "${\(name)}" : "$\(name)"
        }
    }
    return out + "\""
}
