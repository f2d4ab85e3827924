import Foundation
import RNNReport
import RNNScript
import RNNStore

/// What a replay or an exported script repeats of a recorded session: the successful cells,
/// minus those that only look at the store or end the session, and each interrupted `train`
/// as the epochs it completed (so the replay gives the same runs).
enum SessionScript {
    /// A cell as it is repeated: its source (rewritten for an interrupted `train`) and a note.
    struct Repeated {
        var cell: CellRecord
        var source: String
        var note: String?
    }

    /// The cells to repeat, in order; `attachments` gives a cell's stored attachments.
    static func repeated(_ cells: [CellRecord], attachments: (CellRecord) -> [AttachmentRecord]) -> [Repeated] {
        cells.compactMap { cell in
            let (script, diagnostics) = Parser.parse(cell.source, file: "cell")
            guard diagnostics.allSatisfy({ $0.severity != .error }) else { return nil }
            guard script.statements.allSatisfy(isRepeated) else { return nil }
            switch cell.status {
            case .ok:
                return Repeated(cell: cell, source: cell.source)
            case .error:
                return nil
            case .interrupted:
                return interruptedTrain(cell, script, attachments(cell))
            }
        }
    }

    private static func isRepeated(_ statement: Statement) -> Bool {
        guard case let .command(call) = statement else { return true }
        return CommandTable.isRepeated(call)
    }

    /// An interrupted cell whose last statement is a top-level `train`: the statements up to
    /// it, with the `train` given the epochs it completed. Nil when it completed none, or was
    /// inside a loop (no single command repeats that), or the cell recorded no run.
    private static func interruptedTrain(_ cell: CellRecord, _ script: Script,
                                         _ attachments: [AttachmentRecord]) -> Repeated? {
        guard let payload = attachments.last(where: { $0.kind == .run })?.payload,
              let summary = try? JSONDecoder().decode(RunSummary.self, from: payload), summary.status == .interrupted,
              let completed = summary.epochsThisTrain, completed >= 1
        else { return nil }
        guard let index = script.statements.lastIndex(where: isTrain), case var .command(call) = script.statements[index]
        else { return nil }
        var written = false
        call.arguments = call.arguments.map { argument in
            guard case let .option(key, value) = argument.kind, key.name == "epochs" else { return argument }
            written = true
            let number = Value(.number(text: "\(completed)", value: Double(completed)), range: value.range)
            return Argument(.option(key: key, value: number), range: argument.range)
        }
        guard written else { return nil }
        let statements = Array(script.statements[..<index]) + [.command(call)]
        return Repeated(cell: cell, source: statements.map(\.description).joined(separator: "\n"),
                        note: "interrupted after \(Plural.count(completed, "epoch")): repeated as the epochs it completed")
    }

    private static func isTrain(_ statement: Statement) -> Bool {
        guard case let .command(call) = statement else { return false }
        return TrainingCommands.isTrain(call)
    }

    /// A runnable script of a session's repeated cells, with where they came from.
    static func text(of repeated: [Repeated], total: Int, session: SessionRecord) -> String {
        var lines = ["# rnnlab session \(session.id ?? 0), started \(timestamp(session.startedAt)) in \(session.cwd)",
                     "# \(repeated.count) of its \(total) cells: the successful ones and the epochs interrupted trains "
                         + "completed, without store-only commands"]
        for r in repeated {
            lines.append("")
            lines.append("# [\(r.cell.number)]" + (r.note.map { " \($0)" } ?? ""))
            lines.append(r.source)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
