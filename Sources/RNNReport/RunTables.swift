import Foundation

/// A run as the `runs` and `compare` tables show it.
public struct RunOverview: Sendable {
    public var name: String
    /// running, finished, interrupted or diverged.
    public var status: String
    /// The store's session that ran it, when it came from the store.
    public var session: Int64?
    /// Each epoch's training loss and the loss the schedules watched (validation when on).
    public var losses: [Double]
    public var monitored: [Double]
    /// K of the last epoch.
    public var lastSplits: Int?
    public var seconds: Double
    /// The settings it started with, in display order.
    public var configuration: [(key: String, value: String)]
    /// Where its starting weights came from (`x@6`), when not from a fresh initialisation.
    public var parent: String?
    /// Settings changed between its `train`s, as `epoch: change`.
    public var changes: [String]

    public init(name: String, status: String, session: Int64?, losses: [Double], monitored: [Double], lastSplits: Int?,
                seconds: Double, configuration: [(key: String, value: String)], parent: String? = nil,
                changes: [String] = []) {
        self.parent = parent
        self.changes = changes
        self.name = name
        self.status = status
        self.session = session
        self.losses = losses
        self.monitored = monitored
        self.lastSplits = lastSplits
        self.seconds = seconds
        self.configuration = configuration
    }

    /// Totals given directly (a store's run list, which reads no metric) rather than from the
    /// per-epoch losses.
    public var totals: (epochs: Int, finalLoss: Double?, best: (loss: Double, epoch: Int)?)?

    /// A run as `runs` lists it from its totals alone.
    public init(name: String, status: String, session: Int64?, epochs: Int, finalLoss: Double?,
                best: (loss: Double, epoch: Int)?, lastSplits: Int?, seconds: Double,
                configuration: [(key: String, value: String)], parent: String? = nil, changes: [String] = []) {
        self.init(name: name, status: status, session: session, losses: [], monitored: [], lastSplits: lastSplits,
                  seconds: seconds, configuration: configuration, parent: parent, changes: changes)
        totals = (epochs, finalLoss, best)
    }

    var epochCount: Int { totals?.epochs ?? losses.count }
    var finalLoss: Double? { totals.map(\.finalLoss) ?? losses.last }

    /// The lowest monitored loss and its epoch (from 1).
    var best: (loss: Double, epoch: Int)? {
        if let totals { return totals.best }
        return monitored.enumerated().filter { $0.element.isFinite }.min { $0.element < $1.element }.map { ($0.element, $0.offset + 1) }
    }

    func value(_ key: String) -> String? {
        configuration.first { $0.key == key }?.value
    }
}

public enum RunTables {
    /// One row per run; a session column when the runs come from the store, and `from` and
    /// `changes` columns when some run started from trained weights or changed a setting.
    public static func runs(_ runs: [RunOverview]) -> TextTable {
        let sessions = runs.contains { $0.session != nil }
        let parents = runs.contains { $0.parent != nil }, changes = runs.contains { !$0.changes.isEmpty }
        let columns = ["run", "status", "epochs", "loss", "best", "optimizer", "clip", "splits"] + (sessions ? ["session"] : [])
            + (parents ? ["from"] : []) + (changes ? ["changes"] : [])
        let rows = runs.map { r -> [String] in
            let final: String = r.finalLoss.map(loss) ?? "–"
            let best: String = r.best.map { loss($0.loss) } ?? "–"
            var row: [String] = [r.name, r.status, "\(r.epochCount)", final, best]
            row += [r.value("optimizer") ?? "", r.value("clip") ?? "", r.lastSplits.map { "\($0)" } ?? ""]
            if sessions { row.append(r.session.map { "\($0)" } ?? "") }
            if parents { row.append(r.parent ?? "") }
            if changes { row.append(r.changes.joined(separator: "; ")) }
            return row
        }
        return TextTable(columns: columns, rows: rows)
    }

    /// Runs side by side: epochs, final and best loss, how many epochs each took to reach the
    /// level every one of them reached (the worst of their best losses), time, and the
    /// settings that differ between them — only keys at least two runs have, so an option
    /// one optimizer has and another lacks does not fill the table.
    public static func compare(_ runs: [RunOverview]) -> TextTable {
        var keys: [String] = []
        for run in runs { for (key, _) in run.configuration where !keys.contains(key) { keys.append(key) } }
        let differing = keys.filter { key in
            let values = runs.compactMap { $0.value(key) }
            return values.count >= 2 && Set(values).count > 1
        }
        let bests = runs.compactMap { $0.best?.loss }
        let level = bests.count == runs.count ? bests.max() : nil
        let reachColumn = level.map { "epochs to \(loss($0))" }
        let rows = runs.map { r -> [String] in
            let final: String = r.losses.last.map(loss) ?? "–"
            let best: String = r.best.map { "\(loss($0.loss)) @\($0.epoch)" } ?? "–"
            var row: [String] = [r.name, "\(r.losses.count)", final, best]
            if let level {
                row.append(r.monitored.firstIndex { $0 <= level }.map { "\($0 + 1)" } ?? "–")
            }
            row.append(String(format: "%.1f", r.seconds))
            return row
        }
        // Long settings (a model, a data spec) are cut so the table fits 100 columns; `show run` has them whole.
        let fixedColumns = ["run", "epochs", "final loss", "best"] + (reachColumn.map { [$0] } ?? []) + ["seconds"]
        let used = fixedColumns.indices.reduce(0) { width, i in
            width + max(fixedColumns[i].count, rows.map { $0[i].count }.max() ?? 0) + 2
        }
        let room = differing.isEmpty ? 0 : (100 - used) / differing.count - 2
        let settings = runs.map { r in differing.map { key in abbreviated(r.value(key) ?? "", max(room, key.count, 10)) } }
        return TextTable(columns: fixedColumns + differing, rows: zip(rows, settings).map { $0 + $1 })
    }

    /// The order a sweep's runs are compared in, best loss first (runs without one last; ties
    /// by trial, so the order never depends on which trial finished first); nil unless every
    /// run comes from one and the same sweep.
    public static func sweepOrder(_ runs: [RunOverview]) -> [Int]? {
        guard let sweep = runs.first?.sweep, runs.allSatisfy({ $0.sweep == sweep }) else { return nil }
        func key(_ i: Int) -> (Double, Int, Int) {
            (runs[i].best?.loss ?? .infinity, runs[i].value(SweepTags.trial).flatMap { Int($0) } ?? .max, i)
        }
        return runs.indices.sorted { key($0) < key($1) }
    }

    /// A sweep's runs side by side: the values its grid varied (only those that differ), then
    /// best, final loss, epochs and time; in the order given (`sweepOrder`: best first).
    public static func sweepCompare(_ runs: [RunOverview]) -> TextTable {
        let swept = sweptKeys(runs)
        let bests = runs.compactMap { $0.best?.loss }
        let level = bests.count == runs.count ? bests.max() : nil
        let allFinished = runs.allSatisfy { $0.status == "finished" }
        let columns = ["run"] + swept + ["best", "final loss", "epochs"] + (level.map { ["epochs to \(loss($0))"] } ?? [])
            + ["seconds"] + (allFinished ? [] : ["status"])
        return TextTable(columns: columns, rows: runs.map { r in
            var row = [r.name] + swept.map { key in abbreviated(r.sweptValue(key) ?? "", 24) }
            row += [r.best.map { "\(loss($0.loss)) @\($0.epoch)" } ?? "–", r.finalLoss.map(loss) ?? "–", "\(r.epochCount)"]
            if let level { row.append(r.monitored.firstIndex { $0 <= level }.map { "\($0 + 1)" } ?? "–") }
            return row + [String(format: "%.1f", r.seconds)] + (allFinished ? [] : [r.status])
        })
    }

    /// The swept names whose values differ between the runs, in the order the runs list them.
    public static func sweptKeys(_ runs: [RunOverview]) -> [String] {
        var keys: [String] = []
        for run in runs { for (key, _) in SweepTags.values(run.configuration) where !keys.contains(key) { keys.append(key) } }
        return keys.filter { key in Set(runs.map { $0.sweptValue(key) }).count > 1 }
    }

    /// At most `width` characters, the cut marked with `…`.
    static func abbreviated(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// Six decimals, as the epoch lines print losses.
    static func loss(_ value: Double) -> String {
        NumberText.fixed(value, 6)
    }
}
