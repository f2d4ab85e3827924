#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RNNStore

/// Runs a plan's unfinished trials on this machine, `jobs` processes at a time, each
/// `rnnlab run` in its own folder with its own store, merged into `store` as it finishes.
/// Ctrl-C or SIGTERM reaches every trial (each rolls back and records its run interrupted);
/// the sweep then waits for them and exits 130 (or 128 + the signal).
struct LocalRunner {
    let plan: SweepPlan
    let jobs: Int
    /// The store every finished trial is merged into; nil merges nothing.
    let store: String?
    let live: Bool

    private struct Running {
        var trial: SweepPlan.Trial
        var process: Process
        var started: Date
    }

    /// Returns the exit status: 0 when every trial finished, 1 when one failed, 130/143 when stopped.
    func run() -> Int32 {
        Signals.installInterruptHandler()
        Signals.clearInterrupt()
        var pending = plan.trials.filter { !TrialStatus.isFinished(in: plan.folder(of: $0)) }
        var done = plan.trials.count - pending.count
        var best = plan.trials.compactMap { TrialStatus.read(in: plan.folder(of: $0))?.bestLoss }.min()
        var failed = 0
        var running: [Running] = []
        var forwarded = false
        let destination: Store?
        do {
            destination = try store.map { path throws(StoreError) in try Store.open(path: path) }
        } catch {
            Console.write("rnnlab sweep: \(error)\n", to: .error)
            return BatchRunner.ExitStatus.usage
        }
        defer { try? destination?.close() }
        if done > 0 { say("\(done) of \(plan.trials.count) trials finished before: running the other \(pending.count)") }
        // Trials finished before but merged elsewhere are merged again here (merging is idempotent).
        if let destination { for trial in plan.trials where TrialStatus.isFinished(in: plan.folder(of: trial)) { merge(trial, destination) } }

        while !pending.isEmpty || !running.isEmpty {
            let stopping = Signals.isInterrupted
            if stopping, !forwarded {
                forwarded = true
                let signal = Signals.termination ?? SIGINT
                for child in running { kill(child.process.processIdentifier, signal) }
                pending.removeAll()
                say("stopping: \(running.count) running trials roll back to their last whole epoch")
            }
            while !stopping, running.count < jobs, !pending.isEmpty {
                let trial = pending.removeFirst()
                do {
                    running.append(Running(trial: trial, process: try start(trial), started: Date()))
                } catch {
                    say("trial \(trial.folder) could not start: \(error)")
                    failed += 1
                }
            }
            if let index = running.firstIndex(where: { !$0.process.isRunning }) {
                let child = running.remove(at: index)
                let status = finish(child.trial, child.process, started: child.started)
                if status.state == .finished { done += 1 } else if status.state == .failed { failed += 1 }
                if let loss = status.bestLoss { best = min(best ?? loss, loss) }
                if status.state == .finished, let destination { merge(child.trial, destination) }
                let loss = status.bestLoss.map { ", best loss \($0)" } ?? ""
                say("trial \(child.trial.folder) \(status.state.rawValue) (exit \(status.exitStatus), "
                    + "\(String(format: "%.1f", status.seconds)) s\(loss))")
                continue
            }
            progress(done: done, running: running.count, left: pending.count, failed: failed, best: best)
            usleep(100_000)
        }
        if live { Console.write("\r\u{1B}[K", to: .error) }
        let summary = "sweep \(plan.name): \(done) of \(plan.trials.count) trials finished"
            + (failed > 0 ? ", \(failed) failed" : "") + (best.map { ", best loss \($0)" } ?? "")
        Console.write(summary + "\n", to: .output)
        if let signal = Signals.termination { return 128 + signal }
        if Signals.isInterrupted { return BatchRunner.ExitStatus.interrupted }
        return failed > 0 || done < plan.trials.count ? BatchRunner.ExitStatus.scriptError : BatchRunner.ExitStatus.success
    }

    /// `rnnlab run` for one trial in its folder, its output in `output.log`.
    private func start(_ trial: SweepPlan.Trial) throws -> Process {
        let folder = plan.folder(of: trial)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(TrialStatus.fileName))
        let output = folder.appendingPathComponent(TrialStatus.outputName)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let log = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: plan.binary)
        process.arguments = plan.arguments(of: trial, store: folder.appendingPathComponent(TrialStatus.storeName).path)
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()
        let child = ProcessIdentity.of(pid: Int64(process.processIdentifier))
        try? TrialClaim(host: ProcessInfo.processInfo.hostName, pid: Int64(process.processIdentifier),
                        processStart: child?.processStart ?? 0).write(in: folder)
        return process
    }

    private func finish(_ trial: SweepPlan.Trial, _ process: Process, started: Date) -> TrialStatus {
        let folder = plan.folder(of: trial)
        let code: Int32 = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let state: TrialStatus.State = code == 0 ? .finished : (code == 130 || code == 143 || code == 129) ? .interrupted : .failed
        let status = TrialStatus(state: state, exitStatus: code, seconds: Date().timeIntervalSince(started),
                                 bestLoss: TrialStatus.bestLoss(store: folder.appendingPathComponent(TrialStatus.storeName).path))
        try? status.write(in: folder)
        TrialClaim.remove(in: folder)
        return status
    }

    private func merge(_ trial: SweepPlan.Trial, _ destination: Store) {
        let path = plan.folder(of: trial).appendingPathComponent(TrialStatus.storeName).path
        do { _ = try destination.merge(from: path) } catch {
            say("trial \(trial.folder): not merged into \(destination.path): \(error)")
        }
    }

    private func say(_ line: String) {
        if live { Console.write("\r\u{1B}[K", to: .error) }
        Console.write(line + "\n", to: .error)
    }

    private func progress(done: Int, running: Int, left: Int, failed: Int, best: Double?) {
        guard live else { return }
        var line = "sweep \(plan.name): \(done) done · \(running) running · \(left) left"
        if failed > 0 { line += " · \(failed) failed" }
        if let best { line += " · best loss \(String(format: "%.6f", best))" }
        Console.write("\r\u{1B}[K" + line, to: .error)
    }
}
