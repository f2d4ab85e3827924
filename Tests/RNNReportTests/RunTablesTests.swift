import Testing
@testable import RNNReport

/// The `runs` and `compare` tables, as snapshots and by their rules.
@Suite struct RunTablesTests {
    static func run(_ name: String, _ monitored: [Double], optimizer: [(String, String)], session: Int64? = 1,
                    status: String = "finished") -> RunOverview {
        RunOverview(name: name, status: status, session: session, losses: monitored.map { $0 * 1.1 }, monitored: monitored,
                    lastSplits: 1, seconds: Double(monitored.count) * 0.25,
                    configuration: [("seed", "7"), ("model", "lstm 8 -> dense 2")] + optimizer.map { (key: $0.0, value: $0.1) }
                        + [("clip", "off")])
    }

    static let sgd = run("opt-sgd", [0.02, 0.015, 0.012, 0.011], optimizer: [("optimizer", "sgd"), ("optimizer.lr", "0.01"),
                                                                              ("optimizer.momentum", "0.0")])
    static let adam = run("opt-adam", [0.03, 0.004, 0.003, 0.0025], optimizer: [("optimizer", "adam"), ("optimizer.lr", "0.001"),
                                                                                ("optimizer.beta1", "0.9")], session: 2)

    @Test func runsTable() throws {
        try Snapshot.check(RunTables.runs([Self.sgd, Self.adam, Self.run("broken", [], optimizer: [], status: "diverged")]).render(),
                           named: "table-runs")
    }

    @Test func compareTable() throws {
        let table = RunTables.compare([Self.sgd, Self.adam])
        try Snapshot.check(table.render(), named: "table-compare")
        // The level both reached is the worse best (0.011): sgd at epoch 4, adam at epoch 2.
        #expect(table.columns.contains("epochs to 0.011000"))
        let reach = try #require(table.columns.firstIndex(of: "epochs to 0.011000"))
        #expect(table.rows.map { $0[reach] } == ["4", "2"])
        // Keys both runs have and that differ; not those only one optimizer has, nor equal ones.
        #expect(table.columns.contains("optimizer") && table.columns.contains("optimizer.lr"))
        #expect(!table.columns.contains("optimizer.beta1") && !table.columns.contains("optimizer.momentum"))
        #expect(!table.columns.contains("seed") && !table.columns.contains("clip"))
    }

    /// A sweep's runs (sweep issue): best first, ties by trial, and only the swept values that
    /// differ as columns; runs of two sweeps, or not of one, compare as before.
    @Test func aSweepComparesBestFirstWithItsSweptValues() throws {
        func trial(_ n: Int, _ monitored: [Double], optimizer: String, clip: String, sweep: String = "sweep-g") -> RunOverview {
            var r = Self.run("g-t\(n)", monitored, optimizer: [("optimizer", optimizer), ("optimizer.lr", "0.01")])
            r.configuration += [(SweepTags.sweep, sweep), (SweepTags.trial, "\(n)"), (SweepTags.value("optimizer"), optimizer),
                                (SweepTags.value("clip"), clip), (SweepTags.value("length"), "200")]
            return r
        }
        let runs = [trial(0, [0.5, 0.4], optimizer: "sgd", clip: "off"), trial(1, [0.5, 0.2], optimizer: "sgd", clip: "1.0"),
                    trial(2, [0.3, 0.1], optimizer: "adam", clip: "off"), trial(3, [0.1, 0.2], optimizer: "adam", clip: "1.0"),
                    trial(4, [], optimizer: "rmsprop", clip: "off")]
        let order = try #require(RunTables.sweepOrder(runs))
        #expect(order == [2, 3, 1, 0, 4], "0.1 @2 (trial 2) ties 0.1 @1 (trial 3) and comes first; no loss last")
        let table = RunTables.sweepCompare(order.map { runs[$0] })
        #expect(Array(table.columns.prefix(4)) == ["run", "optimizer", "clip", "best"], "length is the same everywhere")
        #expect(!table.columns.contains("optimizer.lr") && !table.columns.contains("seed"))
        #expect(table.rows.map { $0[0] } == ["g-t2", "g-t3", "g-t1", "g-t0", "g-t4"])
        #expect(table.rows[0][3] == "0.100000 @2" && table.rows[4][3] == "–")
        #expect(table.columns.last == "seconds", "a status column only when some run did not finish")
        var stopped = runs
        stopped[1].status = "interrupted"
        #expect(RunTables.sweepCompare(stopped).columns.last == "status")
        #expect(RunTables.sweptKeys(runs) == ["optimizer", "clip"])
        #expect(RunTables.sweepOrder(runs + [trial(5, [0.1], optimizer: "sgd", clip: "off", sweep: "other")]) == nil)
        #expect(RunTables.sweepOrder([Self.sgd, Self.adam]) == nil)
    }

    /// Long settings are cut so the table fits 100 columns.
    @Test func compareFitsAHundredColumns() {
        let model = "dense 64 relu -> noise 0.1 -> dense 64 relu -> noise 0.1 -> lstm 64 -> noise 0.1 -> lstm 64 -> dense 2 linear"
        func run(_ name: String, _ model: String, _ data: String) -> RunOverview {
            RunOverview(name: name, status: "finished", session: 1, losses: [0.1, 0.05], monitored: [0.1, 0.05], lastSplits: 1,
                        seconds: 1, configuration: [("model", model), ("data", data)])
        }
        let table = RunTables.compare([run("a", model, "data sine sequences=15 length=20000 freq1=0.0002"),
                                       run("b", "lstm 8 -> dense 2 linear", "data csv \"prices.csv\" column=close key=symbol")])
        let widest = table.render().split(separator: "\n").map(\.count).max() ?? 0
        #expect(widest <= 100, "\(widest) columns:\n\(table.render())")
        #expect(table.rows[0].contains { $0.hasSuffix("…") })
    }

    @Test func numbersAlignRightAndNothingTrailsALine() {
        let text = TextTable(title: "t", columns: ["name", "loss"], rows: [["a", "0.5"], ["long-name", "12.25"], ["b", "–"]]).render()
        #expect(text == """
            t
            name       loss
            ─────────  ─────
            a            0.5
            long-name  12.25
            b              –
            """)
    }
}
