import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RNNSession
import RNNStore

/// `rnnlab sweep`: one script run many times with different `--set` values (SPEC §10).
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a script over a grid (or random points) of its lets, locally or as a Slurm job array.",
        subcommands: [SweepRun.self, SweepStatusCommand.self, SweepCollect.self, SweepReportCommand.self, SweepTask.self],
        defaultSubcommand: SweepRun.self
    )
}

/// `rnnlab sweep SCRIPT --grid … [--jobs J] [--threads T] [--dir DIR] [--store PATH] [--emit slurm …]`.
struct SweepRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Plan the trials and run them (the default: 'rnnlab sweep SCRIPT …').",
        discussion: """
            Each trial is 'rnnlab run SCRIPT --set …' in its own folder DIR/trials/NNN/ with its own \
            store, merged into --store as it finishes. Running the same sweep again runs only the \
            trials that have not finished. --emit slurm runs nothing: it writes DIR/sweep.sbatch.
            """
    )

    @ArgumentParser.Argument(help: ArgumentHelp("The script to sweep.", valueName: "file.rnn"))
    var file: String

    @Option(name: .customLong("grid"), parsing: .singleValue, help: ArgumentHelp(
        "Values of a let: NAME=V1,V2,… (or V1|V2 when values hold commas); trials are the grids' product.",
        valueName: "name=values"))
    var grids: [String] = []

    @Option(help: ArgumentHelp("Draw N random points from the --range values.", valueName: "n"))
    var random: Int?

    @Option(name: .customLong("range"), parsing: .singleValue, help: ArgumentHelp(
        "A let's range for --random: NAME=LO:HI or NAME=LO:HI:log.", valueName: "name=lo:hi"))
    var ranges: [String] = []

    @Option(help: ArgumentHelp("The seed of the random points.", valueName: "s"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Trials at a time (default: cores ÷ threads).", valueName: "j"))
    var jobs: Int?

    @Option(help: ArgumentHelp("Threads per trial (default 1).", valueName: "t"))
    var threads: Int = 1

    @Option(help: ArgumentHelp("The sweep's folder (default sweep-<script name>).", valueName: "dir"))
    var dir: String?

    @Option(help: ArgumentHelp("The store trials are merged into (default: $RNNLAB_STORE, else ./rnnlab.sqlite).",
                               valueName: "path"))
    var store: String?

    @ParentCommand var root: RNNLab

    @Option(help: ArgumentHelp("Write a job script instead of running: 'slurm'.", valueName: "kind"))
    var emit: String?

    @Option(help: ArgumentHelp("Slurm partition (--emit slurm).", valueName: "p"))
    var partition: String?

    @Option(help: ArgumentHelp("Slurm time limit per task, HH:MM:SS (--emit slurm).", valueName: "hh:mm:ss"))
    var time: String?

    @Option(help: ArgumentHelp("Slurm tasks at a time (--emit slurm; default all).", valueName: "j"))
    var maxParallel: Int?

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be 1…256, not \(threads)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
        if let random, !(1...100_000).contains(random) { throw ValidationError("--random must be 1…100000, not \(random)") }
        if let emit, emit != "slurm" { throw ValidationError("--emit takes 'slurm', not '\(emit)'") }
        if emit == nil, partition != nil || time != nil || maxParallel != nil {
            throw ValidationError("--partition, --time and --max-parallel go with --emit slurm")
        }
        if let time, !SlurmScript.isTimeLimit(time) { throw ValidationError("--time expects HH:MM:SS, not '\(time)'") }
        if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1") }
    }

    func run() throws {
        let plan: SweepPlan
        do { plan = try makePlan() } catch let error as SweepError {
            Console.write("rnnlab sweep: \(error)\n", to: .error)
            throw ExitCode(BatchRunner.ExitStatus.usage)
        }
        if emit != nil {
            let script = SlurmScript(plan: plan, partition: partition, time: time, maxParallel: maxParallel)
            do { try script.write() } catch {
                Console.write("rnnlab sweep: \(error)\n", to: .error)
                throw ExitCode(BatchRunner.ExitStatus.usage)
            }
            Console.write("wrote \(plan.directory)/\(SweepPlan.fileName) and \(script.path) (\(plan.trials.count) trials)\n"
                          + "submit it with:\n  \(script.submitCommand)\n", to: .output)
            return
        }
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let runner = LocalRunner(plan: plan, jobs: jobs ?? max(1, cores / threads),
                                 store: StoreOptions.defaultPath(store ?? root.store.store), live: isatty(STDERR_FILENO) == 1)
        throw ExitCode(runner.run())
    }

    private func makePlan() throws -> SweepPlan {
        let script = URL(fileURLWithPath: file).standardizedFileURL
        guard let source = try? String(contentsOf: script, encoding: .utf8) else {
            throw SweepError("\(file): cannot read the script")
        }
        var space = SweepSpace()
        space.grids = try grids.map(SweepSpace.grid(parsing:))
        space.ranges = try ranges.map(SweepSpace.range(parsing:))
        space.randomCount = random
        space.seed = seed
        let points = try space.points()
        let unbound = Interpreter.unboundOverrides(space.parameters, in: source, file: file,
                                                   baseDirectory: script.deletingLastPathComponent())
        if let (name, suggestion) = unbound.first {
            throw SweepError("\(file) has no 'let \(name) = …'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                             + "; a sweep sets the script's lets")
        }
        let stem = script.deletingPathExtension().lastPathComponent
        let directory = URL(fileURLWithPath: dir ?? "sweep-\(stem)").standardizedFileURL
        let suffixed = !RunNaming.namesDiffer(in: source, swept: space.parameters)
        let plan = SweepPlan(name: directory.lastPathComponent, script: script.path, directory: directory.path,
                             binary: try SelfExecutable.path(), threads: threads, parameters: space.parameters,
                             trials: points.enumerated().map { index, values in
                                 SweepPlan.Trial(index: index, values: values, nameSuffix: suffixed ? "-t\(index)" : "")
                             })
        try plan.saveOrMatch()
        return plan
    }
}

/// `rnnlab sweep status DIR`.
struct SweepStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Each trial of a sweep: pending, running, finished or failed.")

    @ArgumentParser.Argument(help: ArgumentHelp("The sweep's folder.", valueName: "dir"))
    var dir: String

    func run() throws {
        let plan = try SweepCommandSupport.plan(in: dir)
        Console.write(SweepStatus.report(plan) + "\n", to: .output)
    }
}

/// `rnnlab sweep collect DIR [--store PATH]`: merges every finished trial's store.
struct SweepCollect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "collect", abstract: "Merge a sweep's finished trials into a store.")

    @ArgumentParser.Argument(help: ArgumentHelp("The sweep's folder.", valueName: "dir"))
    var dir: String

    @Option(help: ArgumentHelp("The store to merge into (default: $RNNLAB_STORE, else ./rnnlab.sqlite).", valueName: "path"))
    var store: String?

    @ParentCommand var root: RNNLab

    func run() throws {
        let plan = try SweepCommandSupport.plan(in: dir)
        let paths = plan.trials.filter { TrialStatus.isFinished(in: plan.folder(of: $0)) }
            .map { plan.folder(of: $0).appendingPathComponent(TrialStatus.storeName).path }
        try StoreMergeCommand.merge(paths, into: StoreOptions.defaultPath(store ?? root.store.store))
        let left = plan.trials.count - paths.count
        if left > 0 { Console.write("\(left) of \(plan.trials.count) trials not finished ('rnnlab sweep status \(dir)')\n", to: .output) }
    }
}

/// `rnnlab merge STORE… --into PATH`.
struct StoreMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Copy every session of the given stores into one (merging the same store twice adds nothing)."
    )

    @ArgumentParser.Argument(help: ArgumentHelp("The stores to copy from.", valueName: "store"))
    var stores: [String]

    @Option(help: ArgumentHelp("The store to merge into (created if missing).", valueName: "path"))
    var into: String

    func validate() throws {
        if stores.isEmpty { throw ValidationError("merge needs one store or more, e.g. 'rnnlab merge a.sqlite --into all.sqlite'") }
    }

    func run() throws { try Self.merge(stores, into: into) }

    /// Merges each store in turn; any refused store is status 2 (it and the destination untouched by it).
    static func merge(_ paths: [String], into destination: String) throws {
        let store: Store
        do { store = try Store.open(path: destination) } catch {
            Console.write("rnnlab merge: \(error)\n", to: .error)
            throw ExitCode(BatchRunner.ExitStatus.usage)
        }
        defer { try? store.close() }
        var refused = false
        for path in paths {
            do {
                let s = try store.merge(from: path)
                var line = "\(path): \(Plural.count(s.sessions, "session")), \(Plural.count(s.runs, "run")), "
                    + Plural.count(s.checkpoints, "checkpoint")
                if s.sessionsAlreadyPresent > 0 {
                    line += " (\(Plural.count(s.sessionsAlreadyPresent, "session")) merged before: skipped)"
                }
                for renamed in s.renamedCheckpoints { line += "\n  checkpoint \(renamed.from) kept as \(renamed.to)" }
                Console.write(line + "\n", to: .output)
            } catch {
                Console.write("rnnlab merge: \(error)\n", to: .error)
                refused = true
            }
        }
        if refused { throw ExitCode(BatchRunner.ExitStatus.usage) }
    }
}

enum SweepCommandSupport {
    static func plan(in dir: String) throws -> SweepPlan {
        do { return try SweepPlan.load(from: URL(fileURLWithPath: dir).standardizedFileURL) } catch {
            Console.write("rnnlab sweep: \(error)\n", to: .error)
            throw ExitCode(BatchRunner.ExitStatus.usage)
        }
    }
}

/// This binary's absolute path, so trials and Slurm tasks never rely on `rnnlab` being on PATH.
enum SelfExecutable {
    static func path() throws -> String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        let argument = CommandLine.arguments[0]
        if argument.contains("/") { return URL(fileURLWithPath: argument).standardizedFileURL.path }
        throw SweepError("cannot tell this binary's absolute path; run it by its path")
    }
}
