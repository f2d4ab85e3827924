import Foundation
import RNNReport
import RNNStore

/// `YYYY-MM-DD HH:MM:SS` in local time.
func timestamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: date)
}

/// How the store's records are shown.
enum StoreTables {
    /// One row per checkpoint, under the name that reaches it (`s1/x@best` once a later run is
    /// also called x); the model abbreviated so the table fits 100 columns (`show run` has it whole).
    static func checkpoints(_ list: [CheckpointInfo]) -> TextTable {
        TextTable(columns: ["checkpoint", "run", "epoch", "loss", "created", "model"], rows: list.map { c in
            [c.isReachedByName ? c.name : c.qualifiedName, "s\(c.sessionID)/\(c.runName)", "\(c.epoch)",
             c.loss.map { NumberText.fixed($0, 6) } ?? "–", c.createdAt.map(timestamp) ?? "?", abbreviated(c.modelSpec, 28)]
        })
    }

    /// At most `width` characters, the cut marked with `…`.
    static func abbreviated(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    static func sessions(_ list: [SessionSummary], current: Int64) -> TextTable {
        TextTable(columns: ["session", "started", "ended", "cells", "runs", "process", "folder"], rows: list.map { s in
            let id = s.session.id ?? 0
            let state = id == current ? "this one" : s.isAlive ? "running (pid \(s.session.pid))"
                : s.session.endedAt == nil ? "killed" : "ended"
            return ["\(id)", timestamp(s.session.startedAt), s.session.endedAt.map(timestamp) ?? "", "\(s.cells)", "\(s.runs)",
                    state, s.session.cwd]
        })
    }

    /// One line per cell: `[N] first line of its source`, marked when it did not succeed.
    static func history(_ cells: [CellRecord]) -> String {
        let width = "\(cells.map(\.number).max() ?? 0)".count + 2
        return cells.map { cell in
            let lines = cell.source.split(separator: "\n", omittingEmptySubsequences: false)
            var text = "[\(cell.number)]".padding(toLength: width, withPad: " ", startingAt: 0) + " " + String(lines.first ?? "")
            if lines.count > 1 { text += " …(\(lines.count) lines)" }
            if cell.status != .ok { text += "   ✗ \(cell.status.rawValue)" }
            return text
        }.joined(separator: "\n")
    }

    static func cell(_ cell: CellRecord) -> String {
        var text = "In [\(cell.number)]  (\(cell.status.rawValue), \(timestamp(cell.startedAt)), \(NumberText.fixed(cell.duration, 2))s)\n"
        text += cell.source.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        if !cell.output.isEmpty {
            text += "\nOut [\(cell.number)]\n" + cell.output
        }
        return text
    }
}
