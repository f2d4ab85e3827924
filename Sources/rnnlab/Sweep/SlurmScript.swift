import Foundation

/// `DIR/sweep.sbatch`: the plan as a Slurm job array, one task per trial (SPEC §10). Every path
/// is absolute and each task `exec`s this binary, so signals (preemption, `scancel`) reach it
/// and nothing relies on `rnnlab` being on the node's PATH.
struct SlurmScript {
    static let fileName = "sweep.sbatch"

    let plan: SweepPlan
    let partition: String?
    let time: String?
    let maxParallel: Int?

    var path: String { URL(fileURLWithPath: plan.directory).appendingPathComponent(Self.fileName).path }

    var submitCommand: String { "sbatch \(Self.quoted(path))" }

    var text: String {
        let last = plan.trials.count - 1
        let throttle = maxParallel.map { "%\($0)" } ?? ""
        let logs = URL(fileURLWithPath: plan.directory).appendingPathComponent("slurm").path
        var lines = ["#!/bin/bash",
                     "# rnnlab sweep \(plan.name): \(plan.trials.count) trials of \(plan.script)",
                     "#SBATCH --job-name=\(plan.name)",
                     "#SBATCH --array=0-\(last)\(throttle)",
                     "#SBATCH --cpus-per-task=\(plan.threads)",
                     "#SBATCH --ntasks=1",
                     "#SBATCH --requeue",
                     "#SBATCH --chdir=\(plan.directory)",
                     "#SBATCH --output=\(logs)/%A_%a.out"]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        lines += ["", "exec \(Self.quoted(plan.binary)) sweep task \(Self.quoted(plan.directory)) \"$SLURM_ARRAY_TASK_ID\"", ""]
        return lines.joined(separator: "\n")
    }

    func write() throws {
        let logs = URL(fileURLWithPath: plan.directory).appendingPathComponent("slurm")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    static func isTimeLimit(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return false }
        return Int(parts[1])! < 60 && Int(parts[2])! < 60
    }

    /// A shell word: as is when plain, else in single quotes.
    static func quoted(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "/-_.+@%=:,".contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
