import Foundation
import RNNReport
import RNNScript
import RNNStore

/// Which recorded cells a replay or an exported script repeats: the successful ones, minus
/// those that only look at the store or end the session.
enum SessionScript {
    static func isRepeatable(_ cell: CellRecord) -> Bool {
        guard cell.status == .ok else { return false }
        let (script, diagnostics) = Parser.parse(cell.source, file: "cell")
        guard diagnostics.allSatisfy({ $0.severity != .error }) else { return false }
        return script.statements.allSatisfy { statement in
            guard case let .command(call) = statement else { return true }
            return CommandTable.isRepeated(call)
        }
    }

    /// A runnable script of a session's repeatable cells, with where they came from.
    static func text(of cells: [CellRecord], session: SessionRecord) -> (text: String, cells: Int) {
        let kept = cells.filter(isRepeatable)
        var lines = ["# rnnlab session \(session.id ?? 0), started \(timestamp(session.startedAt)) in \(session.cwd)",
                     "# \(kept.count) of its \(cells.count) cells: the successful ones, without store-only commands"]
        for cell in kept {
            lines.append("")
            lines.append("# [\(cell.number)]")
            lines.append(cell.source)
        }
        return (lines.joined(separator: "\n") + "\n", kept.count)
    }
}
