import Foundation
import RNNData
import RNNEngine
import RNNReport
import RNNScript
import RNNStore
import RNNTraining

/// This session's record in the store (SPEC §4): the session row, the cell being run, and the
/// translation between the workspace's values and the store's plain ones. The interpreter
/// opens a cell before running it and finishes it with what it printed; training writes its
/// runs, metrics and checkpoints through here as they happen.
public final class SessionLog {
    public let store: Store
    public let session: SessionRecord
    /// The cell being run, once it is recorded.
    private(set) var currentCellID: Int64?

    /// Begins a session for this process.
    public init(store: Store, version: String, cwd: String) throws(StoreError) {
        self.store = store
        session = try store.beginSession(version: version, cwd: cwd)
    }

    var sessionID: Int64 { session.id! }

    /// Ends the session and closes the store.
    public func close() {
        try? store.endSession(id: sessionID)
        try? store.close()
    }

    // MARK: Cells

    /// Records a cell as it starts; a store that cannot be written to is said once per cell
    /// and the cell still runs.
    func openCell(number: Int, source: String) -> String? {
        do {
            currentCellID = try store.openCell(sessionID: sessionID, number: number, source: source).id
            return nil
        } catch {
            currentCellID = nil
            return "this cell is not recorded: \(error)"
        }
    }

    func finishCell(output: String, status: CellStatus, duration: Double,
                    attachments: [(kind: AttachmentKind, payload: Data)]) -> String? {
        guard let id = currentCellID else { return nil }
        currentCellID = nil
        do {
            try store.finishCell(id: id, output: output, status: status, duration: duration, attachments: attachments)
            return nil
        } catch {
            return "this cell's output is not recorded: \(error)"
        }
    }

    // MARK: Runs

    /// Starts a run in the store (named `run-N` there when `name` is nil), with where its
    /// weights came from; returns its id and name.
    func startRun(name: String?, configuration: [(key: String, value: String)], data: DataSpec?,
                  origin: WeightsOrigin) throws -> (id: Int64, name: String) {
        if case let .csv(source) = data, let bytes = FileManager.default.contents(atPath: source.path),
           SHA256.hex(of: [UInt8](bytes)) == source.contentHash {
            try checked { try store.keepCSV(hash: source.contentHash, bytes: bytes) }
        }
        let run = try checked {
            try store.startRun(sessionID: sessionID, cellID: currentCellID, name: name,
                               configuration: ConfigurationJSON.encode(configuration))
        }
        if let source = origin.source {
            var parent: (id: Int64?, epoch: Int?) = (nil, nil)
            if case let .run(reference) = origin { parent = (reference.storeID, reference.epoch) }
            try checked {
                try store.setLineage(RunLineageRecord(runID: run.id!, parentRunID: parent.id, parentEpoch: parent.epoch,
                                                      source: source))
            }
        }
        return (run.id!, run.name)
    }

    /// Records settings changed between two `train`s of a run.
    func recordEvents(runID: Int64, _ events: [RunEvent]) throws {
        for event in events {
            try checked {
                try store.recordRunEvent(RunEventRecord(runID: runID, epoch: event.epoch, setting: event.setting,
                                                        oldValue: event.old, newValue: event.new))
            }
        }
    }

    /// Removes a run that was refused before its first epoch.
    func discardRun(id: Int64) throws {
        try checked { try store.deleteRun(id: id) }
    }

    func continueRun(id: Int64, fromEpoch epoch: Int) throws {
        try checked { try store.continueRun(id: id, fromEpoch: epoch) }
    }

    /// One epoch's metrics and the run's rolling checkpoints (`RUN@latest`, `RUN@best` when it
    /// improved) in one transaction.
    func recordEpoch(runID: Int64, _ m: EpochMetrics, _ states: [(tag: CheckpointTag, state: RunState)],
                     runName: String) throws {
        let metric = MetricRecord(runID: runID, epoch: m.epoch, loss: m.loss, valLoss: m.validationLoss, splits: m.splits,
                                  lr: m.learningRate, gradNormMean: m.gradNormMean, gradNormMax: m.gradNormMax,
                                  seconds: m.seconds)
        let checkpoints = try states.map { try Self.checkpoint(runID: runID, name: CheckpointReference.automaticName(run: runName, tag: $0.tag), $0.state) }
        try checked { try store.recordEpoch(metric, checkpoints: checkpoints) }
    }

    func endRun(id: Int64, status: TrainingOutcome) throws {
        try checked { try store.endRun(id: id, status: StoreMapping.runStatus(status)) }
    }

    /// Every run in the store, with its metrics, changes and lineage, oldest first.
    /// Every run in the store as `runs` lists it, from its totals (no metric is read).
    func runOverviews() throws -> [RunOverview] {
        try checked {
            let events = try store.allRunEvents(), lineages = try store.lineages()
            return try store.storedRuns().map { stored in
                let id = stored.run.id!
                return RunOverview(
                    name: stored.isLatestOfName ? stored.run.name : stored.qualifiedName, status: stored.run.status.rawValue,
                    session: stored.run.sessionID, epochs: stored.epochs, finalLoss: stored.lastLoss,
                    best: stored.bestLoss.map { ($0, stored.bestEpoch ?? 0) }, lastSplits: stored.lastSplits,
                    seconds: stored.seconds, configuration: ConfigurationJSON.decode(stored.run.configuration),
                    parent: lineages[id]?.source, changes: (events[id] ?? []).map { "e\($0.epoch) \($0.setting) \($0.newValue)" })
            }
        }
    }

    /// The run a name reaches (`x`: the latest run called x; `s1/x`: session 1's), with its
    /// metrics, changes and lineage; nil when none does.
    func run(_ name: String) throws -> RunHistory? {
        try checked {
            guard let reference = RNNStore.RunReference.parse(name), let stored = try store.storedRun(reference) else {
                return nil
            }
            return try Self.history(of: stored, in: store)
        }
    }

    /// A stored run as the session knows runs: its metrics, changes and lineage.
    static func history(of stored: StoredRun, in store: Store) throws(StoreError) -> RunHistory {
        let id = stored.run.id!
        return RunHistory(name: stored.isLatestOfName ? stored.run.name : stored.qualifiedName, status: stored.run.status,
                          session: stored.run.sessionID, metrics: try store.metrics(runID: id).map(epochMetrics),
                          configuration: ConfigurationJSON.decode(stored.run.configuration),
                          events: try store.runEvents(runID: id).map(StoreMapping.event),
                          parent: try store.lineages()[id]?.source)
    }

    /// Every run name in the store, each once.
    func runNames() throws -> [String] {
        try checked { try store.runNames() }
    }

    /// Every run's name in the order the runs started (a name as often as it was used).
    func runOrder() throws -> [String] {
        try checked { try store.storedRuns().map(\.run.name) }
    }

    private static func epochMetrics(_ m: MetricRecord) -> EpochMetrics {
        EpochMetrics(epoch: m.epoch, loss: m.loss, validationLoss: m.valLoss, splits: m.splits, learningRate: m.lr,
                     gradNormMean: m.gradNormMean, gradNormMax: m.gradNormMax, seconds: m.seconds)
    }

    // MARK: Checkpoints

    /// Saves training states under their names in one transaction.
    func saveCheckpoints(runID: Int64, _ states: [(tag: CheckpointTag, state: RunState)], runName: String) throws {
        let new = try states.map {
            try Self.checkpoint(runID: runID, name: CheckpointReference.automaticName(run: runName, tag: $0.tag), $0.state)
        }
        _ = try checked { try store.saveAutomaticCheckpoints(new) }
    }

    /// `checkpoint save NAME [force]`: a name unique in the store, replaced only with `force`.
    func saveNamedCheckpoint(_ name: String, runID: Int64, _ state: RunState, force: Bool) throws {
        let new = try Self.checkpoint(runID: runID, name: name, state)
        _ = try checked { try store.saveNamedCheckpoint(new, force: force) }
    }

    private static func checkpoint(runID: Int64, name: String, _ state: RunState) throws -> NewCheckpoint {
        NewCheckpoint(name: name, runID: runID, epoch: state.epochsCompleted, modelSpec: state.modelSpec.text,
                      dataSpec: state.dataSettings?.data.text ?? "", state: try state.serialized(),
                      formatVersion: RunState.formatVersion)
    }

    /// A checkpoint's state, verified against its checksum and decoded.
    func loadCheckpoint(_ name: String) throws -> (state: RunState, runID: Int64) {
        let (info, blob): (CheckpointInfo, Data)
        do {
            (info, blob) = try store.loadCheckpoint(CheckpointReference.parse(name))
        } catch .checkpointNotFound {
            throw try noCheckpoint(name)
        } catch {
            throw SessionError.store("\(error)")
        }
        do {
            return (try RunState.deserialized(blob), info.runID)
        } catch {
            throw SessionError.unreadableCheckpoint(name, reason: "\(error)")
        }
    }

    /// "No checkpoint named …", with the closest name there is.
    func noCheckpoint(_ name: String) throws -> SessionError {
        let names = try checked { try store.checkpointNames() }
        return .noCheckpoint(name, suggestion: Suggestion.closest(to: name, among: names))
    }

    /// The CSV bytes a data spec names, kept in the store when its run started.
    func csvBytes(hash: String) -> Data? {
        try? store.csvBytes(hash: hash)
    }

    /// A session and its cells, in order; an unknown session is an error that says where to look.
    func recordedSession(_ id: Int64) throws -> (session: SessionRecord, cells: [CellRecord]) {
        try checked {
            guard let session = try store.session(id: id) else { throw SessionError.noSession(id) }
            return (session, try store.cells(sessionID: id))
        }
    }

    /// What a replay or an export repeats of these recorded cells (`SessionScript`).
    func repeatedCells(_ cells: [CellRecord]) throws -> [SessionScript.Repeated] {
        let attachments = try checked { try Dictionary(uniqueKeysWithValues: cells.map { ($0.id!, try store.attachments(cellID: $0.id!)) }) }
        return SessionScript.repeated(cells) { attachments[$0.id!] ?? [] }
    }

    // MARK: Notebook

    /// A recorded session as a notebook: its cells (without the one running now), their
    /// output, and their figures — SVGs the cell drew, and each run it trained as its loss
    /// curve up to the epoch that cell reached.
    func notebook(session id: Int64) throws -> NotebookDocument {
        let (session, recorded) = try recordedSession(id)
        let cells = recorded.filter { $0.id != currentCellID }
        let notebookCells = try cells.map { cell in
            let figures = try checked { try store.attachments(cellID: cell.id!) }.compactMap { attachment -> String? in
                switch attachment.kind {
                case .svg:
                    return String(decoding: attachment.payload, as: UTF8.self)
                case .run:
                    guard let summary = try? JSONDecoder().decode(RunSummary.self, from: attachment.payload),
                          var run = try self.run("s\(id)/\(summary.name)") ?? self.run(summary.name)
                    else { return nil }
                    run.metrics = Array(run.metrics.prefix(summary.epochs))
                    return try? Figures.curves([run], metric: .loss, logY: false, smoothing: 0).svg
                case .table:
                    return nil
                }
            }
            return NotebookCell(number: cell.number, source: cell.source, output: cell.output, status: cell.status.rawValue,
                                figures: figures)
        }
        let metadata: [(key: String, value: String)] = [
            ("session", "\(id)"), ("started", timestamp(session.startedAt)),
            ("ended", session.endedAt.map(timestamp) ?? (id == sessionID ? "running (this session)" : "never: still running, or killed")),
            ("rnnlab", session.version),
            ("store", session.storePath), ("folder", session.cwd), ("cells", "\(notebookCells.count)"),
        ]
        return NotebookDocument(title: "rnnlab session \(id)", metadata: metadata, cells: notebookCells)
    }

    /// Runs a store operation, turning its error into one a command reports.
    func checked<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw SessionError.store("\(error)")
        }
    }
}

/// A run's configuration as a JSON object (readable with SQLite's `json_extract`), and back
/// in the order the workspace lists it.
enum ConfigurationJSON {
    static func encode(_ pairs: [(key: String, value: String)]) -> String {
        "{" + pairs.map { quote($0.key) + ":" + quote($0.value) }.joined(separator: ",") + "}"
    }

    static func decode(_ text: String) -> [(key: String, value: String)] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [] }
        let pairs = object.map { (key: $0.key, value: "\($0.value)") }
        // JSON objects are unordered: restore the encoded order from where each key appears.
        func position(_ key: String) -> Int {
            text.range(of: quote(key) + ":").map { text.distance(from: text.startIndex, to: $0.lowerBound) } ?? Int.max
        }
        return pairs.sorted { position($0.key) < position($1.key) }
    }

    private static func quote(_ s: String) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])
        let array = data.flatMap { String(data: $0, encoding: .utf8) } ?? "[\"\"]"
        return String(array.dropFirst().dropLast())
    }
}
