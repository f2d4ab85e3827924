import Foundation
import RNNStore

/// How a trial stands, as its folder `DIR/trials/NNN/` records it: `status.json` once its
/// process ended, `running.json` while one runs it.
struct TrialStatus: Codable, Equatable {
    enum State: String, Codable { case finished, failed, interrupted }

    var state: State
    var exitStatus: Int32
    var seconds: Double
    /// The lowest epoch loss of the trial's runs, when it recorded any.
    var bestLoss: Double?

    static let fileName = "status.json"
    static let runningFileName = "running.json"
    static let storeName = "trial.sqlite"
    static let outputName = "output.log"

    static func read(in folder: URL) -> TrialStatus? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(fileName)) else { return nil }
        return try? JSONDecoder().decode(TrialStatus.self, from: data)
    }

    func write(in folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: folder.appendingPathComponent(Self.fileName), options: .atomic)
    }

    /// Finished means exit status 0 with the store in place: such a trial is never run again.
    static func isFinished(in folder: URL) -> Bool {
        read(in: folder)?.state == .finished
            && FileManager.default.fileExists(atPath: folder.appendingPathComponent(storeName).path)
    }

    /// The lowest epoch loss recorded in a trial's store.
    static func bestLoss(store path: String) -> Double? {
        guard FileManager.default.fileExists(atPath: path), let store = try? Store.open(path: path) else { return nil }
        defer { try? store.close() }
        guard let runs = try? store.runs() else { return nil }
        return runs.compactMap { run in (try? store.metrics(runID: run.id!))?.map(\.loss).min() }.min()
    }
}

/// Who runs a trial now (`running.json`): a process on a host, so `sweep status` can tell a
/// live trial from one whose process died.
struct TrialClaim: Codable {
    var host: String
    var pid: Int64
    var processStart: Int64

    static func mine() -> TrialClaim {
        let me = ProcessIdentity.current()
        return TrialClaim(host: ProcessInfo.processInfo.hostName, pid: me.pid, processStart: me.processStart)
    }

    func write(in folder: URL) throws {
        try JSONEncoder().encode(self).write(to: folder.appendingPathComponent(TrialStatus.runningFileName), options: .atomic)
    }

    static func read(in folder: URL) -> TrialClaim? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(TrialStatus.runningFileName)) else { return nil }
        return try? JSONDecoder().decode(TrialClaim.self, from: data)
    }

    static func remove(in folder: URL) {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(TrialStatus.runningFileName))
    }

    /// Alive on this host; a claim from another host (a Slurm node) is taken as alive.
    var isAlive: Bool {
        host != ProcessInfo.processInfo.hostName || ProcessIdentity(pid: pid, processStart: processStart).isAlive
    }
}

/// `rnnlab sweep status DIR`: each trial pending, running, finished or failed.
enum SweepStatus {
    enum Kind: String, CaseIterable { case pending, running, finished, failed, interrupted }

    static func kind(of trial: SweepPlan.Trial, in plan: SweepPlan) -> Kind {
        let folder = plan.folder(of: trial)
        if let claim = TrialClaim.read(in: folder), claim.isAlive { return .running }
        if TrialStatus.isFinished(in: folder) { return .finished }
        switch TrialStatus.read(in: folder)?.state {
        case .failed?: return .failed
        case .interrupted?: return .interrupted
        default: return .pending
        }
    }

    static func report(_ plan: SweepPlan) -> String {
        var lines: [String] = []
        var counts: [Kind: Int] = [:]
        for trial in plan.trials {
            let kind = kind(of: trial, in: plan)
            counts[kind, default: 0] += 1
            let status = TrialStatus.read(in: plan.folder(of: trial))
            var line = "trial \(trial.folder)  \(kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))  "
                + trial.values.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            if kind != .running, let loss = status?.bestLoss { line += "  best loss \(loss)" }
            if kind == .failed, let code = status?.exitStatus {
                line += "  (exit \(code); see trials/\(trial.folder)/\(TrialStatus.outputName))"
            }
            lines.append(line)
        }
        lines.append(Kind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
