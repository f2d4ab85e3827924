import Foundation
import RNNReport
import RNNStore

/// `rnnlab sweep report`: a sweep's runs compared as `compare` compares them (best first, the
/// swept values as columns, the overlaid curves), read from its trials' stores. Nothing is
/// written to any store: a report is not a session.
public enum SweepComparison {
    /// The runs of `sweep` in the stores, compared.
    /// - Throws: `StoreError` for a store that cannot be read; `SessionError.noSweepRuns` when
    ///   none holds a run of the sweep.
    public static func report(sweep: String, stores paths: [String], logY: Bool) throws -> (table: TextTable, figure: Figure) {
        var runs: [RunHistory] = []
        for path in paths {
            let store = try Store.open(path: path)
            defer { try? store.close() }
            for stored in try store.storedRuns() {
                let run = try SessionLog.history(of: stored, in: store)
                if run.overview.sweep == sweep { runs.append(run) }
            }
        }
        guard !runs.isEmpty else { throw SessionError.noSweepRuns(sweep, stores: paths.count) }
        return try Figures.comparison(runs, logY: logY)
    }

    /// Writes the report's figure as SVG under the same guards as every file a command writes
    /// (`FileOutput`: an existing file only with `force`, never a device, folder or dangling symlink).
    public static func writeSVG(_ figure: Figure, to path: String, force: Bool) throws(SessionError) {
        try FileOutput.write(Data(figure.svg.utf8), to: URL(fileURLWithPath: path), force: force, shownAs: path,
                             protecting: nil)
    }
}

