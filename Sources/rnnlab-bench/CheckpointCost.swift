// rnnlab-bench checkpoint [--length 2000 --sequences 15 --epochs 5]
//   The rolling checkpoint's cost: train the seed model (Adam, clip norm 1.0) and, after each
//   epoch, serialise the full run state and write it as RUN@latest in the same transaction as
//   the epoch's metrics; print both times per epoch and the ratio. Then save and load one
//   ~23 M-parameter state (with Adam slots) and one 67 M-parameter state.
import Foundation
import RNNEngine
import RNNStore
import RNNTraining

func runCheckpointCost(_ arguments: [String]) throws {
    let flags = try integerFlags(arguments, allowed: ["sequences", "length", "epochs", "threads"])
    let sequences = flags["sequences"] ?? 15, length = flags["length"] ?? 2_000, epochs = flags["epochs"] ?? 5
    let threads = flags["threads"] ?? Threads.available
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rnnlab-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = try Store.open(path: dir.appendingPathComponent("bench.sqlite").path)
    let session = try store.beginSession(version: "bench", cwd: dir.path).id!
    let runID = try store.startRun(sessionID: session, cellID: nil, name: "seed", configuration: "{}").id!

    let (data, settings) = try articleData(sequences: sequences, length: length, window: 128)
    var rng = Random(masterSeed: 0, purpose: .initialization)
    let model = try Model(spec: .seed(outputWidth: 2), inputWidth: 128, rng: &rng)
    let state = try RunState(runName: "seed", masterSeed: 0, model: model, optimizer: OptimizerConfig(kind: .adam),
                             clip: .norm(1), splitSchedule: SplitSchedule(splits: [1]), threads: threads, dataSettings: settings)
    var trainer = try Trainer(state: state, data: data)
    print("rolling checkpoint: \(sequences) × \(length) steps, model seed (\(model.parameters.reduce(0) { $0 + $1.count }) parameters), "
          + "adam; \(threads) threads; epoch 0 is a warm-up")
    print("| epoch | epoch s | serialise ms | write ms | state bytes | cost % of epoch |")
    print("|---:|---:|---:|---:|---:|---:|")
    var costs: [Double] = []
    for epoch in 0...epochs {
        let result = try trainer.train(epochs: 1)
        guard let m = result.epochs.first else { throw BenchError.child("training stopped: \(result.status)") }
        let t0 = Date()
        let bytes = try trainer.state.serialized()
        let t1 = Date()
        try store.recordEpoch(MetricRecord(runID: runID, epoch: m.epoch, loss: m.loss, splits: m.splits, lr: m.learningRate,
                                           gradNormMean: m.gradNormMean, gradNormMax: m.gradNormMax, seconds: m.seconds),
                              checkpoints: [NewCheckpoint(name: "seed@latest", runID: runID, epoch: m.epoch, modelSpec: "seed",
                                                          dataSpec: "sine", state: bytes, formatVersion: RunState.formatVersion)])
        let t2 = Date()
        let serialise = t1.timeIntervalSince(t0), write = t2.timeIntervalSince(t1)
        let percent = 100 * (serialise + write) / m.seconds
        if epoch > 0 { costs.append(percent) }
        print("| \(m.epoch) | \(format(m.seconds, 3)) | \(format(serialise * 1000)) | \(format(write * 1000)) | \(bytes.count) | "
              + "\(format(percent)) |")
    }
    print("median cost: \(format(costs.sorted()[costs.count / 2]))% of an epoch, mean \(format(costs.reduce(0, +) / Double(costs.count)))%")
    // The write alone, many times (no training between): where its time goes.
    let bytes = try trainer.state.serialized()
    var checksum: [Double] = [], metricOnly: [Double] = [], full: [Double] = []
    for k in 1...40 {
        let epoch = trainer.state.epochsCompleted + 2 * k
        func metric(_ e: Int) -> MetricRecord {
            MetricRecord(runID: runID, epoch: e, loss: 1, splits: 1, lr: 0.001, gradNormMean: 0, gradNormMax: 0, seconds: 1)
        }
        var t = Date()
        _ = Checksum.of(bytes)
        checksum.append(Date().timeIntervalSince(t) * 1000)
        t = Date()
        try store.recordEpoch(metric(epoch), checkpoints: [])
        metricOnly.append(Date().timeIntervalSince(t) * 1000)
        t = Date()
        try store.recordEpoch(metric(epoch + 1), checkpoints: [NewCheckpoint(name: "seed@latest", runID: runID, epoch: epoch + 1,
                                                                           modelSpec: "seed", dataSpec: "sine", state: bytes,
                                                                           formatVersion: RunState.formatVersion)])
        full.append(Date().timeIntervalSince(t) * 1000)
    }
    func summary(_ xs: [Double]) -> String {
        let sorted = xs.sorted()
        return "median \(format(sorted[sorted.count / 2])) ms, mean \(format(xs.reduce(0, +) / Double(xs.count))) ms, max \(format(sorted.last!)) ms"
    }
    print("write alone, 40 times: checksum \(summary(checksum)); metric only \(summary(metricOnly)); metric + latest \(summary(full))")
    let restored = try RunState.deserialized(try store.loadCheckpoint(.parse("seed@latest")).state)
    guard restored.parameters == trainer.state.parameters else { throw BenchError.child("seed@latest does not restore the state") }
    try store.close()

    for (label, spec, inputs) in [("~23 M", "dense 4700 relu -> dense 4700 relu -> dense 2", 128),
                                  ("67 M", "dense 8192 relu -> dense 8192 relu -> dense 2", 8)] {
        try bigState(label, layers: spec, inputs: inputs, dir: dir)
    }
}

/// Saves and loads one large state (fresh Adam slots), timing each step.
private func bigState(_ label: String, layers: String, inputs: Int, dir: URL) throws {
    let units = layers.split(separator: " ").compactMap { Int($0) }
    let spec = ModelSpec(layers: [.dense(units: units[0], activation: .relu), .dense(units: units[1], activation: .relu),
                                  .dense(units: 2, activation: .linear)])
    var rng = Random(masterSeed: 0, purpose: .initialization)
    let model = try Model(spec: spec, inputWidth: inputs, rng: &rng)
    let state = try RunState(runName: "big", masterSeed: 0, model: model, optimizer: OptimizerConfig(kind: .adam),
                             splitSchedule: SplitSchedule(splits: [1]), threads: 1)
    let path = dir.appendingPathComponent("big-\(units[0]).sqlite").path
    let store = try Store.open(path: path)
    let session = try store.beginSession(version: "bench", cwd: dir.path).id!
    let runID = try store.startRun(sessionID: session, cellID: nil, name: "big", configuration: "{}").id!
    let t0 = Date()
    let bytes = try state.serialized()
    let t1 = Date()
    try store.saveAutomaticCheckpoints([NewCheckpoint(name: "big@0", runID: runID, epoch: 0, modelSpec: layers, dataSpec: "",
                                                      state: bytes, formatVersion: RunState.formatVersion)])
    let t2 = Date()
    let loaded = try store.loadCheckpoint(.parse("big@0"))
    let t3 = Date()
    let back = try RunState.deserialized(loaded.state)
    let t4 = Date()
    guard back.parameters == state.parameters else { throw BenchError.child("the \(label) state does not round-trip") }
    try store.close()
    let parameters = model.parameters.reduce(0) { $0 + $1.count }
    print("\(label) state (\(parameters) parameters, \(bytes.count) bytes, \(loaded.info.parts) parts): serialise "
          + "\(format(t1.timeIntervalSince(t0))) s, save \(format(t2.timeIntervalSince(t1))) s, load \(format(t3.timeIntervalSince(t2))) s, "
          + "deserialise+validate \(format(t4.timeIntervalSince(t3))) s")
}
