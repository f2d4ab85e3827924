/// Segment recomputation (gradient checkpointing along time): a chunk's forward keeps only the
/// recurrent state and the random streams at each segment's start; backward runs each segment
/// forward again, last first, and backpropagates through it with the state gradient carried
/// across the boundary. The cache is bounded by one segment instead of the whole chunk.
///
/// Gradients are bit-identical to backprop over the whole chunk's cache: segments start on time
/// block boundaries (`TimeBlocks`), so every product and sum is the same call on the same values
/// in the same order, and the streams reproduce every noise and dropout draw.
/// Reference: Chen et al., "Training Deep Nets with Sublinear Memory Cost" (2016).
struct Checkpoints: Sendable {
    let input: Tensor               // (T, B, in): the chunk
    let segments: [Range<Int>]      // steps of each segment
    let states: [StackState]        // the state at each segment's start
    let streams: [LayerStreams]     // the random streams at each segment's start
    let gateCacheLimit: Int         // as forward ran, so each segment runs again the same way
}

extension Model {
    /// The steps `[0, T)` cut into segments of `segmentSteps` (the last may be shorter).
    static func segments(steps: Int, segmentSteps: Int) -> [Range<Int>] {
        stride(from: 0, to: steps, by: segmentSteps).map { $0..<min($0 + segmentSteps, steps) }
    }

    /// The forward pass segment by segment, keeping only checkpoints; each segment's cache is
    /// released as soon as the next one starts.
    func checkpointedForward(_ x: Tensor, state: StackState, streams: LayerStreams, segmentSteps: Int,
                             gateCacheLimit: Int, isCancelled: () -> Bool) throws -> (output: Tensor, state: StackState, cache: StackCache) {
        let segments = Self.segments(steps: x.shape[0], segmentSteps: segmentSteps)
        var state = state, streams = streams
        var states: [StackState] = [], positions: [LayerStreams] = [], outputs: [Tensor] = []
        for segment in segments {
            states.append(state)
            positions.append(streams)
            let (output, final, _) = try run(x.steps(segment), state: state, streams: &streams,
                                             gateCacheLimit: gateCacheLimit, isCancelled: isCancelled)
            outputs.append(output)
            state = carriedState(final, from: state)
        }
        let checkpoints = Checkpoints(input: x, segments: segments, states: states, streams: positions,
                                      gateCacheLimit: gateCacheLimit)
        return (Tensor.concatenatingSteps(outputs), state,
                StackCache(layers: [], checkpoints: checkpoints, inputShape: x.shape))
    }

    /// Backward over the segments, last first: each runs forward again from its checkpoint and
    /// backpropagates with the LSTM state gradients carried into the segment before it.
    func checkpointedBackward(_ dOut: Tensor, checkpoints: Checkpoints, gradients: inout [Tensor],
                              inputGradient: Bool, isCancelled: () -> Bool) throws -> Tensor? {
        let batch = checkpoints.input.shape[1]
        var carries: [Tensor?] = spec.layers.map { layer in
            if case let .lstm(units) = layer { return Tensor(zeros: [2, batch, units]) }
            return nil
        }
        var inputGradients: [Tensor] = []
        for index in checkpoints.segments.indices.reversed() {
            let segment = checkpoints.segments[index]
            var streams = checkpoints.streams[index]
            var (_, _, layers) = try run(checkpoints.input.steps(segment), state: checkpoints.states[index],
                                         streams: &streams, gateCacheLimit: checkpoints.gateCacheLimit,
                                         isCancelled: isCancelled)
            let dX = try backwardLayers(dOut.steps(segment), layers: &layers, gradients: &gradients,
                                        inputGradient: inputGradient, carries: &carries, isCancelled: isCancelled)
            if inputGradient, let dX { inputGradients.append(dX) }
        }
        return inputGradient ? Tensor.concatenatingSteps(inputGradients.reversed()) : nil
    }

    /// A segment's final state, with layers that have none keeping what they had.
    private func carriedState(_ final: StackState, from previous: StackState) -> StackState {
        StackState(layers: zip(final.layers, previous.layers).map { $0 ?? $1 })
    }
}
