// One measurement: the article's workload in rnnlab's engine — B sequences × L steps, the seed
// model, Adam with per-tensor clipping at 1.0, K chunks per epoch with the state carried.
// Prints one JSON line per timed epoch and a summary line, like scripts/peers/torch_seed.py.
import Foundation
import RNNData
import RNNEngine
import RNNTraining

struct WorkloadOptions {
    var sequences = 15, length = 20_000, splits = 1, epochs = 3, threads = Threads.available, window = 128
    /// The trainer's memory budget in bytes (`--memory`): below a chunk's cache, it recomputes segments.
    var memory = MemoryPlan.defaultBudget
    /// The recurrent layers of the seed model: `lstm` (the article's) or `gru` (same widths).
    var cell = Cell.lstm
    /// The kernels' lane width (`--lanes 8` measures the AVX2 kernels on an AVX-512 CPU).
    var lanes = KernelLanes.widest

    init(arguments: [String]) throws {
        var arguments = arguments
        if let i = arguments.firstIndex(of: "--cell") {
            guard i + 1 < arguments.count, let cell = Cell(rawValue: arguments[i + 1]) else {
                throw BenchError.usage("--cell takes lstm or gru")
            }
            self.cell = cell
            arguments.removeSubrange(i...(i + 1))
        }
        let flags = try integerFlags(arguments, allowed: ["sequences", "length", "splits", "epochs", "threads", "window",
                                                          "memory", "lanes"])
        memory = flags["memory"] ?? memory
        if let width = flags["lanes"] {
            guard let chosen = KernelLanes(rawValue: width), chosen.rawValue <= KernelLanes.widest.rawValue else {
                throw BenchError.usage("--lanes takes 8 or, on a CPU with AVX-512, 16")
            }
            lanes = chosen
        }
        sequences = flags["sequences"] ?? sequences
        length = flags["length"] ?? length
        splits = flags["splits"] ?? splits
        epochs = flags["epochs"] ?? epochs
        threads = flags["threads"] ?? threads
        window = flags["window"] ?? window
        guard splits <= length else { throw BenchError.usage("--splits \(splits) exceeds --length \(length)") }
    }
}

/// The recurrent cell of the benchmark's model.
enum Cell: String, CaseIterable {
    case lstm, gru

    /// The seed model with this cell in both recurrent places.
    func seedModel(outputWidth: Int) -> ModelSpec {
        var spec = ModelSpec.seed(outputWidth: outputWidth)
        if self == .gru {
            spec.layers = spec.layers.map { if case let .lstm(units) = $0 { .gru(units: units) } else { $0 } }
        }
        return spec
    }
}

/// `--name N` pairs with positive integers, for the flags in `allowed`.
func integerFlags(_ arguments: [String], allowed: Set<String>) throws -> [String: Int] {
    var flags: [String: Int] = [:]
    var it = arguments.makeIterator()
    while let flag = it.next() {
        let name = String(flag.drop { $0 == "-" })
        guard flag.hasPrefix("--"), allowed.contains(name) else { throw BenchError.usage("unknown option \(flag)") }
        guard let text = it.next(), let value = Int(text), value > 0 else {
            throw BenchError.usage("\(flag) needs a positive integer")
        }
        flags[name] = value
    }
    return flags
}

func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// The article's data at the given size: the sine walk, deltas over `window`, Q targets (γ 0.9).
func articleData(sequences: Int, length: Int, window: Int, seed: UInt64 = 0) throws -> (TrainingData, DataSettings) {
    var options = SineOptions()
    options.sequences = sequences
    options.length = length
    var settings = DataSettings(data: .sine(options, seed: seed), features: FeatureSpec(window: window, scale: .none),
                                targets: .q(gamma: 0.9, actions: [.buy, .sell]), validation: nil, featureStats: nil)
    let prepared = try Preparation.prepare(try Series.load(settings.data), features: settings.features,
                                           targets: settings.targets, validation: nil)
    settings.featureStats = prepared.featureStats
    return (try TrainingData(prepared), settings)
}

/// Trains the workload for one K in this process (the real trainer on the real data) and
/// prints JSON lines.
func runWorkload(_ o: WorkloadOptions) throws {
    let (data, settings) = try articleData(sequences: o.sequences, length: o.length, window: o.window)
    let preparationPeak = peakResidentMegabytes()
    var initRng = Random(masterSeed: 0, purpose: .initialization)
    let model = try Model(spec: o.cell.seedModel(outputWidth: 2), inputWidth: o.window, rng: &initRng)
    let state = try RunState(runName: "bench", masterSeed: 0, model: model, optimizer: OptimizerConfig(kind: .adam),
                             clip: .norm(1), splitSchedule: SplitSchedule(splits: [o.splits]), threads: o.threads,
                             dataSettings: settings)
    var trainer = try Trainer(state: state, data: data, memoryBudget: o.memory)
    let plan = trainer.memoryPlan(splits: o.splits)
    var times: [Double] = []
    for epoch in 0...o.epochs {
        let result = try trainer.train(epochs: 1)
        guard result.status == .finished, let metrics = result.epochs.first else {
            throw BenchError.child("training stopped: \(result.status)")
        }
        if epoch > 0 {                                   // epoch 0 is the warm-up
            times.append(metrics.seconds)
            print("{\"epoch\": \(epoch), \"seconds\": \(metrics.seconds), \"loss\": \(metrics.loss)}")
        }
    }
    let median = times.sorted()[times.count / 2]
    // Training arithmetic: forward 2·W multiply-adds per row for W weight-matrix elements, backward twice that.
    let weights = zip(model.parameterNames, model.parameters).filter { $0.0.contains("weight") }.reduce(0) { $0 + $1.1.count }
    let gflop = 6 * Double(weights) * Double(o.length * o.sequences) / 1e9
    print("{\"median_seconds\": \(median), \"peak_rss_mb\": \(peakResidentMegabytes()), \"threads\": \(o.threads), "
          + "\"splits\": \(o.splits), \"cell\": \"\(o.cell.rawValue)\", \"segment_steps\": \(plan.segmentSteps ?? 0), "
          + "\"estimated_mb\": \(Double(plan.totalBytes) / 1_048_576), \"gflop_per_epoch\": \(gflop), \"data_peak_rss_mb\": \(preparationPeak), \"blas_core\": \"\(Threads.blasCore)\"}")
}

