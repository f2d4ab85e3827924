import Foundation
import RNNEngine
import RNNScript

/// The values a sweep tries: `--grid NAME=V1,V2,…` (their Cartesian product) and `--random N
/// --range NAME=LO:HI[:log] --seed S` (N seeded points), each point crossed with the grid.
struct SweepSpace {
    struct Grid: Equatable {
        var name: String
        var values: [String]
    }

    struct Range: Equatable {
        var name: String
        var low: Double
        var high: Double
        var logarithmic: Bool
    }

    var grids: [Grid] = []
    var ranges: [Range] = []
    var randomCount: Int?
    var seed: UInt64 = 0

    /// `NAME=V1,V2,…`; with a `|` anywhere the values are split at `|` instead, so a value may
    /// hold commas (`splits=100,50,10,2,1|1`).
    static func grid(parsing text: String) throws -> Grid {
        let (name, rest) = try nameAndRest(text, option: "--grid", example: "optimizer=sgd,adam")
        let values = (rest.contains("|") ? rest.split(separator: "|", omittingEmptySubsequences: false)
                                         : rest.split(separator: ",", omittingEmptySubsequences: false))
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if let empty = values.firstIndex(where: \.isEmpty) {
            throw SweepError("--grid \(text): value \(empty + 1) is empty; write NAME=V1,V2 (or V1|V2 when values hold commas)")
        }
        if Set(values).count != values.count { throw SweepError("--grid \(text): a value is given twice") }
        for value in values { _ = try override(name, value, option: "--grid \(text)") }
        return Grid(name: name, values: values)
    }

    /// `NAME=LO:HI` or `NAME=LO:HI:log`.
    static func range(parsing text: String) throws -> Range {
        let (name, rest) = try nameAndRest(text, option: "--range", example: "lr=0.0001:0.01:log")
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || (parts.count == 3 && parts[2] == "log"),
              let low = Double(parts[0]), let high = Double(parts[1]), low.isFinite, high.isFinite, low < high
        else { throw SweepError("--range \(text): expected NAME=LO:HI or NAME=LO:HI:log with LO < HI, such as lr=0.0001:0.01:log") }
        let logarithmic = parts.count == 3
        if logarithmic && low <= 0 { throw SweepError("--range \(text): a log range needs LO > 0") }
        return Range(name: name, low: low, high: high, logarithmic: logarithmic)
    }

    private static func nameAndRest(_ text: String, option: String, example: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "=") else { throw SweepError("\(option) \(text): expected NAME=…, such as \(example)") }
        let name = String(text[..<equals])
        guard Override.isName(name) else { throw SweepError("\(option) \(text): '\(name)' is not a let name") }
        return (name, String(text[text.index(after: equals)...]))
    }

    /// The value as `--set` reads it, or the error saying why not.
    @discardableResult
    static func override(_ name: String, _ value: String, option: String) throws -> Override {
        do { return try Override(parsing: "\(name)=\(value)") } catch {
            throw SweepError("\(option): '\(value)' is not a value --set takes (\(error))")
        }
    }

    /// The swept names, grid first.
    var parameters: [String] { grids.map(\.name) + ranges.map(\.name) }

    /// Every trial's values, in a fixed order (the grid's last name varies fastest).
    func points() throws -> [[SweepPlan.Setting]] {
        let names = parameters
        if Set(names).count != names.count { throw SweepError("a name is swept twice (\(names.joined(separator: ", ")))") }
        if randomCount == nil, !ranges.isEmpty { throw SweepError("--range needs --random N (how many points to draw)") }
        if randomCount != nil, ranges.isEmpty { throw SweepError("--random needs one --range NAME=LO:HI or more") }
        if grids.isEmpty && ranges.isEmpty { throw SweepError("a sweep needs --grid NAME=V1,V2 or --random N --range NAME=LO:HI") }
        var points: [[SweepPlan.Setting]] = [[]]
        for grid in grids {
            points = points.flatMap { point in grid.values.map { point + [SweepPlan.Setting(name: grid.name, value: $0)] } }
        }
        guard let count = randomCount else { return points }
        var generator = Random(seed: seed)      // the engine's seeded generator: the same points on every machine
        let drawn: [[SweepPlan.Setting]] = (0..<count).map { _ in
            ranges.map { range in
                let u = generator.uniform()
                let x = range.logarithmic ? exp(log(range.low) + u * (log(range.high) - log(range.low)))
                                          : range.low + u * (range.high - range.low)
                return SweepPlan.Setting(name: range.name, value: "\(x)")
            }
        }
        return points.flatMap { point in drawn.map { point + $0 } }
    }
}

/// Whether a script's run names already differ across trials: every `name=` it gives mentions
/// a swept name (`name="opt-$optimizer"`, `name=$optimizer`), read from the script's tokens so
/// comments, spacing and literal `'…'` strings count as the language reads them. Otherwise
/// each trial's runs get `-tN` appended.
enum RunNaming {
    static func namesDiffer(in source: String, swept: [String]) -> Bool {
        let tokens = Lexer.tokenize(source).tokens.map(\.kind)
        var mentions: [Set<String>] = []     // the variables each `name=` value reads
        for i in tokens.indices.dropLast(2) where tokens[i] == .word("name") && tokens[i + 1] == .equals {
            switch tokens[i + 2] {
            case let .string(parts):
                mentions.append(Set(parts.compactMap { if case let .variable(v) = $0.kind { v } else { nil } }))
            case let .variable(v):
                mentions.append([v])
            default:
                mentions.append([])
            }
        }
        return !mentions.isEmpty && mentions.allSatisfy { !$0.isDisjoint(with: swept) }
    }
}
