/// The tags a sweep gives each trial's runs (`rnnlab run --tag …`, SPEC §10), kept in their
/// configuration: which sweep, which trial, and each swept `let` as `$NAME`.
public enum SweepTags {
    public static let sweep = "sweep"
    public static let trial = "trial"
    /// `$optimizer`: the value the trial set for `let optimizer`.
    public static func value(_ name: String) -> String { "$" + name }

    /// The swept names and values of a run's configuration, `$` removed, in order.
    static func values(_ configuration: [(key: String, value: String)]) -> [(key: String, value: String)] {
        configuration.filter { $0.key.hasPrefix("$") }.map { (String($0.key.dropFirst()), $0.value) }
    }
}

extension RunOverview {
    /// The sweep the run belongs to, when a sweep ran it.
    public var sweep: String? { value(SweepTags.sweep) }

    /// The value its trial set for `let name`.
    public func sweptValue(_ name: String) -> String? { value(SweepTags.value(name)) }
}
