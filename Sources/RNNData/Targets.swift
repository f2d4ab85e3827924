/// A trade whose future return the `q` targets value.
public enum TradeAction: String, Codable, Sendable, CaseIterable {
    case buy, sell, hold
}

/// What `targets next` predicts of each column: the change `p(t+H) − p(t)` or the value `p(t+H)`.
public enum NextForm: String, Codable, Sendable, CaseIterable {
    case change, value
}

/// What the model learns to predict at each step.
///
/// Encoded as `{"kind": "q", "gamma": 0.9, "actions": ["buy", "sell"]}` or
/// `{"kind": "next", "horizon": 1}`, with `column`, `columns`, `as`, `scale` only when set.
public enum TargetSpec: Codable, Sendable, Equatable {
    /// `targets q gamma=γ actions=… [column=NAME]`: the discounted future return of each action
    /// by Bellman's equation over the known future (SPEC §2) of one column (default the first);
    /// one output per action, in order.
    case q(gamma: Double, actions: [TradeAction], column: String? = nil)
    /// `targets next horizon=H [columns=…] [as=change|value] [scale=…]`: per column (default
    /// the first channel) `p[t+H] − p[t]` or `p[t+H]`; one output per column.
    case next(horizon: Int, columns: [String]? = nil, form: NextForm = .change, scale: FeatureScale = .none)

    /// The defaults: `targets q gamma=0.9 actions=buy,sell`.
    public static let defaultQ = TargetSpec.q(gamma: 0.9, actions: [.buy, .sell])
    /// `targets next horizon=1`.
    public static let defaultNext = TargetSpec.next(horizon: 1)

    /// Outputs per step: the number of actions, or of columns.
    public var width: Int {
        switch self {
        case let .q(_, actions, _): actions.count
        case let .next(_, columns, _, _): columns?.count ?? 1
        }
    }

    /// How the targets are scaled (q targets never are).
    public var scale: FeatureScale {
        if case let .next(_, _, _, scale) = self { return scale }
        return .none
    }

    /// A name for each output column, e.g. `["buy", "sell"]` or `["next+5"]` (without a series
    /// at hand; see `names(for:)`).
    public var outputNames: [String] {
        switch self {
        case let .q(_, actions, _): actions.map(\.rawValue)
        case let .next(horizon, columns, _, _): columns ?? ["next+\(horizon)"]
        }
    }

    /// The target names for `series`: the action (`buy`, `sell`, `hold`), or the column's name.
    public func names(for series: Series) throws(DataError) -> [String] {
        switch self {
        case let .q(_, actions, _): return actions.map(\.rawValue)
        case .next: return try channels(of: series).map { series.channelNames[$0] }
        }
    }

    /// The channels the targets are computed from, in output order (one for q).
    public func channels(of series: Series) throws(DataError) -> [Int] {
        switch self {
        case let .q(_, _, column):
            return try resolveColumns(column.map { [$0] }, in: series, command: "targets q").prefix(1).map { $0 }
        case let .next(_, columns, _, _):
            return try resolveColumns(columns, in: series, command: "targets next").prefix(columns == nil ? 1 : Int.max).map { $0 }
        }
    }

    /// Checks gamma ∈ [0, 1], a non-empty list of distinct actions, horizon ≥ 1, distinct columns.
    public func validate() throws(DataError) {
        switch self {
        case let .q(gamma, actions, _):
            guard gamma.isFinite, gamma >= 0, gamma <= 1 else {
                throw .invalidOption(command: "targets q", option: "gamma", value: "\(gamma)", expected: "a number from 0 to 1")
            }
            guard !actions.isEmpty, Set(actions).count == actions.count else {
                throw .invalidOption(command: "targets q", option: "actions",
                                     value: actions.map(\.rawValue).joined(separator: ","),
                                     expected: "one or more distinct actions of buy, sell, hold")
            }
        case let .next(horizon, columns, _, _):
            guard horizon >= 1 else {
                throw .invalidOption(command: "targets next", option: "horizon", value: "\(horizon)",
                                     expected: "an integer of at least 1")
            }
            if let columns, columns.isEmpty || Set(columns).count != columns.count {
                throw .invalidOption(command: "targets next", option: "columns", value: columns.joined(separator: ","),
                                     expected: "one or more distinct column names")
            }
        }
    }

    /// The command as the language writes it.
    public var text: String {
        switch self {
        case let .q(gamma, actions, column):
            return "targets q gamma=\(gamma) actions=\(actions.map(\.rawValue).joined(separator: ","))"
                + (column.map { " column=\($0)" } ?? "")
        case let .next(horizon, columns, form, scale):
            var text = "targets next horizon=\(horizon)"
            if let columns { text += " columns=\(columns.joined(separator: ","))" }
            if form != .change || scale != .none { text += " as=\(form.rawValue) scale=\(scale.rawValue)" }
            return text
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, gamma, actions, horizon, column, columns, form = "as", scale }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "q":
            self = .q(gamma: try c.decodeIfPresent(Double.self, forKey: .gamma) ?? 0.9,
                      actions: try c.decodeIfPresent([TradeAction].self, forKey: .actions) ?? [.buy, .sell],
                      column: try c.decodeIfPresent(String.self, forKey: .column))
        case "next":
            self = .next(horizon: try c.decodeIfPresent(Int.self, forKey: .horizon) ?? 1,
                         columns: try c.decodeIfPresent([String].self, forKey: .columns),
                         form: try c.decodeIfPresent(NextForm.self, forKey: .form) ?? .change,
                         scale: try c.decodeIfPresent(FeatureScale.self, forKey: .scale) ?? .none)
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                                                   debugDescription: "unknown target kind '\(kind)' (expected q or next)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .q(gamma, actions, column):
            try c.encode("q", forKey: .kind)
            try c.encode(gamma, forKey: .gamma)
            try c.encode(actions, forKey: .actions)
            try c.encodeIfPresent(column, forKey: .column)
        case let .next(horizon, columns, form, scale):
            try c.encode("next", forKey: .kind)
            try c.encode(horizon, forKey: .horizon)
            try c.encodeIfPresent(columns, forKey: .columns)
            if form != .change { try c.encode(form, forKey: .form) }
            if scale != .none { try c.encode(scale, forKey: .scale) }
        }
    }

    /// Targets of one segment `range` (the whole sequence, or its head or tail) from the
    /// target channels `columns[k][step]` (one for q): `width` values per step, row-major, and
    /// whether each element is defined (`missing[k][step]` marks unknown inputs; nil: none).
    /// No value outside `range` is read.
    func segment(_ columns: [[Double]], _ range: Range<Int>, missing: [[Bool]]? = nil)
        -> (values: [Double], defined: [Bool]) {
        let n = range.count
        var values = [Double](repeating: 0, count: n * width)
        var defined = [Bool](repeating: true, count: n * width)
        func isMissing(_ k: Int, _ t: Int) -> Bool { missing.map { $0[k][t] } ?? false }
        switch self {
        case let .q(gamma, actions, _):
            let prices = columns[0]
            // Backwards from the last step, whose Q is 0 for every action (no future).
            var nextBest = 0.0
            for local in stride(from: n - 2, through: 0, by: -1) {
                let t = range.lowerBound + local
                let change = prices[t + 1] - prices[t]
                let unknown = isMissing(0, t) || isMissing(0, t + 1)
                var best = -Double.infinity
                for (a, action) in actions.enumerated() {
                    let reward: Double = switch action {
                    case .buy: change
                    case .sell: -change
                    case .hold: 0
                    }
                    let q = reward + gamma * nextBest
                    values[local * actions.count + a] = q
                    if unknown { defined[local * actions.count + a] = false }
                    best = max(best, q)
                }
                nextBest = best
            }
        case let .next(horizon, _, form, _):
            let w = width
            for (k, prices) in columns.enumerated() {
                for local in 0..<n {
                    let t = range.lowerBound + local
                    if local + horizon < n {
                        values[local * w + k] = form == .change ? prices[t + horizon] - prices[t] : prices[t + horizon]
                        if isMissing(k, t + horizon) || (form == .change && isMissing(k, t)) { defined[local * w + k] = false }
                    } else {
                        defined[local * w + k] = false
                    }
                }
            }
        }
        return (values, defined)
    }
}

/// `validate tail=F`: hold out the last fraction F of every sequence.
public struct ValidationSpec: Codable, Sendable, Equatable {
    /// The held-out fraction, 0 < tail < 1.
    public var tail: Double

    public init(tail: Double) {
        self.tail = tail
    }

    /// Checks 0 < tail < 1.
    public func validate() throws(DataError) {
        guard tail.isFinite, tail > 0, tail < 1 else {
            throw .invalidOption(command: "validate", option: "tail", value: "\(tail)",
                                 expected: "a fraction between 0 and 1, exclusive")
        }
    }

    /// The tail length for a sequence of n steps: `max(1, round(F·n))` (half away from
    /// zero), capped at n − 2 so the head keeps 2 steps; nil when n < 3.
    public func tailLength(sequenceLength n: Int) -> Int? {
        guard n >= 3 else { return nil }
        let wanted = max(1, Int((tail * Double(n)).rounded(.toNearestOrAwayFromZero)))
        return min(wanted, n - 2)
    }

    /// The command as the language writes it.
    public var text: String { "validate tail=\(tail)" }
}
