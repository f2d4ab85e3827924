/// A place in a script: file name, 1-based line and 1-based column.
///
/// Columns count Unicode scalars (a tab, an `é` written as one scalar and an emoji are one
/// column each), so a location means the same thing on any input. `"\r\n"`, `"\r"` and `"\n"`
/// each end one line.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `LINE:COL`, as messages quote a place in the same file.
    public var lineColumn: String { "\(line):\(column)" }

    /// `FILE:LINE:COL`, as a diagnostic's header starts.
    public var description: String { "\(file):\(line):\(column)" }

    /// Whether `self` comes before `other` in the same file (line, then column).
    public func precedes(_ other: SourceLocation) -> Bool {
        (line, column) < (other.line, other.column)
    }
}

/// A span of a script from `start` up to, not including, `end`.
///
/// An empty range (`start == end`) marks an insertion point, such as where a missing `}`
/// belongs. A range may span lines (a block, a `for` statement).
public struct SourceRange: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    /// The empty range at `location`.
    public init(at location: SourceLocation) {
        self.init(start: location, end: location)
    }

    /// The range from the start of `first` to the end of `last`.
    public init(from first: SourceRange, to last: SourceRange) {
        self.init(start: first.start, end: last.end)
    }

    public var isEmpty: Bool { start == end }

    /// `FILE:LINE:COL-LINE:COL`, for test failures and debugging.
    public var description: String { "\(start)-\(end.lineColumn)" }
}
