import Foundation
import RNNReport

/// A sweep's trials as `DIR/plan.json` records them (SPEC §10): the script, the thread count,
/// the binary that runs them, and each trial's `--set` values. Every path is absolute, so a
/// Slurm task on another node (or in another working directory) finds the same files.
struct SweepPlan: Codable, Equatable {
    static let fileName = "plan.json"
    static let formatVersion = 1

    var format = SweepPlan.formatVersion
    /// The sweep's name (`sweep-<script name>` unless `--dir` names it), recorded in every run.
    var name: String
    var script: String
    var directory: String
    var binary: String
    var threads: Int
    /// The swept names, in the order the trials' values are listed.
    var parameters: [String]
    var trials: [Trial]

    struct Trial: Codable, Equatable {
        var index: Int
        var values: [Setting]
        /// Appended to the script's run names (`-tN`) when they would be the same in every trial.
        var nameSuffix: String

        /// `000`, the folder under `DIR/trials/`.
        var folder: String { String(format: "%03d", index) }
    }

    struct Setting: Codable, Equatable {
        var name: String
        var value: String
    }

    var trialsDirectory: URL { URL(fileURLWithPath: directory).appendingPathComponent("trials", isDirectory: true) }

    func folder(of trial: Trial) -> URL { trialsDirectory.appendingPathComponent(trial.folder, isDirectory: true) }

    /// The `rnnlab run` arguments of one trial, its store at `store`.
    func arguments(of trial: Trial, store: String) -> [String] {
        var arguments = ["run", script]
        for setting in trial.values { arguments.append("--set=\(setting.name)=\(setting.value)") }
        arguments += ["--threads", "\(threads)", "--store", store, "--tag", "\(SweepTags.sweep)=\(name)",
                      "--tag", "\(SweepTags.trial)=\(trial.index)"]
        for setting in trial.values { arguments.append("--tag=\(SweepTags.value(setting.name))=\(setting.value)") }
        if !trial.nameSuffix.isEmpty { arguments.append("--name-suffix=\(trial.nameSuffix)") }
        return arguments
    }

    // MARK: The file

    static func url(in directory: URL) -> URL { directory.appendingPathComponent(fileName) }

    static func load(from directory: URL) throws -> SweepPlan {
        let url = url(in: directory)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SweepError("\(url.path): no sweep plan here (\(error.localizedDescription)); 'rnnlab sweep SCRIPT …' writes one")
        }
        let plan: SweepPlan
        do { plan = try JSONDecoder().decode(SweepPlan.self, from: data) } catch {
            throw SweepError("\(url.path): not a sweep plan rnnlab can read (\(error))")
        }
        guard plan.format <= formatVersion else {
            throw SweepError("\(url.path): written by a newer rnnlab (plan format \(plan.format), this one reads \(formatVersion))")
        }
        return plan
    }

    func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let directory = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: trialsDirectory, withIntermediateDirectories: true)
        try encoder.encode(self).write(to: Self.url(in: directory), options: .atomic)
    }

    /// Writes the plan, or, when the folder holds one already, checks it is this sweep's (so
    /// running it again runs only what has not finished) and refuses another's.
    func saveOrMatch() throws {
        let directory = URL(fileURLWithPath: directory)
        guard FileManager.default.fileExists(atPath: Self.url(in: directory).path) else { return try save() }
        var existing = try Self.load(from: directory)
        existing.binary = binary   // a rebuilt binary runs the same sweep
        guard existing == self else {
            throw SweepError("\(directory.path) holds another sweep's plan (other script, values or threads); "
                             + "give another --dir, or remove that folder")
        }
        try save()
    }
}

/// A sweep's usage or file error: the message names the place and what would be right.
struct SweepError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
