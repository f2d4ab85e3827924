/// A grid of character cells, each subdivided into dots: 2×4 Braille dots per cell for
/// the colour plot, or one dot per cell for the symbol plot. Remembers which ink touched
/// each cell last, so the last series drawn wins a shared cell.
struct DotCanvas {
    /// What set a cell's dots: a series line, or a series' marker (drawn beneath the lines).
    enum Ink: Equatable {
        case line(Int)
        case marker(Int)
    }

    let columns: Int
    let rows: Int
    let dotsPerColumn: Int
    let dotsPerRow: Int
    private(set) var masks: [UInt8]
    private(set) var inks: [Ink?]

    var dotColumns: Int { columns * dotsPerColumn }
    var dotRows: Int { rows * dotsPerRow }

    init(columns: Int, rows: Int, braille: Bool) {
        self.columns = columns
        self.rows = rows
        dotsPerColumn = braille ? 2 : 1
        dotsPerRow = braille ? 4 : 1
        masks = Array(repeating: 0, count: columns * rows)
        inks = Array(repeating: nil, count: columns * rows)
    }

    /// The Braille bit of each dot within a cell, indexed [dotRow][dotColumn]: dots 1–3 and
    /// 4–6 run down the two columns, dots 7 and 8 sit beneath them (Unicode's U+2800 block).
    private static let brailleBits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

    /// Sets one dot; dots outside the grid are ignored.
    mutating func set(_ x: Int, _ y: Int, ink: Ink) {
        guard x >= 0, y >= 0, x < dotColumns, y < dotRows else { return }
        let cell = (y / dotsPerRow) * columns + x / dotsPerColumn
        masks[cell] |= dotsPerColumn == 2 ? Self.brailleBits[y % 4][x % 2] : 1
        inks[cell] = ink
    }

    /// Sets every dot on the straight line between two dots (Bresenham's algorithm).
    mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int), ink: Ink) {
        var x = start.x, y = start.y
        let dx = abs(end.x - x), dy = -abs(end.y - y)
        let stepX = x < end.x ? 1 : -1, stepY = y < end.y ? 1 : -1
        var error = dx + dy
        while true {
            set(x, y, ink: ink)
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
        }
    }

    /// The Braille character of a cell (U+2800 plus its dot bits); nil when no dot is set.
    func braille(column: Int, row: Int) -> Character? {
        let mask = masks[row * columns + column]
        guard mask != 0, let scalar = Unicode.Scalar(0x2800 + UInt32(mask)) else { return nil }
        return Character(scalar)
    }

    func ink(column: Int, row: Int) -> Ink? {
        inks[row * columns + column]
    }
}
