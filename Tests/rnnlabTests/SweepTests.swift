import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RNNStore
import Testing

/// SPEC §10 with the built binary: a local sweep equals the same runs one by one, bit for bit;
/// a stopped task, run again, ends as an uninterrupted one; a Slurm job array equals the local sweep.
@Suite(.serialized) struct SweepTests {
    static let script = """
        let optimizer = adam
        let clip = off
        let length = 300
        let epochs = 3
        seed 7
        data sine sequences=3 length=$length
        features deltas window=16
        targets q gamma=0.9
        model lstm 8 -> dense 2
        optimizer $optimizer
        clip $clip
        train epochs=$epochs name="g"
        """
    static let grid = ["--grid", "optimizer=sgd,adam", "--grid", "clip=off|1.0"]

    /// Each run's per-epoch losses as bit patterns, by its trial values (`$optimizer`, `$clip`).
    static func losses(_ path: String) throws -> [String: [UInt64]] {
        let store = try Store.open(path: path)
        defer { try? store.close() }
        var result: [String: [UInt64]] = [:]
        for run in try store.runs() {
            let configuration = try JSONSerialization.jsonObject(with: Data(run.configuration.utf8)) as? [String: Any] ?? [:]
            let key = "\(configuration["$optimizer"] ?? "?") \(configuration["$clip"] ?? "?")"
            result[key] = try store.metrics(runID: run.id!).map(\.loss.bitPattern)
        }
        return result
    }

    @Test func aLocalSweepEqualsTheSameRunsOneByOne() throws {
        let work = try Scratch()
        try work.write("grid.rnn", Self.script)
        let sweep = try Binary.run(["sweep", "grid.rnn"] + Self.grid + ["--jobs", "2", "--store", "all.sqlite"],
                                   in: work.url, timeout: .seconds(300))
        try #require(sweep.status == 0, "\(sweep.stdout)\n\(sweep.stderr)")
        #expect(sweep.stdout.contains("4 of 4 trials finished"))
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: work.file("sweep-grid/plan.json"))) as? [String: Any]
        #expect((plan?["trials"] as? [Any])?.count == 4)
        for n in 0..<4 { #expect(FileManager.default.fileExists(atPath: work.file("sweep-grid/trials/00\(n)/trial.sqlite").path)) }

        var single: [String: [UInt64]] = [:]
        for optimizer in ["sgd", "adam"] {
            for clip in ["off", "1.0"] {
                let store = "single-\(optimizer)-\(clip).sqlite"
                let run = try Binary.run(["run", "grid.rnn", "--set", "optimizer=\(optimizer)", "--set", "clip=\(clip)",
                                          "--threads", "1", "--store", store], in: work.url, timeout: .seconds(120))
                try #require(run.status == 0, "\(run.stderr)")
                let recorded = try Store.open(path: work.file(store).path)
                let r = try #require(try recorded.run(named: "g"))
                single["\(optimizer) \(clip)"] = try recorded.metrics(runID: r.id!).map(\.loss.bitPattern)
                try recorded.close()
            }
        }
        let swept = try Self.losses(work.file("all.sqlite").path)
        #expect(swept.count == 4)
        #expect(swept == single, "a trial's losses differ from the same run alone")
        #expect(Set(swept.values.map { $0.count }) == [3])
        // Clipping at 1.0 must differ from none somewhere, or the grid proved nothing about `clip $clip`.
        let runs = try Binary.run(["-c", "runs", "--store", "all.sqlite"], in: work.url)
        for n in 0..<4 { #expect(runs.stdout.contains("g-t\(n)"), "\(runs.stdout)") }
        // compare over the sweep: best first, only the swept values as columns.
        let compared = try Binary.run(["-c", "compare \"g-t*\"", "--store", "all.sqlite"], in: work.url)
        #expect(compared.status == 0, "\(compared.stderr)")
        let trialOf = ["sgd off": 0, "sgd 1.0": 1, "adam off": 2, "adam 1.0": 3]     // the grid's order
        func rank(_ entry: (key: String, value: [UInt64])) -> (Double, Int) {
            (entry.value.map(Double.init(bitPattern:)).min()!, trialOf[entry.key]!)
        }
        let bestFirst = swept.sorted { rank($0) < rank($1) }
        try Self.expectSweepTable(compared.stdout, order: bestFirst.map(\.key))
        // sweep report: the same table from the trials' own stores, the curves as SVG, no store written.
        let sessionsBefore = try Self.sessionCount(work.file("sweep-grid/trials/000/trial.sqlite").path)
        let report = try Binary.run(["sweep", "report", "sweep-grid", "--to", "grid.svg"], in: work.url)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.hasPrefix("sweep sweep-grid: 4 of 4 trials finished; best loss first\n"))
        try Self.expectSweepTable(report.stdout, order: bestFirst.map(\.key))
        let svg = try String(contentsOf: work.file("grid.svg"), encoding: .utf8)
        #expect(svg.components(separatedBy: "class=\"series\"").count - 1 == 4, "one curve per trial")
        #expect(try Self.sessionCount(work.file("sweep-grid/trials/000/trial.sqlite").path) == sessionsBefore)
        let refused = try Binary.run(["sweep", "report", "sweep-grid", "--to", "grid.svg"], in: work.url)
        #expect(refused.status == 2 && refused.stderr.contains("grid.svg exists; add --force"), "\(refused.stderr)")
        try FileManager.default.createSymbolicLink(atPath: work.file("dangling.svg").path, withDestinationPath: "/nonexistent/x")
        let dangling = try Binary.run(["sweep", "report", "sweep-grid", "--to", "dangling.svg", "--force"], in: work.url)
        #expect(dangling.status == 2 && dangling.stderr.contains("is a dangling symlink"), "\(dangling.stderr)")

        // Again: nothing runs, and merging again adds nothing.
        let again = try Binary.run(["sweep", "grid.rnn"] + Self.grid + ["--jobs", "2", "--store", "all.sqlite"], in: work.url)
        #expect(again.status == 0)
        #expect(again.stderr.contains("4 of 4 trials finished before"), "\(again.stderr)")
        #expect(try Self.losses(work.file("all.sqlite").path) == swept)
        let store = try Store.open(path: work.file("all.sqlite").path)
        #expect(try store.runs().count == 4)
        try store.close()
        let status = try Binary.run(["sweep", "status", "sweep-grid"], in: work.url)
        #expect(status.stdout.contains("4 finished"), "\(status.stdout)")
        // Another plan in the same folder is refused (status 2).
        let other = try Binary.run(["sweep", "grid.rnn", "--grid", "optimizer=rmsprop", "--store", "all.sqlite"], in: work.url)
        #expect(other.status == 2)
        #expect(other.stderr.contains("holds another sweep's plan"))
    }

    /// A sweep table: the columns run, optimizer, clip (the swept values, `$` gone, nothing
    /// else of the configuration), then best …; the rows in `order` ("adam off", …).
    static func expectSweepTable(_ text: String, order: [String]) throws {
        let lines = text.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("run ") })
        #expect(lines[header].split(separator: " ").prefix(4) == ["run", "optimizer", "clip", "best"], "\(text)")
        #expect(!text.contains("$optimizer") && !text.contains("optimizer.lr") && !text.contains("norm 1.0"))
        let rows = lines[(header + 2)..<(header + 2 + order.count)].map { $0.split(separator: " ").map(String.init) }
        #expect(rows.map { "\($0[1]) \($0[2])" } == order, "\(text)")
    }

    static func sessionCount(_ path: String) throws -> Int {
        let store = try Store.open(path: path)
        defer { try? store.close() }
        return try store.sessions().count
    }

    @Test func usageErrorsExitTwo() throws {
        let work = try Scratch()
        try work.write("grid.rnn", Self.script)
        for arguments in [["--grid", "nosuch=1,2"], ["--grid", "optimizer="], ["--range", "epochs=1:2"],
                          ["--random", "2", "--range", "clip=2:1"], ["--grid", "clip=off", "--emit", "pbs"], []] {
            let result = try Binary.run(["sweep", "grid.rnn"] + arguments, in: work.url)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
    }

    @Test func ctrlCStopsEveryTrialAndEachIsRecordedInterrupted() throws {
        let work = try Scratch()
        try work.write("grid.rnn", Self.script)
        let sweep = try BackgroundRun(["sweep", "grid.rnn", "--grid", "optimizer=sgd,adam", "--grid", "length=3000",
                                       "--grid", "epochs=200", "--jobs", "2", "--store", "all.sqlite"], in: work.url)
        let logs = (0..<2).map { work.file("sweep-grid/trials/00\($0)/output.log") }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline,
              !logs.allSatisfy({ ((try? String(contentsOf: $0, encoding: .utf8)) ?? "").contains("epoch 1/200") }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        sweep.send(SIGINT)
        #expect(try sweep.wait(timeout: .seconds(120)) == 130, "\(sweep.errors)")
        let status = try Binary.run(["sweep", "status", "sweep-grid"], in: work.url)
        #expect(status.stdout.contains("2 interrupted"), "\(status.stdout)")
        for n in 0..<2 {
            let store = try Store.open(path: work.file("sweep-grid/trials/00\(n)/trial.sqlite").path)
            let run = try #require(try store.run(named: "g-t\(n)"))
            #expect(run.status == .interrupted)
            #expect(try store.metrics(runID: run.id!).count < 200)
            try store.close()
        }
    }

    @Test func runThreadsWinsOverTheScriptsThreads() throws {
        let work = try Scratch()
        try work.write("t.rnn", Self.script.replacingOccurrences(of: "seed 7", with: "seed 7\nthreads 2"))
        let run = try Binary.run(["run", "t.rnn", "--set", "epochs=1", "--threads", "1", "--tag", "sweep=s", "--store", "t.sqlite"],
                                 in: work.url)
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("threads 2 ignored: --threads 1 wins"), "\(run.stdout)")
        let store = try Store.open(path: work.file("t.sqlite").path)
        let configuration = try #require(try store.run(named: "g")).configuration
        #expect(configuration.contains(#""threads":"1""#) && configuration.contains(#""sweep":"s""#), "\(configuration)")
        try store.close()
    }

    @Test func aStoppedTaskRunAgainEndsAsAnUninterruptedTrial() throws {
        let work = try Scratch()
        try work.write("grid.rnn", Self.script)
        let emitted = try Binary.run(["sweep", "grid.rnn", "--grid", "optimizer=adam", "--grid", "length=3000",
                                      "--grid", "epochs=12", "--emit", "slurm", "--dir", "long"], in: work.url)
        try #require(emitted.status == 0, "\(emitted.stderr)")
        let folder = work.file("long/trials/000")
        let task = try BackgroundRun(["sweep", "task", work.file("long").path, "0"], in: work.url,
                                     environment: ["TMPDIR": work.url.path])
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let log = (try? String(contentsOf: folder.appendingPathComponent("output.log"), encoding: .utf8)) ?? ""
            if log.contains("epoch 2/12") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        task.send(SIGTERM)
        let stopped = try task.wait()
        #expect(stopped == 143, "\(task.output)\(task.errors)")
        let kept = folder.appendingPathComponent("trial.sqlite").path
        #expect(!FileManager.default.fileExists(atPath: kept + "-wal"), "the WAL was not folded into the store")
        let interrupted = try Store.open(path: kept)
        let run = try #require(try interrupted.run(named: "g-t0"))
        #expect(run.status == .interrupted)
        let done = try interrupted.metrics(runID: run.id!).count
        #expect(done >= 1 && done < 12, "stopped after \(done) epochs")
        try interrupted.close()
        let status = try Binary.run(["sweep", "status", "long"], in: work.url)
        #expect(status.stdout.contains("interrupted"), "\(status.stdout)")

        let rerun = try Binary.run(["sweep", "task", work.file("long").path, "0"], in: work.url,
                                   environment: ["TMPDIR": work.url.path], timeout: .seconds(300))
        try #require(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        let log = try String(contentsOf: folder.appendingPathComponent("output.log"), encoding: .utf8)
        #expect(log.contains("resumed run 'g-t0' at epoch \(done) from 'g-t0@latest'"), "\(log)")
        #expect(log.contains("epoch \(done + 1)/12"))
        let straight = try Binary.run(["run", "grid.rnn", "--set", "optimizer=adam", "--set", "length=3000", "--set", "epochs=12",
                                       "--threads", "1", "--name-suffix=-t0", "--store", "straight.sqlite"], in: work.url, timeout: .seconds(300))
        try #require(straight.status == 0, "\(straight.stderr)")
        let a = try Store.open(path: kept), b = try Store.open(path: work.file("straight.sqlite").path)
        let ra = try #require(try a.run(named: "g-t0")), rb = try #require(try b.run(named: "g-t0"))
        #expect(ra.status == .finished)
        #expect(try a.metrics(runID: ra.id!).map(\.loss.bitPattern) == b.metrics(runID: rb.id!).map(\.loss.bitPattern))
        #expect(try a.loadCheckpoint(name: "g-t0@12").state == b.loadCheckpoint(name: "g-t0@12").state,
                "the final weights differ from an uninterrupted trial's")
        try a.close()
        try b.close()
    }
}

/// The emitted job array on a real single-node Slurm (`scripts/slurm_cluster start`; started
/// here when `sinfo` does not answer). It fails, saying why, when Slurm cannot be had.
@Suite(.serialized) struct SlurmSweepTests {
    /// A bash command, its output; spawned with no descriptor but stdio inherited, since the
    /// daemons `slurm_cluster start` leaves behind would otherwise hold the test's pipes open.
    static func shell(_ command: String, timeout: Duration = .seconds(600)) throws -> (status: Int32, output: String) {
        let scratch = try Scratch()
        let out = scratch.file("out")
        var environment = ProcessInfo.processInfo.environment
        environment["RNNLAB_STORE"] = nil
        let status = try spawnAndWait(["/bin/bash", "-c", command], environment: environment, output: out.path, timeout: timeout)
        return (status, String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self))
    }

    @Test func theJobArrayEqualsTheLocalSweep() throws {
        var started = false
        if try Self.shell("sinfo -h -o %T 2>&1 | grep -qx idle").status != 0 {
            let start = try Self.shell("\(Binary.packageRoot.path)/scripts/slurm_cluster start")
            try #require(start.status == 0, "Slurm could not be started (scripts/slurm_cluster start):\n\(start.output)")
            started = true
        }
        defer { if started { _ = try? Self.shell("\(Binary.packageRoot.path)/scripts/slurm_cluster stop") } }

        let work = try Scratch()
        try work.write("grid.rnn", SweepTests.script)
        let emitted = try Binary.run(["sweep", "grid.rnn"] + SweepTests.grid + ["--emit", "slurm", "--max-parallel", "2",
                                                                                 "--time", "00:10:00"], in: work.url)
        try #require(emitted.status == 0, "\(emitted.stderr)")
        let batch = try String(contentsOf: work.file("sweep-grid/sweep.sbatch"), encoding: .utf8)
        #expect(batch.contains("#SBATCH --array=0-3%2"))
        #expect(batch.contains("#SBATCH --cpus-per-task=1"))
        #expect(batch.contains("#SBATCH --requeue"))
        #expect(batch.contains("#SBATCH --chdir=\(work.file("sweep-grid").path)"))
        #expect(batch.contains("exec /") && batch.contains(" sweep task /") && batch.contains("$SLURM_ARRAY_TASK_ID"))
        let line = try #require(emitted.stdout.split(separator: "\n").first { $0.hasPrefix("  sbatch ") })
        let submitted = try Self.shell("cd \(work.url.path) && \(line.dropFirst(2).replacingOccurrences(of: "sbatch ", with: "sbatch --wait "))")
        #expect(submitted.status == 0, "sbatch --wait: \(submitted.output)")
        let collect = try Binary.run(["sweep", "collect", "sweep-grid", "--store", "slurm.sqlite"], in: work.url)
        #expect(collect.status == 0, "\(collect.stderr)")
        let status = try Binary.run(["sweep", "status", "sweep-grid"], in: work.url)
        #expect(status.stdout.contains("4 finished"), "\(status.stdout)")

        let local = try Scratch()
        try local.write("grid.rnn", SweepTests.script)
        let sweep = try Binary.run(["sweep", "grid.rnn"] + SweepTests.grid + ["--jobs", "2", "--store", "local.sqlite"],
                                   in: local.url, timeout: .seconds(300))
        try #require(sweep.status == 0, "\(sweep.stderr)")
        let fromSlurm = try SweepTests.losses(work.file("slurm.sqlite").path)
        #expect(fromSlurm.count == 4)
        #expect(fromSlurm == (try SweepTests.losses(local.file("local.sqlite").path)), "the Slurm array's losses differ from the local sweep's")
    }
}
