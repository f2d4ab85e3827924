/// Initial weights as Keras makes them, laid out in PyTorch's shapes.
enum Initializers {
    /// The initial value of one parameter tensor, chosen by its role (its name's suffix) in
    /// its layer (only an LSTM's `bias_ih` has a nonzero slice; a GRU's biases start at zero,
    /// as Keras' `GRU`).
    static func initialTensor(layer: LayerSpec, suffix: String, shape: [Int], rng: inout Random) -> Tensor {
        switch suffix {
        case "weight", "weight_ih":
            return glorotUniform(shape: shape, rng: &rng)
        case "weight_hh":
            return orthogonal(rows: shape[0], cols: shape[1], rng: &rng)
        case "bias_ih" where layer.kind == "lstm":
            // Keras' unit_forget_bias: the forget gate (second quarter) starts open.
            let hidden = shape[0] / 4
            var t = Tensor(zeros: shape)
            for j in hidden..<(2 * hidden) { t.values[j] = 1 }
            return t
        default:
            return Tensor(zeros: shape)
        }
    }

    /// Glorot & Bengio (2010) uniform: U(−l, l) with l = √(6 / (fan_in + fan_out)).
    /// For a `[out, in]` tensor fan_in = in and fan_out = out (Keras' kernel is the transpose).
    static func glorotUniform(shape: [Int], rng: inout Random) -> Tensor {
        let fanOut = shape[0], fanIn = shape[1]
        let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
        var values = [Float](repeating: 0, count: fanOut * fanIn)
        for i in values.indices { values[i] = Float(rng.uniform(-limit, limit)) }
        return Tensor(shape: shape, values: values)
    }

    /// Saxe et al. (2014) orthogonal: a Gaussian matrix's Q factor with a positive-diagonal R,
    /// as Keras' `Orthogonal` (gain 1). For `rows ≥ cols` (the `[4H, H]` recurrent kernel) the
    /// columns are orthonormal: this is the transpose of Keras' `(H, 4H)` recurrent kernel.
    static func orthogonal(rows: Int, cols: Int, rng: inout Random) -> Tensor {
        let tall = rows >= cols
        let (m, n) = tall ? (rows, cols) : (cols, rows)
        // Columns of an m×n Gaussian matrix, orthonormalised by modified Gram–Schmidt applied
        // twice (numerically as good as Householder here); R's diagonal is positive by construction.
        // One flat buffer, column after column: O(m·n²) work, seconds for `lstm 1000` only so.
        var columns = [Double](repeating: 0, count: m * n)
        for e in columns.indices { columns[e] = rng.gaussianDouble() }
        columns.withUnsafeMutableBufferPointer { q in
            for j in 0..<n {
                let cj = q.baseAddress! + j * m
                for _ in 0..<2 {
                    for k in 0..<j {
                        let ck = q.baseAddress! + k * m
                        var dot = 0.0
                        for i in 0..<m { dot += cj[i] * ck[i] }
                        for i in 0..<m { cj[i] -= dot * ck[i] }
                    }
                }
                var squares = 0.0
                for i in 0..<m { squares += cj[i] * cj[i] }
                let norm = squares.squareRoot()
                for i in 0..<m { cj[i] /= norm }
            }
        }
        var values = [Float](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            for c in 0..<cols {
                values[r * cols + c] = Float(tall ? columns[c * m + r] : columns[r * m + c])
            }
        }
        return Tensor(shape: [rows, cols], values: values)
    }
}
