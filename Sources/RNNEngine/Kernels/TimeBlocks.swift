/// Every product over the rows of a chunk runs in fixed blocks of time steps, counted from the
/// chunk's first step, and every sum over rows (weight and bias gradients) adds the blocks'
/// contributions last block first.
///
/// That fixes the arithmetic of a chunk independently of how it is walked: backprop over the
/// whole chunk and segment recomputation (segments that start on a block boundary, walked last
/// first) make the same calls on the same values, so their gradients are bit-identical.
/// A chunk of at most one block is one product, as before blocks existed.
public enum TimeBlocks {
    /// Steps per block: large enough that each product is efficient, small enough that a block
    /// of the seed model's activations (256 · 15 rows · 64 floats ≈ 1 MB) stays in cache.
    public static let steps = 256

    /// Calls `body(firstRow, rowCount)` for each block of `rows = T·B` rows (`blockRows = steps·B`),
    /// first block first, or last first when `reversed`.
    @inline(__always)
    static func forEach(rows: Int, blockRows: Int, reversed: Bool = false, _ body: (Int, Int) -> Void) {
        precondition(blockRows > 0)
        let count = (rows + blockRows - 1) / blockRows
        for i in 0..<count {
            let block = reversed ? count - 1 - i : i
            let start = block * blockRows
            body(start, min(blockRows, rows - start))
        }
    }
}
