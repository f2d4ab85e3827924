// One measurement: the article's workload in rnnlab's engine — B sequences × L steps, the seed
// model, Adam with per-tensor clipping at 1.0, K chunks per epoch with the state carried.
// Prints one JSON line per timed epoch and a summary line, like scripts/peers/torch_seed.py.
import Foundation
import RNNEngine

struct WorkloadOptions {
    var sequences = 15, length = 20_000, splits = 1, epochs = 3, threads = Threads.available, window = 128

    init(arguments: [String]) throws {
        var it = arguments.makeIterator()
        while let flag = it.next() {
            guard let text = it.next(), let value = Int(text), value > 0 else {
                throw BenchError.usage("\(flag) needs a positive integer")
            }
            switch flag {
            case "--sequences": sequences = value
            case "--length": length = value
            case "--splits": splits = value
            case "--epochs": epochs = value
            case "--threads": threads = value
            case "--window": window = value
            default: throw BenchError.usage("unknown option \(flag)")
            }
        }
        guard splits <= length else { throw BenchError.usage("--splits \(splits) exceeds --length \(length)") }
    }
}


func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Trains the workload for one K in this process and prints JSON lines.
func runWorkload(_ o: WorkloadOptions) throws {
    try Threads.set(o.threads)
    var initRng = Random(masterSeed: 0, purpose: .initialization)
    var noise = Random(masterSeed: 0, purpose: .noise)
    var model = try Model(spec: .seed(outputWidth: 2), inputWidth: o.window, rng: &initRng)
    var optimizer = try Optimizer(config: OptimizerConfig(kind: .adam), parameters: model.parameters)
    // Synthetic inputs and targets of the real shapes and scales (speed only).
    var dataRng = Random(masterSeed: 0, purpose: .data)
    var x = Tensor(zeros: [o.length, o.sequences, o.window])
    dataRng.fillGaussian(&x.values, std: 0.015)
    var y = Tensor(zeros: [o.length, o.sequences, 2])
    dataRng.fillGaussian(&y.values, std: 0.02)
    let chunks = (0..<o.splits).map { ($0 * o.length / o.splits)..<(($0 + 1) * o.length / o.splits) }
    let inputs = chunks.map { x.steps($0) }, targets = chunks.map { y.steps($0) }
    x = Tensor(zeros: [0]); y = Tensor(zeros: [0])

    var times: [Double] = []
    for epoch in 0...o.epochs {
        let start = Date()
        var state = model.zeroState
        for (input, target) in zip(inputs, targets) {
            var pass = try model.forward(input, state: state, mode: .training, rng: &noise)
            guard let loss = try MeanSquaredError.evaluate(prediction: pass.output, target: target, mask: nil) else { continue }
            var grads = model.zeroGradients()
            _ = try model.backward(loss.gradient, cache: &pass.cache, gradients: &grads)
            Clipping.apply(.norm(1), to: &grads)
            optimizer.apply(grads, to: &model.parameters)
            state = pass.state
        }
        let seconds = Date().timeIntervalSince(start)
        if epoch > 0 {                                   // epoch 0 is the warm-up
            times.append(seconds)
            print("{\"epoch\": \(epoch), \"seconds\": \(seconds)}")
        }
    }
    let median = times.sorted()[times.count / 2]
    // Training arithmetic: forward 2·W multiply-adds per row for W weight-matrix elements, backward twice that.
    let weights = zip(model.parameterNames, model.parameters).filter { $0.0.contains("weight") }.reduce(0) { $0 + $1.1.count }
    let gflop = 6 * Double(weights) * Double(o.length * o.sequences) / 1e9
    print("{\"median_seconds\": \(median), \"peak_rss_mb\": \(peakResidentMegabytes()), \"threads\": \(o.threads), "
          + "\"splits\": \(o.splits), \"gflop_per_epoch\": \(gflop), \"blas_core\": \"\(Threads.blasCore)\"}")
}

