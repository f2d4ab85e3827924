/// Thins a long polyline for drawing without changing its look: within each pixel column
/// only the first, lowest, highest and last points can be seen, so only they are kept
/// (the "M4" reduction of Jugel et al., VLDB 2014). A 20,000-step series becomes a few
/// thousand points instead of a megabyte of path data.
enum Decimation {
    /// `points` are already in pixel coordinates; fewer than four per pixel column pass unchanged.
    static func pixelColumns(_ points: [(x: Double, y: Double)], columns: Double) -> [(x: Double, y: Double)] {
        guard Double(points.count) > 4 * max(columns, 1) else { return points }
        var kept: [(x: Double, y: Double)] = []
        var start = 0
        while start < points.count {
            let column = points[start].x.rounded(.down)
            var end = start
            var lowest = start, highest = start
            while end + 1 < points.count, points[end + 1].x.rounded(.down) == column {
                end += 1
                if points[end].y < points[lowest].y { lowest = end }
                if points[end].y > points[highest].y { highest = end }
            }
            // In their original order, each once.
            for index in Set([start, lowest, highest, end]).sorted() {
                kept.append(points[index])
            }
            start = end + 1
        }
        return kept
    }
}
