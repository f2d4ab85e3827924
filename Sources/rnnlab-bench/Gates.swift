// `rnnlab-bench gates`: the seed model's forward and backward over one long chunk, with the LSTM
// gates kept and recomputed in turn in the same process (so machine load hits both alike).
import Foundation
import RNNEngine

func runGates(_ arguments: [String]) throws {
    let flags = try integerFlags(arguments, allowed: ["batch", "steps", "repeats", "threads"])
    let batch = flags["batch"] ?? 15, steps = flags["steps"] ?? 20_000
    let repeats = flags["repeats"] ?? 5, threads = flags["threads"] ?? Threads.available
    print("model seed, 128 features, \(batch) sequences × \(steps) steps, \(threads) threads; "
          + "median of \(repeats) alternating passes after a warm-up of each")
    print("")
    print("| LSTM gates | forward s | backward s | total s |")
    print("|---|---:|---:|---:|")
    var x = Tensor(zeros: [steps, batch, 128])
    var rng = Random(seed: 1)
    rng.fillGaussian(&x.values, std: 0.5)
    var dOut = Tensor(zeros: [steps, batch, 2])
    rng.fillGaussian(&dOut.values, std: 0.1)
    var initRng = Random(seed: 2)
    let model = try Model(spec: .seed(outputWidth: 2), inputWidth: 128, rng: &initRng)
    let limits = [("kept", Int.max), ("recomputed", 0)]
    var times = [[(Double, Double)]](repeating: [], count: limits.count)
    try Threads.withCount(threads) {
        for round in 0..<(repeats + 1) {
            for (index, (_, limit)) in limits.enumerated() {
                var noise = Random(seed: 3)
                let t0 = Date()
                var pass = try model.forward(x, state: model.zeroState, mode: .training, rng: &noise, segmentSteps: nil,
                                             gateCacheLimit: limit, isCancelled: { false })
                let t1 = Date()
                var grads = model.zeroGradients()
                try model.backward(dOut, cache: &pass.cache, gradients: &grads, inputGradient: false)
                if round > 0 { times[index].append((t1.timeIntervalSince(t0), Date().timeIntervalSince(t1))) }
            }
        }
    }
    for (index, (name, _)) in limits.enumerated() {
        let f = times[index].map(\.0).sorted()[repeats / 2], b = times[index].map(\.1).sorted()[repeats / 2]
        let total = times[index].map { $0.0 + $0.1 }.sorted()[repeats / 2]
        print("| \(name) | \(format(f, 3)) | \(format(b, 3)) | \(format(total, 3)) |")
    }
}
