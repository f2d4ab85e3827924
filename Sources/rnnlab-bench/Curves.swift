// `rnnlab-bench curves`: the article's comparisons at a reduced size, as text — loss per epoch
// for sgd, rmsprop and adam, with and without clip norm 1.0, and with the split schedule —
// all from the same initial weights. A stand-in until the language can script it.
import Foundation
import RNNEngine
import RNNTraining

struct CurveConfig {
    let name: String
    let optimizer: OptimizerKind
    let clip: ClipSetting
    let splits: [Int]
}

func runCurves(_ arguments: [String]) throws {
    let flags = try integerFlags(arguments, allowed: ["sequences", "length", "epochs", "window", "seed", "patience"])
    let sequences = flags["sequences"] ?? 15, length = flags["length"] ?? 2_000, epochs = flags["epochs"] ?? 150
    let window = flags["window"] ?? 128, seed = UInt64(flags["seed"] ?? 7), patience = flags["patience"] ?? 20
    let schedule = [100, 50, 10, 2, 1].filter { $0 <= length }
    let configs = [
        CurveConfig(name: "sgd", optimizer: .sgd, clip: .off, splits: [1]),
        CurveConfig(name: "rmsprop", optimizer: .rmsprop, clip: .off, splits: [1]),
        CurveConfig(name: "adam", optimizer: .adam, clip: .off, splits: [1]),
        CurveConfig(name: "sgd clip", optimizer: .sgd, clip: .norm(1), splits: [1]),
        CurveConfig(name: "rmsprop clip", optimizer: .rmsprop, clip: .norm(1), splits: [1]),
        CurveConfig(name: "adam clip", optimizer: .adam, clip: .norm(1), splits: [1]),
        CurveConfig(name: "sgd schedule", optimizer: .sgd, clip: .off, splits: schedule),
        CurveConfig(name: "adam clip schedule", optimizer: .adam, clip: .norm(1), splits: schedule),
    ]
    let (data, settings) = try articleData(sequences: sequences, length: length, window: window, seed: seed)
    var initRng = Random(masterSeed: seed, purpose: .initialization)
    let model = try Model(spec: .seed(outputWidth: 2), inputWidth: window, rng: &initRng)
    let marks = [1, 2, 5, 10, 25, 50, 100, 150, 200, 300, 500].filter { $0 <= epochs }
    print("\(sequences) × \(length) steps, seed model, seed \(seed), \(epochs) epochs; schedule \(schedule) patience \(patience)")
    print("config".padding(toLength: 20, withPad: " ", startingAt: 0)
          + marks.map { "ep \($0)".leftPadded(11) }.joined() + "  best".leftPadded(11) + "  grad max".leftPadded(11)
          + "  K path")
    for config in configs {
        let state = try RunState(runName: config.name, masterSeed: seed, model: model,
                                 optimizer: OptimizerConfig(kind: config.optimizer), clip: config.clip,
                                 splitSchedule: SplitSchedule(splits: config.splits, patience: patience),
                                 threads: Threads.available, dataSettings: settings)
        var trainer = try Trainer(state: state, data: data)
        let result = try trainer.train(epochs: epochs)
        let losses = result.epochs.map(\.loss)
        var path: [String] = []
        for m in result.epochs where path.last != "\(m.splits)" { path.append("\(m.splits)") }
        let kChanges = zip(result.epochs, result.epochs.dropFirst()).compactMap { a, b in
            a.splits != b.splits ? "\(b.splits)@\(b.epoch)" : nil
        }
        print(config.name.padding(toLength: 20, withPad: " ", startingAt: 0)
              + marks.map { $0 <= losses.count ? String(format: "%.6f", losses[$0 - 1]).leftPadded(11) : "–".leftPadded(11) }.joined()
              + String(format: "%.6f", losses.min() ?? .nan).leftPadded(11)
              + String(format: "%.3f", result.epochs.map(\.gradNormMax).max() ?? 0).leftPadded(11)
              + "  " + ([path.first ?? ""] + kChanges).joined(separator: " → ")
              + (result.status == .finished ? "" : "  (\(result.status))"))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
