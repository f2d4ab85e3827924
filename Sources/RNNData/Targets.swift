/// A trade whose future return the `q` targets value.
public enum TradeAction: String, Codable, Sendable, CaseIterable {
    case buy, sell, hold
}

/// What the model learns to predict at each step.
///
/// Encoded as `{"kind": "q", "gamma": 0.9, "actions": ["buy", "sell"]}` or
/// `{"kind": "next", "horizon": 1}`.
public enum TargetSpec: Codable, Sendable, Equatable {
    /// `targets q gamma=γ actions=…`: the discounted future return of each action by
    /// Bellman's equation over the known future (SPEC §2); one output per action, in order.
    case q(gamma: Double, actions: [TradeAction])
    /// `targets next horizon=H`: `p[t+H] − p[t]`; one output.
    case next(horizon: Int)

    /// The defaults: `targets q gamma=0.9 actions=buy,sell`.
    public static let defaultQ = TargetSpec.q(gamma: 0.9, actions: [.buy, .sell])
    /// `targets next horizon=1`.
    public static let defaultNext = TargetSpec.next(horizon: 1)

    /// Outputs per step: the number of actions, or 1.
    public var width: Int {
        switch self {
        case let .q(_, actions): actions.count
        case .next: 1
        }
    }

    /// A name for each output column, e.g. `["buy", "sell"]` or `["next+5"]`.
    public var outputNames: [String] {
        switch self {
        case let .q(_, actions): actions.map(\.rawValue)
        case let .next(horizon): ["next+\(horizon)"]
        }
    }

    /// Checks gamma ∈ [0, 1], a non-empty list of distinct actions, horizon ≥ 1.
    public func validate() throws(DataError) {
        switch self {
        case let .q(gamma, actions):
            guard gamma.isFinite, gamma >= 0, gamma <= 1 else {
                throw .invalidOption(command: "targets q", option: "gamma", value: "\(gamma)", expected: "a number from 0 to 1")
            }
            guard !actions.isEmpty, Set(actions).count == actions.count else {
                throw .invalidOption(command: "targets q", option: "actions",
                                     value: actions.map(\.rawValue).joined(separator: ","),
                                     expected: "one or more distinct actions of buy, sell, hold")
            }
        case let .next(horizon):
            guard horizon >= 1 else {
                throw .invalidOption(command: "targets next", option: "horizon", value: "\(horizon)",
                                     expected: "an integer of at least 1")
            }
        }
    }

    /// The command as the language writes it.
    public var text: String {
        switch self {
        case let .q(gamma, actions): "targets q gamma=\(gamma) actions=\(actions.map(\.rawValue).joined(separator: ","))"
        case let .next(horizon): "targets next horizon=\(horizon)"
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, gamma, actions, horizon }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "q":
            self = .q(gamma: try c.decodeIfPresent(Double.self, forKey: .gamma) ?? 0.9,
                      actions: try c.decodeIfPresent([TradeAction].self, forKey: .actions) ?? [.buy, .sell])
        case "next":
            self = .next(horizon: try c.decodeIfPresent(Int.self, forKey: .horizon) ?? 1)
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                                                   debugDescription: "unknown target kind '\(kind)' (expected q or next)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .q(gamma, actions):
            try c.encode("q", forKey: .kind)
            try c.encode(gamma, forKey: .gamma)
            try c.encode(actions, forKey: .actions)
        case let .next(horizon):
            try c.encode("next", forKey: .kind)
            try c.encode(horizon, forKey: .horizon)
        }
    }

    /// Targets of one segment `prices[range]` (the whole sequence, or its head or tail):
    /// `width` values per step, row-major, and whether each step's target is defined.
    /// No price outside `range` is read.
    func segment(_ prices: [Double], _ range: Range<Int>) -> (values: [Double], defined: [Bool]) {
        let n = range.count
        var values = [Double](repeating: 0, count: n * width)
        var defined = [Bool](repeating: true, count: n)
        switch self {
        case let .q(gamma, actions):
            // Backwards from the last step, whose Q is 0 for every action (no future).
            var nextBest = 0.0
            for local in stride(from: n - 2, through: 0, by: -1) {
                let t = range.lowerBound + local
                let change = prices[t + 1] - prices[t]
                var best = -Double.infinity
                for (a, action) in actions.enumerated() {
                    let reward: Double = switch action {
                    case .buy: change
                    case .sell: -change
                    case .hold: 0
                    }
                    let q = reward + gamma * nextBest
                    values[local * actions.count + a] = q
                    best = max(best, q)
                }
                nextBest = best
            }
        case let .next(horizon):
            for local in 0..<n {
                let t = range.lowerBound + local
                if local + horizon < n {
                    values[local] = prices[t + horizon] - prices[t]
                } else {
                    defined[local] = false
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
