import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RNNStore

/// `rnnlab sweep task DIR [INDEX]`: one trial, as a Slurm array task runs it (INDEX defaults
/// to `$SLURM_ARRAY_TASK_ID`). Its store lives on node-local disk (`$SLURM_TMPDIR`, else
/// `$TMPDIR`, else /tmp) while it runs, since SQLite's WAL must not live on a network
/// filesystem; when the trial ends, finished or stopped (SIGTERM: preemption, `scancel`), the
/// WAL is folded into the store and the file is moved into `DIR/trials/NNN/`.
struct SweepTask: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "task", abstract: "Run one trial of a sweep (a Slurm array task).")

    @ArgumentParser.Argument(help: ArgumentHelp("The sweep's folder.", valueName: "dir"))
    var dir: String

    @ArgumentParser.Argument(help: ArgumentHelp("The trial (default $SLURM_ARRAY_TASK_ID).", valueName: "index"))
    var index: Int?

    func run() throws {
        let plan = try SweepCommandSupport.plan(in: dir)
        let environment = ProcessInfo.processInfo.environment
        guard let index = index ?? environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init),
              let trial = plan.trials.first(where: { $0.index == index })
        else {
            Console.write("rnnlab sweep task: give a trial index 0…\(plan.trials.count - 1) (or set SLURM_ARRAY_TASK_ID)\n", to: .error)
            throw ExitCode(BatchRunner.ExitStatus.usage)
        }
        let folder = plan.folder(of: trial)
        if TrialStatus.isFinished(in: folder) {
            Console.write("trial \(trial.folder) finished before: nothing to do\n", to: .output)
            return
        }
        throw ExitCode(try TrialTask(plan: plan, trial: trial, scratch: Self.scratch(environment)).run())
    }

    /// Node-local disk for the store.
    static func scratch(_ environment: [String: String]) -> URL {
        for key in ["SLURM_TMPDIR", "TMPDIR"] {
            if let path = environment[key], !path.isEmpty { return URL(fileURLWithPath: path, isDirectory: true) }
        }
        return URL(fileURLWithPath: "/tmp", isDirectory: true)
    }
}

/// One trial run with its store on scratch disk, moved into the trial's folder at the end.
struct TrialTask {
    let plan: SweepPlan
    let trial: SweepPlan.Trial
    let scratch: URL

    func run() throws -> Int32 {
        Signals.installInterruptHandler()
        Signals.clearInterrupt()
        let folder = plan.folder(of: trial)
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let local = scratch.appendingPathComponent("rnnlab-\(plan.name)-\(trial.folder)-\(getpid())", isDirectory: true)
        try fm.createDirectory(at: local, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: local) }
        let store = local.appendingPathComponent(TrialStatus.storeName)
        // A stopped trial's store goes back to scratch disk and the script runs again on it
        // with --resume-interrupted: the interrupted run resumes from its latest checkpoint
        // (a trial is deterministic up to there) and trains only the epochs left. A failed
        // trial's store is set aside and the trial starts over.
        let kept = folder.appendingPathComponent(TrialStatus.storeName)
        var resuming = false
        if fm.fileExists(atPath: kept.path) {
            if TrialStatus.read(in: folder)?.state == .interrupted {
                // With its WAL, should anyone have opened the copy since (a WAL left beside
                // a file it does not belong to would corrupt it).
                try fm.copyItem(at: kept, to: store)
                for suffix in ["-wal"] where fm.fileExists(atPath: kept.path + suffix) {
                    try fm.copyItem(atPath: kept.path + suffix, toPath: store.path + suffix)
                }
                resuming = true
            } else {
                let aside = folder.appendingPathComponent("trial.failed.sqlite")
                try? fm.removeItem(at: aside)
                try fm.moveItem(at: kept, to: aside)
            }
        }
        try? fm.removeItem(at: folder.appendingPathComponent(TrialStatus.fileName))
        try TrialClaim.mine().write(in: folder)
        defer { TrialClaim.remove(in: folder) }

        let output = folder.appendingPathComponent(TrialStatus.outputName)
        if !fm.fileExists(atPath: output.path) { _ = fm.createFile(atPath: output.path, contents: nil) }
        let log = try FileHandle(forWritingTo: output)
        _ = try? log.seekToEnd()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: plan.binary)
        process.arguments = plan.arguments(of: trial, store: store.path) + (resuming ? ["--resume-interrupted"] : [])
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        let started = Date()
        try process.run()
        try? log.close()
        var forwarded = false
        while process.isRunning {
            if Signals.isInterrupted, !forwarded {
                forwarded = true
                kill(process.processIdentifier, Signals.termination ?? SIGINT)
            }
            usleep(50_000)
        }
        let code: Int32 = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let best = TrialStatus.bestLoss(store: store.path)
        try moveStore(store, to: kept)
        let state: TrialStatus.State = code == 0 ? .finished : (code == 130 || code == 143 || code == 129) ? .interrupted : .failed
        try TrialStatus(state: state, exitStatus: code, seconds: Date().timeIntervalSince(started),
                        bestLoss: best).write(in: folder)
        Console.write("trial \(trial.folder) \(state.rawValue) (exit \(code))\n", to: .output)
        return code
    }

    /// Folds the WAL into the store, then copies it into the trial's folder under a temporary
    /// name and renames it there, so the folder never holds half a store.
    private func moveStore(_ store: URL, to destination: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: store.path) else { return }
        let opened = try Store.open(path: store.path)
        try opened.foldWAL()
        try opened.close()
        let part = destination.appendingPathExtension("part")
        try? fm.removeItem(at: part)
        try fm.copyItem(at: store, to: part)
        if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
        for suffix in ["-wal", "-shm"] { try? fm.removeItem(atPath: destination.path + suffix) }
        try fm.moveItem(at: part, to: destination)
    }
}
