import RNNEngine
@testable import RNNTraining

func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = Random(seed: seed)
    var t = Tensor(zeros: shape)
    rng.fillGaussian(&t.values, std: scale)
    return t
}

/// A small learnable problem: the target is a smoothed copy of the first input feature.
func sampleData(length: Int = 60, sequences: Int = 3, features: Int = 4, validationTail: Int? = nil) throws -> TrainingData {
    let inputs = randomTensor([length, sequences, features], seed: 1)
    var targets = Tensor(zeros: [length, sequences, 2])
    for t in 0..<length {
        for s in 0..<sequences {
            let x = inputs.values[(t * sequences + s) * features]
            targets.values[(t * sequences + s) * 2] = 0.5 * x
            targets.values[(t * sequences + s) * 2 + 1] = -0.25 * x
        }
    }
    var train = Tensor(shape: [length, sequences], values: [Float](repeating: 1, count: length * sequences))
    var validation: Tensor?
    if let tail = validationTail {
        var v = Tensor(zeros: [length, sequences])
        for t in (length - tail)..<length {
            for s in 0..<sequences {
                train.values[t * sequences + s] = 0
                v.values[t * sequences + s] = 1
            }
        }
        validation = v
    }
    return try TrainingData(inputs: inputs, targets: targets, trainMask: train, validationMask: validation)
}

let smallSpec = ModelSpec(layers: [.dense(units: 8, activation: .relu), .noise(std: 0.1), .lstm(units: 6),
                                   .noise(std: 0.1), .lstm(units: 5), .dense(units: 2, activation: .linear)])

func newRun(seed: UInt64 = 3, optimizer: OptimizerKind = .adam, lr: Double? = nil, clip: ClipSetting = .norm(1),
            splits: SplitSchedule? = nil, lrSchedule: LRPlateau? = nil, threads: Int = 1) throws -> RunState {
    var rng = Random(masterSeed: seed, purpose: .initialization)
    let model = try Model(spec: smallSpec, inputWidth: 4, rng: &rng)
    var config = OptimizerConfig(kind: optimizer)
    if let lr { config.learningRate = lr }
    return try RunState(runName: "test", masterSeed: seed, model: model, optimizer: config, clip: clip,
                        splitSchedule: try splits ?? SplitSchedule(splits: [1]), lrSchedule: lrSchedule, threads: threads)
}
