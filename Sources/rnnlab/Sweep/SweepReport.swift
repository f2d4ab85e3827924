import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RNNReport
import RNNSession

/// `rnnlab sweep report DIR [--to F.svg [--force]] [--log]`: the finished trials' runs compared,
/// best first, with the swept values as columns; the curves overlaid in the terminal or as an
/// SVG. Read from the trials' own stores, so it needs no `collect` and writes no store.
struct SweepReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compare a sweep's finished trials: best loss first, the swept values as columns, the curves overlaid.")

    @ArgumentParser.Argument(help: ArgumentHelp("The sweep's folder.", valueName: "dir"))
    var dir: String

    @Option(help: ArgumentHelp("Write the curves as SVG here instead of drawing them.", valueName: "file.svg"))
    var to: String?

    @Flag(help: "Replace an existing --to file.")
    var force = false

    @Flag(name: .customLong("log"), help: "A logarithmic loss axis.")
    var logY = false

    func validate() throws {
        if let to, !to.hasSuffix(".svg") { throw ValidationError("--to writes SVG: give a file ending in .svg, not '\(to)'") }
        if force, to == nil { throw ValidationError("--force goes with --to") }
    }

    func run() throws {
        let plan = try SweepCommandSupport.plan(in: dir)
        let finished = plan.trials.filter { TrialStatus.isFinished(in: plan.folder(of: $0)) }
        let stores = finished.map { plan.folder(of: $0).appendingPathComponent(TrialStatus.storeName).path }
        let report: (table: TextTable, figure: Figure)
        do { report = try SweepComparison.report(sweep: plan.name, stores: stores, logY: logY) } catch {
            Console.write("rnnlab sweep report: \(error)\n", to: .error)
            throw ExitCode(BatchRunner.ExitStatus.scriptError)
        }
        var text = "sweep \(plan.name): \(finished.count) of \(plan.trials.count) trials finished; best loss first\n"
        text += VisibleText.of(report.table.render()) + "\n"
        if let to {
            do { try SweepComparison.writeSVG(report.figure, to: to, force: force) } catch {
                let reason = if case .fileExists = error { "\(to) exists; add --force to replace it" } else { "\(error)" }
                Console.write("rnnlab sweep report: \(reason)\n", to: .error)
                throw ExitCode(BatchRunner.ExitStatus.usage)
            }
            text += "wrote \(to)\n"
        } else {
            text += report.figure.visible().terminalText(width: 100, color: isatty(STDOUT_FILENO) == 1) + "\n"
        }
        Console.write(text, to: .output)
    }
}
