/// What training a chunk holds in memory, from the shapes alone: the session layer can refuse a
/// plan before anything is allocated.
extension ModelSpec {
    /// Bytes one row (one step of one sequence) of a chunk of `rows` rows (`T·B`) holds while it
    /// trains with a whole-chunk cache: each layer's output and what backward keeps (ReLU mask
    /// bits, LSTM cells and — while the chunk's gate buffer is small, `LSTM.gateCacheLimit` —
    /// gates, dropout masks, the copies noise makes of outputs a cache shares) and the gradient
    /// buffers, at the worst point of backward: while layer i backpropagates, the caches of the
    /// layers after it are released and the gradients into and out of it are alive (only into
    /// it for a noise layer, and for an LSTM as wide as its input, which writes dX over dOut).
    /// Plus the loss gradient. The chunk's input itself is the caller's (the data).
    public func trainingBytesPerRow(inputWidth: Int, rows: Int) -> Int {
        var bytes = 0, peak = 0
        var width = inputWidth
        var shared = true           // whether the current activation is held elsewhere too
        for (index, layer) in layers.enumerated() {
            let out = layer.outputWidth(inputWidth: width)
            switch layer {
            case let .dense(units, activation):
                bytes += 4 * units + (activation == .relu ? (units + 7) / 8 : 0)
                shared = activation == .tanh || activation == .sigmoid   // the cache keeps the output
            case let .lstm(units):
                let gates = LSTM.keepsGates(rows: rows, units: units) ? 4 * units : 0
                bytes += 4 * (gates + units + units)                     // gates, cells, hidden
                shared = true                                            // the cache keeps the output
            case let .gru(units):
                bytes += 4 * (3 * units + units + units)                 // gates, candidates, hidden
                shared = true                                            // the cache keeps the output
            case .noise:
                if shared { bytes += 4 * width }                         // noised in place, or copied
                shared = false
            case .dropout:
                bytes += 4 * width + 4 * width                           // output and mask
                shared = false
            }
            // Backward holds the gradient into a layer and out of it (none out of the first).
            var gradients = 4 * (out + (index == 0 ? 0 : width))
            if case .noise = layer { gradients = 4 * out }
            if case let .lstm(units) = layer, units == width { gradients = 4 * out }
            peak = max(peak, bytes + gradients)
            width = out
        }
        return peak + 4 * width                                          // + the loss gradient
    }

    /// Bytes of the recurrent state of the whole stack for `batch` sequences (`h` and `c` per
    /// LSTM, `h` per GRU); `Int.max` when that overflows.
    public func stateBytes(batch: Int) -> Int {
        let perSequence = layers.reduce(0) { sum, layer in
            switch layer {
            case let .lstm(units): return sum + 2 * 4 * units
            case let .gru(units): return sum + 4 * units
            default: return sum
            }
        }
        let (bytes, overflow) = perSequence.multipliedReportingOverflow(by: batch)
        return overflow ? Int.max : bytes
    }

    /// Whether segment recomputation can train this stack with exact gradients: only LSTM
    /// backward carries the state gradient across a segment boundary, so a GRU layer rules it out.
    public var supportsRecomputation: Bool {
        !layers.contains { if case .gru = $0 { return true } else { return false } }
    }
}
