// `rnnlab-bench layers`: one recurrent layer alone, forward and backward over a long chunk,
// LSTM beside GRU at the same width, so the time loops can be compared per unit of gate work
// (an LSTM step computes 4H gates, a GRU step 3H).
import Foundation
import RNNEngine

func runLayers(_ arguments: [String]) throws {
    let flags = try integerFlags(arguments, allowed: ["units", "batch", "steps", "repeats", "threads"])
    let units = flags["units"] ?? 64, batch = flags["batch"] ?? 15, steps = flags["steps"] ?? 20_000
    let repeats = flags["repeats"] ?? 5, threads = flags["threads"] ?? Threads.available
    print("one layer, input width \(units), \(batch) sequences × \(steps) steps, \(threads) threads; median of \(repeats)")
    print("")
    print("| cell | forward ms | backward ms | total ms | ns per step and gate unit |")
    print("|---|---:|---:|---:|---:|")
    var x = Tensor(zeros: [steps, batch, units])
    var rng = Random(seed: 1)
    rng.fillGaussian(&x.values, std: 0.5)
    var dOut = Tensor(zeros: [steps, batch, units])
    rng.fillGaussian(&dOut.values, std: 0.1)
    try Threads.withCount(threads) {
        for (name, layer, gates) in [("lstm", LayerSpec.lstm(units: units), 4), ("gru", .gru(units: units), 3)] {
            var initRng = Random(seed: 2)
            let model = try Model(spec: ModelSpec(layers: [layer]), inputWidth: units, rng: &initRng)
            var forward: [Double] = [], backward: [Double] = []
            for _ in 0..<(repeats + 1) {
                var noise = Random(seed: 3)
                let t0 = Date()
                var pass = try model.forward(x, state: model.zeroState, mode: .training, rng: &noise)
                let t1 = Date()
                var grads = model.zeroGradients()
                try model.backward(dOut, cache: &pass.cache, gradients: &grads, inputGradient: false)
                let t2 = Date()
                forward.append(t1.timeIntervalSince(t0))
                backward.append(t2.timeIntervalSince(t1))
            }
            let f = forward.dropFirst().sorted()[repeats / 2] * 1000, b = backward.dropFirst().sorted()[repeats / 2] * 1000
            let perUnit = (f + b) * 1e6 / Double(steps * batch * gates * units)
            print("| \(name) \(units) | \(format(f, 1)) | \(format(b, 1)) | \(format(f + b, 1)) | \(format(perUnit, 3)) |")
        }
    }
}
