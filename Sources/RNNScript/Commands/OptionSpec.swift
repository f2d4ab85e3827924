/// One `key=value` option of a command form, declared once: its name, how its value is read
/// and checked, where it goes in the form's value (`Root`), and its help. Parsing, `help`
/// (the default is the form's default value, rendered), `show` (the current value, rendered)
/// and completion all read this declaration.
public struct OptionSpec<Root>: Sendable {
    public let name: String
    public let help: String
    /// Words completion offers for the value (a choice's cases); empty for free values.
    public let values: [String]
    let apply: @Sendable (inout Root, ScriptValue, SourceRange) throws(ScriptError) -> Void
    /// The value as the language writes it; nil when unset (an optional left out).
    let render: @Sendable (Root) -> String?

    public init(name: String, help: String, values: [String] = [],
                apply: @escaping @Sendable (inout Root, ScriptValue, SourceRange) throws(ScriptError) -> Void,
                render: @escaping @Sendable (Root) -> String?) {
        self.name = name
        self.help = help
        self.values = values
        self.apply = apply
        self.render = render
    }

    /// The value of this option in `root`, as the language writes it.
    public func text(in root: Root) -> String? { render(root) }
}

/// What a number option accepts.
public enum NumberBound: Sendable {
    case finite, positive, nonNegative
    /// 0 ≤ x < 1 (momentum, rho, betas, dropout).
    case unitInterval
    /// 0 ≤ x ≤ 1 (gamma).
    case closedUnit
    /// 0 < x < 1 (a validation tail, a factor).
    case openUnit

    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        switch self {
        case .finite: return true
        case .positive: return x > 0
        case .nonNegative: return x >= 0
        case .unitInterval: return x >= 0 && x < 1
        case .closedUnit: return x >= 0 && x <= 1
        case .openUnit: return x > 0 && x < 1
        }
    }

    /// What would be right, for the message: `0 ≤ momentum < 1`.
    public func expected(_ name: String) -> String {
        switch self {
        case .finite: "a finite number"
        case .positive: "\(name) > 0"
        case .nonNegative: "\(name) ≥ 0"
        case .unitInterval: "0 ≤ \(name) < 1"
        case .closedUnit: "0 ≤ \(name) ≤ 1"
        case .openUnit: "0 < \(name) < 1"
        }
    }
}

extension OptionSpec {
    public static func integer(_ name: String, _ path: WritableKeyPath<Root, Int> & Sendable, in range: ClosedRange<Int>,
                               help: String) -> Self {
        Self(name: name, help: help, apply: { root, value, place throws(ScriptError) in
            root[keyPath: path] = try Arguments.integer(value, name: name, in: range, at: place)
        }, render: { "\($0[keyPath: path])" })
    }

    public static func optionalInteger(_ name: String, _ path: WritableKeyPath<Root, Int?> & Sendable,
                                       in range: ClosedRange<Int>, help: String) -> Self {
        Self(name: name, help: help, apply: { root, value, place throws(ScriptError) in
            root[keyPath: path] = try Arguments.integer(value, name: name, in: range, at: place)
        }, render: { $0[keyPath: path].map { "\($0)" } })
    }

    public static func number(_ name: String, _ path: WritableKeyPath<Root, Double> & Sendable, _ bound: NumberBound,
                              help: String) -> Self {
        Self(name: name, help: help, apply: { root, value, place throws(ScriptError) in
            root[keyPath: path] = try Arguments.number(value, name: name, bound, at: place)
        }, render: { "\($0[keyPath: path])" })
    }

    public static func optionalNumber(_ name: String, _ path: WritableKeyPath<Root, Double?> & Sendable,
                                      _ bound: NumberBound, help: String) -> Self {
        Self(name: name, help: help, apply: { root, value, place throws(ScriptError) in
            root[keyPath: path] = try Arguments.number(value, name: name, bound, at: place)
        }, render: { $0[keyPath: path].map { "\($0)" } })
    }

    public static func bool(_ name: String, _ path: WritableKeyPath<Root, Bool> & Sendable, help: String) -> Self {
        Self(name: name, help: help, values: ["true", "false"], apply: { root, value, place throws(ScriptError) in
            switch value.description {
            case "true", "yes", "1": root[keyPath: path] = true
            case "false", "no", "0": root[keyPath: path] = false
            default: throw ScriptError(.error("\(name) must be true or false (found '\(value)')", range: place))
            }
        }, render: { "\($0[keyPath: path])" })
    }

    /// One of an enum's cases, by its raw value.
    public static func choice<Choice>(_ name: String, _ path: WritableKeyPath<Root, Choice> & Sendable,
                                      help: String) -> Self
    where Choice: RawRepresentable<String> & CaseIterable & Sendable {
        let names = Choice.allCases.map(\.rawValue)
        return Self(name: name, help: help, values: names, apply: { root, value, place throws(ScriptError) in
            guard let choice = Choice(rawValue: value.description) else {
                throw ScriptError(.error("\(name) must be \(Suggestion.list(names)) (found '\(value)')", range: place))
            }
            root[keyPath: path] = choice
        }, render: { $0[keyPath: path].rawValue })
    }

    /// A list of distinct cases of an enum, comma-separated: `actions=buy,sell,hold`.
    public static func choices<Choice>(_ name: String, _ path: WritableKeyPath<Root, [Choice]> & Sendable,
                                       help: String) -> Self
    where Choice: RawRepresentable<String> & CaseIterable & Sendable & Equatable {
        let names = Choice.allCases.map(\.rawValue)
        return Self(name: name, help: help, values: names, apply: { root, value, place throws(ScriptError) in
            var list: [Choice] = []
            for element in value.elements {
                guard let choice = Choice(rawValue: element.description), !list.contains(choice) else {
                    throw ScriptError(.error("\(name) must list \(Suggestion.list(names)) at most once each (found '\(value)')",
                                             range: place))
                }
                list.append(choice)
            }
            root[keyPath: path] = list
        }, render: { $0[keyPath: path].map(\.rawValue).joined(separator: ",") })
    }

    /// A comma-separated list of names (columns).
    public static func names(_ name: String, _ path: WritableKeyPath<Root, [String]?> & Sendable, help: String) -> Self {
        Self(name: name, help: help, apply: { root, value, _ in root[keyPath: path] = value.elements.map(\.description) },
             render: { $0[keyPath: path]?.joined(separator: ",") })
    }

    /// Free text (a name).
    public static func text(_ name: String, _ path: WritableKeyPath<Root, String?> & Sendable, help: String) -> Self {
        Self(name: name, help: help, apply: { root, value, _ in root[keyPath: path] = value.description },
             render: { $0[keyPath: path] })
    }
}

/// A command form's options and the value they fill, starting from its defaults.
public struct OptionForm<Root: Sendable>: Sendable {
    /// The value when no option is given: the one place each of these defaults is declared.
    public let defaults: Root
    public let options: [OptionSpec<Root>]

    public init(defaults: Root, _ options: [OptionSpec<Root>]) {
        self.defaults = defaults
        self.options = options
    }

    /// The form's value: `base` (else the defaults) with every given option applied.
    public func read(_ arguments: inout Arguments, from base: Root? = nil) throws(ScriptError) -> Root {
        var root = base ?? defaults
        for option in options {
            if let (value, place) = arguments.option(option.name) { try option.apply(&root, value, place) }
        }
        return root
    }

    /// `name=value …` for every option set in `root`, in declaration order.
    public func shown(_ root: Root) -> String {
        options.compactMap { option in option.render(root).map { "\(option.name)=\($0)" } }.joined(separator: " ")
    }

    /// `(name, value)` for every option set in `root`.
    public func values(_ root: Root) -> [(name: String, value: String)] {
        options.compactMap { option in option.render(root).map { (option.name, $0) } }
    }

    /// The options as `help` and completion see them; `form` labels them when a command has several.
    public func infos(form: String? = nil) -> [OptionInfo] {
        options.map { OptionInfo(name: $0.name, help: $0.help, defaultText: $0.render(defaults), values: $0.values,
                                 form: form) }
    }
}

/// An option as `help` and completion see it, whatever form it belongs to.
public struct OptionInfo: Sendable, Equatable {
    public var name: String
    public var help: String
    /// The default as the language writes it; nil when the option is unset by default.
    public var defaultText: String?
    public var values: [String]
    /// The sub-form it belongs to (`sine`, `csv`), when the command has several.
    public var form: String?
}
