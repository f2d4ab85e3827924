import Foundation
import Testing
@testable import RNNData
import RNNEngine

/// Features and targets over several columns, their scalings and the missing-value masks.
struct ColumnsAndScalingTests {
    /// Two sequences of two channels: a = 1, 2, 4, 3, 3 / 10, 20, 30, 50; b = 5, 5, 6, 8, 9 / 0, 1, 0, 2.
    static let two = Series(channels: [[[1, 2, 4, 3, 3], [10, 20, 30, 50]], [[5, 5, 6, 8, 9], [0, 1, 0, 2]]],
                            channelNames: ["a", "b"])

    @Test func valuesFeaturesRepeatTheFirstValueAndLagZeroIsNow() throws {
        let data = try Preparation.prepare(Self.two, features: FeatureSpec(kind: .values, window: 3, columns: ["b", "a"]),
                                           targets: .next(horizon: 1), validation: nil)
        #expect(data.inputs.shape == [5, 2, 6])
        #expect(FeatureSpec(kind: .values, window: 3, columns: ["b", "a"]).width(channelCount: 2) == 6)
        #expect(FeatureSpec(kind: .values, window: 3).width(channelCount: 2) == 6)
        #expect(rows(data.inputs, sequence: 0) == [
            [5, 5, 5, 1, 1, 1], [5, 5, 5, 2, 1, 1], [6, 5, 5, 4, 2, 1], [8, 6, 5, 3, 4, 2], [9, 8, 6, 3, 3, 4],
        ])
        #expect(rows(data.inputs, sequence: 1)[3] == [2, 0, 1, 50, 30, 20])
        #expect(rows(data.inputs, sequence: 1)[4] == [0, 0, 0, 0, 0, 0])           // padding
        #expect(data.featureColumns == ["b", "a"])
    }

    /// Deltas of several columns: each block is what one column alone gives.
    @Test func deltaBlocksEqualOneColumnEach() throws {
        let both = try Preparation.prepare(Self.two, features: FeatureSpec(kind: .deltas, window: 2), targets: .defaultQ,
                                           validation: nil)
        for (block, name) in ["a", "b"].enumerated() {
            let alone = try Preparation.prepare(Self.two, features: FeatureSpec(kind: .deltas, window: 2, columns: [name]),
                                                targets: .defaultQ, validation: nil)
            for s in 0..<2 {
                #expect(rows(both.inputs, sequence: s).map { Array($0[(2 * block)..<(2 * block + 2)]) } == rows(alone.inputs, sequence: s))
            }
        }
    }

    /// One column, z-scored deltas: the same numbers as always, with the statistics in both forms.
    @Test func oneColumnScalingKeepsTheStoredForm() throws {
        let series = Series(sequences: [[1, 2, 4, 3, 3], [2, 2, 5]])
        let data = try Preparation.prepare(series, features: FeatureSpec(window: 3, scale: .zscore), targets: .defaultQ,
                                           validation: nil)
        let stats = try #require(data.featureStats)
        #expect(data.scaling.features == [ColumnScaling(column: "value", kind: .zscore, mean: stats.mean, std: stats.std)])
        let again = try Preparation.prepare(series, features: FeatureSpec(window: 3, scale: .zscore), targets: .defaultQ,
                                            validation: nil, scaling: data.scaling)
        #expect(again == data)
        let legacy = try Preparation.prepare(series, features: FeatureSpec(window: 3, scale: .zscore), targets: .defaultQ,
                                             validation: nil, stats: stats)
        #expect(legacy.inputs == data.inputs)
    }

    /// Statistics come from training steps only: a validation value changes none of them; a
    /// training value does.
    @Test(arguments: [FeatureScale.zscore, .minmax])
    func statisticsIgnoreTheValidationTail(scale: FeatureScale) throws {
        let features = FeatureSpec(kind: .values, window: 2, scale: scale)
        let targets = TargetSpec.next(horizon: 1, columns: ["a", "b"], form: .value, scale: scale)
        let validation = ValidationSpec(tail: 0.4)
        let base = try Preparation.prepare(Self.two, features: features, targets: targets, validation: validation)
        var changedTail = Self.two
        changedTail.channels[0][0][4] = 1_000                     // the tail of sequence 1 (steps 3, 4)
        changedTail.channels[1][1][3] = -77                       // the tail of sequence 2 (step 3)
        let tail = try Preparation.prepare(changedTail, features: features, targets: targets, validation: validation)
        #expect(tail.scaling == base.scaling)
        #expect(base.scaling.features.count == 2 && base.scaling.targets.count == 2)
        var changedHead = Self.two
        changedHead.channels[0][0][0] = -5
        let head = try Preparation.prepare(changedHead, features: features, targets: targets, validation: validation)
        #expect(head.scaling.features[0] != base.scaling.features[0])
        #expect(head.scaling.features[1] == base.scaling.features[1])
        if scale == .minmax {
            // Head of sequence 1: a = 1, 2, 4 (3 steps of 5); of sequence 2: 10, 20 (2 of 4).
            #expect(base.scaling.features[0].min == 1 && base.scaling.features[0].max == 20)
        } else {
            let values: [Double] = [1, 2, 4, 10, 20]
            let mean = values.reduce(0, +) / 5
            #expect(abs(base.scaling.features[0].mean! - mean) < 1e-12)
        }
    }

    /// Scaled targets are trained scaled; unscaled they are the values again.
    @Test func targetsScaleAndInvert() throws {
        let targets = TargetSpec.next(horizon: 2, columns: ["b"], form: .value, scale: .zscore)
        let data = try Preparation.prepare(Self.two, features: FeatureSpec(window: 1), targets: targets, validation: nil)
        let scaling = try #require(data.scaling.targets.first)
        #expect(scaling.column == "b" && data.targetNames == ["b"])
        // Defined targets: b(t+2) for t = 0…2 and 0…1: 6, 8, 9 and 0, 2.
        let raw: [Double] = [6, 8, 9, 0, 2]
        let mean = raw.reduce(0, +) / 5
        #expect(abs(scaling.mean! - mean) < 1e-12)
        let got = (0..<3).map { Double(rows(data.targets, sequence: 0)[$0][0]) } + (0..<2).map { Double(rows(data.targets, sequence: 1)[$0][0]) }
        for (y, x) in zip(got, raw) {
            #expect(abs(data.scaling.unscaledTarget(y, index: 0) - x) < 1e-5)
            #expect(abs(scaling.invert(scaling.apply(x)) - x) < 1e-12)
        }
        let minmax = ColumnScaling(column: "x", kind: .minmax, min: -2, max: 6)
        #expect(minmax.apply(2) == 0.5 && minmax.invert(0.5) == 2)
        #expect(errorText { () throws(DataError) in try ColumnScaling(column: "x", kind: .zscore, mean: 0, std: 0).validate() } != nil)
    }

    @Test func qAndNextOfANamedColumn() throws {
        let q = try Preparation.prepare(Self.two, features: FeatureSpec(window: 1), targets: .q(gamma: 0, actions: [.buy], column: "b"),
                                        validation: nil)
        #expect(rows(q.targets, sequence: 0).map { $0[0] } == [0, 1, 2, 1, 0])
        #expect(q.targetNames == ["buy"] && q.targetColumns == ["b"])
        let next = try Preparation.prepare(Self.two, features: FeatureSpec(window: 1),
                                           targets: .next(horizon: 1, columns: ["b", "a"]), validation: nil)
        #expect(rows(next.targets, sequence: 0)[0] == [0, 1])
        #expect(next.targetNames == ["b", "a"])
        #expect(TargetSpec.next(horizon: 1).text == "targets next horizon=1")
        #expect(TargetSpec.next(horizon: 1, columns: ["b"], form: .value, scale: .minmax).text
                == "targets next horizon=1 columns=b as=value scale=minmax")
        let e = errorText { () throws(DataError) in
            try Preparation.prepare(Self.two, features: FeatureSpec(kind: .values, window: 1, columns: ["bb"]),
                                    targets: .defaultQ, validation: nil)
        }
        #expect(e == "'features values': no column 'bb' in the data (did you mean 'b'? columns: 'a', 'b')")
        let w = errorText { () throws(DataError) in try FeatureSpec(window: 6).checkWindow(against: Self.two) }
        #expect(w == "window=6 is longer than every sequence (the longest has 5 steps); expected a window of at most 5")
    }

    /// Old stored forms decode with the defaults, and defaults encode as before.
    @Test func storedFormsStayCompatible() throws {
        let old = try JSONDecoder().decode(TargetSpec.self, from: Data(#"{"kind":"next","horizon":3}"#.utf8))
        #expect(old == .next(horizon: 3))
        let encoded = String(decoding: try JSONEncoder().encode(TargetSpec.next(horizon: 3)), as: UTF8.self)
        #expect(!encoded.contains("as") && !encoded.contains("scale"))
        let full = TargetSpec.next(horizon: 2, columns: ["x"], form: .value, scale: .zscore)
        #expect(try JSONDecoder().decode(TargetSpec.self, from: JSONEncoder().encode(full)) == full)
        let features = FeatureSpec(kind: .values, window: 4, columns: ["a"], scale: .minmax)
        #expect(try JSONDecoder().decode(FeatureSpec.self, from: JSONEncoder().encode(features)) == features)
        #expect(!String(decoding: try JSONEncoder().encode(FeatureSpec()), as: UTF8.self).contains("kind"))
        #expect(features.text == "features values window=4 columns=a scale=minmax")
    }

    /// missing=mask: inputs filled, the targets that need a missing value masked element by element.
    @Test func maskedMissingTargets() throws {
        let text = "a,b\n1,5\n2,\n4,6\nNA,8\n3,9\n"
        let series = try Series.csv(bytes: Array(text.utf8), fileName: "m.csv",
                                    options: CSVOptions(columns: [.name("a"), .name("b")], missing: .mask))
        let data = try Preparation.prepare(series, features: FeatureSpec(kind: .values, window: 1),
                                           targets: .next(horizon: 1, columns: ["a", "b"], form: .value), validation: nil)
        #expect(rows(data.inputs, sequence: 0) == [[1, 5], [2, 5], [4, 6], [4, 8], [3, 9]])
        let mask = try #require(data.targetMask)
        // t = 0 → b(1) missing; t = 2 → a(3) missing; t = 4 → no future (the whole step is out).
        #expect(rows(mask, sequence: 0) == [[1, 0], [1, 1], [0, 1], [1, 1], [1, 1]])
        #expect(column(data.trainMask, sequence: 0) == [1, 1, 1, 1, 0])
        let change = try Preparation.prepare(series, features: FeatureSpec(window: 1),
                                             targets: .next(horizon: 1, columns: ["b"]), validation: nil)
        // One target: a step whose only target is unknown does not count at all.
        #expect(change.targetMask == nil)
        #expect(column(change.trainMask, sequence: 0) == [0, 0, 1, 1, 0])
        // Without missing values no element mask is made.
        #expect(try Preparation.prepare(Self.two, features: FeatureSpec(window: 1), targets: .defaultQ, validation: nil).targetMask == nil)
    }

    @Test func metadataNamesSettingsAndStatistics() throws {
        let features = FeatureSpec(kind: .values, window: 2, columns: ["a"], scale: .zscore)
        let targets = TargetSpec.next(horizon: 1, columns: ["b"], form: .value, scale: .minmax)
        let data = try Preparation.prepare(Self.two, features: features, targets: targets, validation: nil)
        let metadata = data.metadata(features: features, targets: targets)
        let featuresText = try #require(metadata["features"]), targetsText = try #require(metadata["targets"])
        let f = try #require(JSONSerialization.jsonObject(with: Data(featuresText.utf8)) as? [String: Any])
        #expect(f["kind"] as? String == "values" && f["window"] as? Int == 2 && f["scale"] as? String == "zscore")
        let fs = try #require((f["statistics"] as? [[String: Any]])?.first)
        #expect(fs["column"] as? String == "a" && fs["mean"] as? Double == data.scaling.features[0].mean && fs["std"] != nil)
        let t = try #require(JSONSerialization.jsonObject(with: Data(targetsText.utf8)) as? [String: Any])
        #expect(t["kind"] as? String == "next" && t["as"] as? String == "value" && t["names"] as? [String] == ["b"])
        let ts = try #require((t["statistics"] as? [[String: Any]])?.first)
        #expect(ts["min"] as? Double == data.scaling.targets[0].min && ts["max"] as? Double == data.scaling.targets[0].max)
    }
}
