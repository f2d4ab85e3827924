/// How often the long data loops (making a series, reading a CSV, preparing features) poll
/// for Ctrl-C: often enough to stop within a fraction of a second, rarely enough to cost nothing.
enum Interruption {
    static let stride = 1 << 16
}
