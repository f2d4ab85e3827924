#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RNNStore

/// `history_request` answered from the store, as IPython's history manager answers it:
/// entries `[session, line, source]` (or `[session, line, [source, output]]` with `output`),
/// oldest first, over every session the store holds.
struct HistoryQuery {
    let store: Store
    /// The kernel's own session, which `session` 0 and negative offsets count from.
    let currentSession: Int64

    /// The reply's `history` list for a request's content.
    func entries(_ request: JSONValue) -> [JSONValue] {
        let output = request["output"]?.bool ?? false
        let cells: [CellRecord]
        switch request["hist_access_type"]?.string ?? "tail" {
        case "range":
            cells = range(session: request["session"]?.int ?? 0, start: request["start"]?.int ?? 1,
                          stop: request["stop"]?.int)
        case "search":
            cells = search(pattern: request["pattern"]?.string ?? "*", n: request["n"]?.int,
                           unique: request["unique"]?.bool ?? false)
        default:
            let all = allCells()
            let n = max(0, request["n"]?.int ?? 10)
            cells = Array(all.suffix(n))
        }
        return cells.map { cell in
            let source = JSONValue.string(cell.source)
            return .array([.int(Int(cell.sessionID)), .int(cell.number),
                           output ? .array([source, .string(cell.output)]) : source])
        }
    }

    private func allCells() -> [CellRecord] {
        let sessions = (try? store.sessions()) ?? []
        return sessions.flatMap { session in (try? store.cells(sessionID: session.id ?? -1)) ?? [] }
    }

    /// Lines `start..<stop` of a session (`stop` nil: to its end). A session ≤ 0 counts back
    /// from this one (0 this session, −1 the one before), as IPython's do.
    private func range(session: Int, start: Int, stop: Int?) -> [CellRecord] {
        var id = Int64(session)
        if session <= 0 {
            let ids = ((try? store.sessions()) ?? []).compactMap(\.id).filter { $0 <= currentSession }
            guard let back = Int(exactly: -session), back < ids.count else { return [] }
            id = ids[ids.count - 1 - back]
        }
        let cells = (try? store.cells(sessionID: id)) ?? []
        return cells.filter { cell in cell.number >= start && (stop.map { cell.number < $0 } ?? true) }
    }

    /// Cells whose source matches the glob (`*`, `?`, `[…]`); the latest `n` when given; with
    /// `unique`, each source once (its latest occurrence).
    private func search(pattern: String, n: Int?, unique: Bool) -> [CellRecord] {
        var matches = allCells().filter { fnmatch(pattern, $0.source, 0) == 0 }
        if unique {
            var seen = Set<String>()
            matches = matches.reversed().filter { seen.insert($0.source).inserted }.reversed()
        }
        if let n { matches = Array(matches.suffix(max(0, n))) }
        return matches
    }
}
