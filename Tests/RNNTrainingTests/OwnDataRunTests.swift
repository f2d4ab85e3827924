import Foundation
import RNNData
import RNNEngine
import Testing
@testable import RNNTraining

/// A run on a multivariate CSV with a GRU: its state carries the data settings and every
/// scaling, regenerates the same tensors, and resumes exactly.
@Suite struct OwnDataRunTests {
    @Test func gruRunOnCSVResumesExactlyWithItsScalings() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("owndata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var text = "day;site;temp;load\n"
        for t in 0..<40 {
            for site in ["north", "south"] {
                let temp = t == 7 && site == "south" ? "NA" : String(format: "%.2f", 10 + 5 * sin(Double(t) / 4) + (site == "north" ? 0 : 3))
                text += "\(1_000 + t);\(site);\(temp);\(String(format: "%.1f", 100 + Double(t % 9) * 2))\n"
            }
        }
        let path = dir.appendingPathComponent("sites.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let options = try CSVOptions.make(column: nil, columns: [.name("temp"), .name("load")], key: .name("site"),
                                          time: .name("day"), missing: .mask, delimiter: ";")
        let (series, source) = try Series.csv(path: path, options: options)
        #expect(series.missing?.counts == [1, 0])
        let features = FeatureSpec(kind: .values, window: 4, scale: .zscore)
        let targets = TargetSpec.next(horizon: 1, columns: ["temp", "load"], form: .value, scale: .minmax)
        let validation = ValidationSpec(tail: 0.2)
        let prepared = try Preparation.prepare(series, features: features, targets: targets, validation: validation)
        let settings = DataSettings(data: .csv(source), features: features, targets: targets, validation: validation,
                                    prepared: prepared)
        #expect(settings.scaling == prepared.scaling && settings.scaling?.targets.count == 2)
        var rng = Random(masterSeed: 2, purpose: .initialization)
        let model = try Model(spec: ModelSpec(layers: [.dense(units: 8, activation: .tanh), .gru(units: 6), .lstm(units: 5),
                                                       .dense(units: 2, activation: .linear)]),
                              inputWidth: prepared.inputs.shape[2], rng: &rng)
        let start = try RunState(runName: "sites", masterSeed: 2, model: model, optimizer: OptimizerConfig(kind: .adam),
                                 clip: .norm(1), splitSchedule: SplitSchedule(splits: [3, 1], patience: 1), threads: 1,
                                 dataSettings: settings, loss: .huber(delta: 0.5))
        let data = try TrainingData(prepared)
        var straight = try Trainer(state: start, data: data)
        let all = try straight.train(epochs: 4)

        var first = try Trainer(state: start, data: data)
        let head = try first.train(epochs: 2)
        let restored = try RunState.deserialized(try first.state.serialized())
        let restoredSettings = try #require(restored.dataSettings)
        #expect(restoredSettings.scaling == prepared.scaling)
        let regenerated = try restoredSettings.prepare()
        #expect(regenerated == data && regenerated.targetMask != nil)
        var second = try Trainer(state: restored, data: regenerated)
        let tail = try second.train(epochs: 2)
        #expect(second.state == straight.state)
        #expect((head.epochs + tail.epochs).map(\.loss) == all.epochs.map(\.loss))

        // Reports from the regenerated state name the targets after their columns.
        let (againSeries, againPrepared) = try restoredSettings.prepareWithSeries()
        let context = try PredictionContext(settings: restoredSettings, series: againSeries, prepared: againPrepared)
        let evaluation = try second.evaluate(context: context)
        #expect(evaluation.train.map(\.name) == ["temp", "load"])
        #expect(evaluation.validation?.allSatisfy { $0.count > 0 && $0.rmse.isFinite } == true)
        let rows = try second.predict(context: context, sequence: 1)
        #expect(rows.first?.sequence == "south" && rows.first?.time == "1000" && rows.count == 40)
        #expect(rows[6].targets[0] == nil)                    // temp of day 1007 (step 7) is missing
    }
}
