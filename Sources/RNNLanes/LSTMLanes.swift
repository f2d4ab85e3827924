/// The LSTM's per-step gate math over the rows of one step, at any lane width. Gate order
/// i, f, g, o (PyTorch); each row holds 4H pre-activations, unit j's f, g, o gates at strides of H.
public enum LSTMLanes {
    /// Gate activations and the cell update of one step, in place on the gate rows:
    /// `c_t = f⊙c_{t−1} + i⊙g`, `h_t = o⊙tanh(c_t)`.
    @inlinable @inline(__always)
    public static func forwardStep<V: FloatLanes>(_: V.Type, gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
                                                  cells: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
                                                  batch: Int, width h: Int) {
        for b in 0..<batch {
            var j = 0
            while j + V.width <= h {
                forwardLanes(WholeLanes<V>(), gates + b * 4 * h + j, cPrev + b * h + j, cells + b * h + j,
                             hidden + b * h + j, width: h)
                j += V.width
            }
            if j < h {
                forwardLanes(TailLanes<V>(count: h - j), gates + b * 4 * h + j, cPrev + b * h + j, cells + b * h + j,
                             hidden + b * h + j, width: h)
            }
        }
    }

    @inlinable @inline(__always)
    static func forwardLanes<L: LaneAccess>(_ lanes: L, _ row: UnsafeMutablePointer<Float>, _ cPrev: UnsafePointer<Float>,
                                            _ cell: UnsafeMutablePointer<Float>, _ hidden: UnsafeMutablePointer<Float>,
                                            width h: Int) {
        let (i, f, g, o) = activateLanes(lanes, row, width: h)
        let c = f * lanes.load(cPrev) + i * g
        lanes.store(c, cell)
        lanes.store(o * LaneMath.tanh(c), hidden)
    }

    /// The four gate activations of one vector of units, in place. Forward and the
    /// recomputation in backward share this code, so recomputed gates are forward's values.
    @inlinable @inline(__always)
    static func activateLanes<L: LaneAccess>(_ lanes: L, _ row: UnsafeMutablePointer<Float>, width h: Int)
        -> (L.Vector, L.Vector, L.Vector, L.Vector) {
        let i = LaneMath.sigmoid(lanes.load(row))
        let f = LaneMath.sigmoid(lanes.load(row + h))
        let g = LaneMath.tanh(lanes.load(row + 2 * h))
        let o = LaneMath.sigmoid(lanes.load(row + 3 * h))
        lanes.store(i, row); lanes.store(f, row + h); lanes.store(g, row + 2 * h); lanes.store(o, row + 3 * h)
        return (i, f, g, o)
    }

    /// Activates `batch` rows of 4H pre-activations in place.
    @inlinable @inline(__always)
    public static func activateStep<V: FloatLanes>(_: V.Type, gates: UnsafeMutablePointer<Float>, batch: Int, width h: Int) {
        for b in 0..<batch {
            var j = 0
            while j + V.width <= h {
                _ = activateLanes(WholeLanes<V>(), gates + b * 4 * h + j, width: h)
                j += V.width
            }
            if j < h { _ = activateLanes(TailLanes<V>(count: h - j), gates + b * 4 * h + j, width: h) }
        }
    }

    /// One step's gate gradients, written over the activated gates of that step.
    /// On entry `dcNext` holds ∂L/∂c_t from step t+1; on exit ∂L/∂c_{t−1}.
    @inlinable @inline(__always)
    public static func backwardStep<V: FloatLanes>(_: V.Type, gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
                                                   cells: UnsafePointer<Float>, dh: UnsafePointer<Float>,
                                                   dcNext: UnsafeMutablePointer<Float>, batch: Int, width h: Int) {
        for b in 0..<batch {
            var j = 0
            while j + V.width <= h {
                let k = b * h + j
                backwardLanes(WholeLanes<V>(), gates + b * 4 * h + j, cPrev + k, cells + k, dh + k, dcNext + k, width: h)
                j += V.width
            }
            if j < h {
                let k = b * h + j
                backwardLanes(TailLanes<V>(count: h - j), gates + b * 4 * h + j, cPrev + k, cells + k, dh + k,
                              dcNext + k, width: h)
            }
        }
    }

    @inlinable @inline(__always)
    static func backwardLanes<L: LaneAccess>(_ lanes: L, _ row: UnsafeMutablePointer<Float>, _ cPrev: UnsafePointer<Float>,
                                             _ cell: UnsafePointer<Float>, _ dh: UnsafePointer<Float>,
                                             _ dcNext: UnsafeMutablePointer<Float>, width h: Int) {
        let i = lanes.load(row), f = lanes.load(row + h), g = lanes.load(row + 2 * h), o = lanes.load(row + 3 * h)
        let tc = LaneMath.tanh(lanes.load(cell))
        let dhv = lanes.load(dh)
        let dc = dhv * o * (1 - tc * tc) + lanes.load(dcNext)
        lanes.store(dc * g * i * (1 - i), row)
        lanes.store(dc * lanes.load(cPrev) * f * (1 - f), row + h)
        lanes.store(dc * i * (1 - g * g), row + 2 * h)
        lanes.store(dhv * tc * o * (1 - o), row + 3 * h)
        lanes.store(dc * f, dcNext)
    }
}
