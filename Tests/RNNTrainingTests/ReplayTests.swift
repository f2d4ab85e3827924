import Foundation
import RNNData
import RNNEngine
import Testing
@testable import RNNTraining

/// Predictions equal an independent recomputation from the exported weights: the safetensors
/// file and its `features`/`targets` metadata are read back, and a plain scalar forward of the
/// dense → gru → lstm → dense stack, written here from the formulas (PyTorch's), with the
/// metadata's statistics for scaling, gives the same values in the data's units.
@Suite struct ReplayTests {
    @Test func predictionsReplayFromTheSafetensorsFile() throws {
        let length = 30
        let a = (0..<length).map { 5 + sin(Double($0) / 3) }, b = (0..<length).map { Double($0 % 7) }
        let series = Series(channels: [[a], [b]], channelNames: ["a", "b"])
        let features = FeatureSpec(kind: .deltas, window: 3, scale: .zscore)
        let targets = TargetSpec.next(horizon: 1, columns: ["a", "b"], form: .value, scale: .minmax)
        let prepared = try Preparation.prepare(series, features: features, targets: targets, validation: nil)
        var rng = Random(masterSeed: 4, purpose: .initialization)
        let spec = ModelSpec(layers: [.dense(units: 5, activation: .tanh), .gru(units: 4), .lstm(units: 3),
                                      .dense(units: 2, activation: .linear)])
        let model = try Model(spec: spec, inputWidth: 6, rng: &rng)
        let state = try RunState(runName: "r", masterSeed: 4, model: model, optimizer: OptimizerConfig(kind: .adam),
                                 splitSchedule: try SplitSchedule(splits: [2]), threads: 1)
        var trainer = try Trainer(state: state, data: try TrainingData(prepared))
        _ = try trainer.train(epochs: 3)                   // weights that are not the initial ones
        let context = try PredictionContext(series: series, prepared: prepared, features: features, targets: targets,
                                            validation: nil)
        let rows = try trainer.predict(context: context)

        let bytes = try trainer.currentModel.exportedWeights(metadata: prepared.metadata(features: features, targets: targets)).encoded()
        let file = try SafetensorsFile.decode(bytes)
        func w(_ name: String) throws -> [Double] { try #require(file.tensor(named: name)).values.map(Double.init) }
        let meta = try #require(file.metadata["features"]), tmeta = try #require(file.metadata["targets"])
        let fj = try #require(JSONSerialization.jsonObject(with: Data(meta.utf8)) as? [String: Any])
        let tj = try #require(JSONSerialization.jsonObject(with: Data(tmeta.utf8)) as? [String: Any])
        let fstats = try #require(fj["statistics"] as? [[String: Any]]), tstats = try #require(tj["statistics"] as? [[String: Any]])
        #expect(fj["columns"] as? [String] == ["a", "b"] && tj["names"] as? [String] == ["a", "b"])

        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        func affine(_ wt: [Double], _ bias: [Double], _ x: [Double]) -> [Double] {
            var out = bias
            for i in 0..<bias.count {
                for j in 0..<x.count { out[i] += wt[i * x.count + j] * x[j] }
            }
            return out
        }
        var hg = [Double](repeating: 0, count: 4), hl = [Double](repeating: 0, count: 3), cl = hl
        var worst = 0.0
        for t in 0..<length {
            // Features: per column the 3 most recent changes, z-scored with the metadata's statistics.
            var x: [Double] = []
            for (c, p) in [a, b].enumerated() {
                let mean = try #require(fstats[c]["mean"] as? Double), std = try #require(fstats[c]["std"] as? Double)
                for j in 0..<3 { x.append(((t - j >= 1 ? p[t - j] - p[t - j - 1] : 0) - mean) / std) }
            }
            let d0 = affine(try w("layers.0.weight"), try w("layers.0.bias"), x).map { tanh($0) }
            // GRU: r, z, n; n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); h' = (1 − z) n + z h.
            let gi = affine(try w("layers.1.weight_ih"), try w("layers.1.bias_ih"), d0)
            let gh = affine(try w("layers.1.weight_hh"), try w("layers.1.bias_hh"), hg)
            hg = (0..<4).map { k in
                let r = sigmoid(gi[k] + gh[k]), z = sigmoid(gi[4 + k] + gh[4 + k])
                let n = tanh(gi[8 + k] + r * gh[8 + k])
                return (1 - z) * n + z * hg[k]
            }
            // LSTM: i, f, g, o.
            let li = affine(try w("layers.2.weight_ih"), try w("layers.2.bias_ih"), hg)
            let lh = affine(try w("layers.2.weight_hh"), try w("layers.2.bias_hh"), hl)
            for k in 0..<3 {
                let i = sigmoid(li[k] + lh[k]), f = sigmoid(li[3 + k] + lh[3 + k])
                let g = tanh(li[6 + k] + lh[6 + k]), o = sigmoid(li[9 + k] + lh[9 + k])
                cl[k] = f * cl[k] + i * g
                hl[k] = o * tanh(cl[k])
            }
            let y = affine(try w("layers.3.weight"), try w("layers.3.bias"), hl)
            for k in 0..<2 {
                let lo = try #require(tstats[k]["min"] as? Double), hi = try #require(tstats[k]["max"] as? Double)
                let unscaled = y[k] * (hi - lo) + lo
                worst = max(worst, abs(unscaled - rows[t].predictions[k]) / max(1, abs(unscaled)))
            }
            if t + 1 < length { #expect(abs(try #require(rows[t].targets[0]) - a[t + 1]) < 1e-5) }
        }
        #expect(worst < 1e-4, "largest relative difference \(worst)")
    }
}
