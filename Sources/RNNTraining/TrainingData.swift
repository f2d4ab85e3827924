import RNNData
import RNNEngine

/// The tensors a run trains on, sequence-major: inputs `(L, S, F)`, targets `(L, S, W)`,
/// and masks `(L, S)` (1 where a step counts). Chunks are cut from these along time.
public struct TrainingData: Sendable, Equatable {
    public var inputs: Tensor
    public var targets: Tensor
    public var trainMask: Tensor
    /// The held-out tail's steps, when validating; the model runs over the whole sequence.
    public var validationMask: Tensor?
    /// (L, S, W): 0 for a single unknown target element of a counted step (`missing=mask`);
    /// nil when every target of a counted step is known.
    public var targetMask: Tensor?

    public init(inputs: Tensor, targets: Tensor, trainMask: Tensor, validationMask: Tensor? = nil) throws {
        guard inputs.shape.count == 3, inputs.shape[0] >= 1, inputs.shape[1] >= 1 else {
            throw TrainingError.dataMismatch("inputs must be (steps, sequences, features), found \(inputs.shape)")
        }
        let (length, sequences) = (inputs.shape[0], inputs.shape[1])
        guard targets.shape.count == 3, targets.shape[0] == length, targets.shape[1] == sequences else {
            throw TrainingError.dataMismatch("targets \(targets.shape) do not match inputs \(inputs.shape)")
        }
        for (name, mask) in [("train mask", trainMask), ("validation mask", validationMask)] {
            if let mask, mask.shape != [length, sequences] {
                throw TrainingError.dataMismatch("\(name) \(mask.shape) should be [\(length), \(sequences)]")
            }
        }
        self.inputs = inputs
        self.targets = targets
        self.trainMask = trainMask
        self.validationMask = validationMask
    }

    /// The tensors `Preparation.prepare` made.
    public init(_ prepared: PreparedData) throws {
        try self.init(inputs: prepared.inputs, targets: prepared.targets, trainMask: prepared.trainMask,
                      validationMask: prepared.validationMask)
        if let mask = prepared.targetMask {
            guard mask.shape == prepared.targets.shape else {
                throw TrainingError.dataMismatch("target mask \(mask.shape) should be \(prepared.targets.shape)")
            }
            targetMask = mask
        }
    }

    /// The loss mask of `steps` under the step mask `mask`: the step mask itself `(T, S)`, or,
    /// with unknown target elements, `(T, S, W)` with those elements 0.
    func lossMask(_ mask: Tensor, steps range: Range<Int>) -> Tensor {
        let rows = mask.maskSteps(range)
        guard let targetMask else { return rows }
        var elements = targetMask.steps(range)
        let w = targetWidth
        for r in 0..<rows.count where rows.values[r] == 0 {
            for a in 0..<w { elements.values[r * w + a] = 0 }
        }
        return elements
    }

    public var length: Int { inputs.shape[0] }
    public var sequenceCount: Int { inputs.shape[1] }
    public var featureWidth: Int { inputs.shape[2] }
    public var targetWidth: Int { targets.shape[2] }

    /// The chunk boundaries ⌊i·L/K⌋, i = 0…K, as ranges (lengths differ by at most one).
    public static func chunkRanges(length: Int, splits: Int) -> [Range<Int>] {
        (0..<splits).map { (($0 * length) / splits)..<((($0 + 1) * length) / splits) }
    }
}

extension Tensor {
    /// Rows `range` of a `(L, S)` mask.
    func maskSteps(_ range: Range<Int>) -> Tensor {
        let width = shape[1]
        return Tensor(shape: [range.count, width], values: Array(values[(range.lowerBound * width)..<(range.upperBound * width)]))
    }
}
