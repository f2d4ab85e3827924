import Foundation

/// A place in a data file: the file as the user named it, and the 1-based line and
/// column when known. The column is the field number (1 = the first field), not a
/// character offset: CSV users think in fields.
public struct FilePlace: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file`, `file:line` or `file:line:column`.
    public var description: String {
        guard let line else { return file }
        guard let column else { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }
}

/// Which sequence of a series an error is about: its 0-based index, and its key when
/// the series came from a CSV file with a key column. Messages number sequences from 1.
public struct SequenceRef: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var name: String?

    public init(index: Int, name: String? = nil) {
        self.index = index
        self.name = name
    }

    /// `sequence 3` (1-based), or `sequence 'MSFT'` when the sequence has a key.
    public var description: String {
        if let name { return "sequence '\(name)'" }
        return "sequence \(index + 1)"
    }
}

/// What the data module refuses: bad specs, bad files, series that cannot be prepared.
///
/// Every case carries where the problem is and what would be right; the text is
/// rendered only here, in `message` and `description`. Errors about a file render as
/// `prices.csv:14:3: error: …` (compiler style, so editors can jump to the place);
/// the others are a bare message for the caller to prefix with the script's place.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: Specs

    /// An option value outside what `command` accepts, e.g. `window=0` for `features deltas`.
    case invalidOption(command: String, option: String, value: String, expected: String)
    /// A size that would exceed a limit (`what` says what and how big).
    case tooLarge(what: String, limit: Int)
    /// Stopped by the user (Ctrl-C, SIGINT, SIGTERM) while reading, making or preparing data.
    case interrupted

    // MARK: CSV files

    /// The file could not be read (missing, a directory, no permission, too large).
    case unreadableFile(FilePlace, reason: String)
    /// The file holds nothing, not even a header.
    case emptyFile(FilePlace)
    /// The file holds a header row but no data rows.
    case noDataRows(FilePlace)
    /// A value cell that is not a finite decimal number (also an empty cell, `nan`, `inf`).
    case notANumber(FilePlace, text: String, columnName: String)
    /// A row with a different number of fields than the header.
    case raggedRow(FilePlace, expected: Int, found: Int)
    /// A quoted field whose closing quote never comes; the place is where it opened.
    case unterminatedQuote(FilePlace)
    /// Something other than a comma or a line end after a closing quote.
    case textAfterQuote(FilePlace, found: String)
    /// The requested column is not in the header.
    case missingColumn(FilePlace, column: CSVColumn, available: [String], suggestion: String?)
    /// The requested column name appears more than once in the header (1-based columns).
    case ambiguousColumn(FilePlace, name: String, columns: [Int])
    /// The key column and the value column are the same column.
    case keyIsValueColumn(FilePlace, column: Int)
    /// A sequence of the file with fewer than 2 rows; the place is its first row.
    case csvSequenceTooShort(FilePlace, key: String?, rows: Int)
    /// The file is not the one the data spec was made from.
    case contentChanged(FilePlace, expected: String, found: String)
    /// No column was named and none holds numbers (besides the key and time columns).
    case noNumericColumn(FilePlace, available: [String])
    /// `missing=ffill` with nothing before a missing first value of a sequence.
    case missingFirstValue(FilePlace, columnName: String)
    /// A column with no value at all in a sequence (`missing=mask`).
    case noValueInSequence(FilePlace, columnName: String, key: String?)
    /// A time cell that is not ISO 8601 (or, after the first, not of the first cell's kind).
    case badTime(FilePlace, text: String, expected: TimeKind?)
    /// A time not after the previous one of its sequence.
    case timeNotIncreasing(FilePlace, text: String, previous: String, previousLine: Int)

    // MARK: Series and preparation

    /// A series without any sequence.
    case emptySeries
    /// A sequence too short for what is asked of it.
    case sequenceTooShort(SequenceRef, length: Int, needed: Int, reason: String)
    /// A price that is NaN or infinite (0-based step, rendered 1-based).
    case nonFiniteValue(SequenceRef, step: Int)
    /// `targets next horizon=H` with H not below the length of a sequence (or of its head).
    case horizonTooLong(SequenceRef, horizon: Int, steps: Int, inHead: Bool)
    /// Validation is on but no tail step has a defined target.
    case noValidationTargets(horizon: Int, longestTail: Int)
    /// A feature or target that does not fit in float32 (0-based step, rendered 1-based).
    case notRepresentable(SequenceRef, step: Int, what: String)
    /// A `columns=` name that is not a channel of the series.
    case unknownChannel(command: String, name: String, available: [String], suggestion: String?)
    /// `features … window=N` longer than every sequence.
    case windowTooLong(window: Int, longest: Int)
    /// `forecast` asked of a setup it cannot serve.
    case cannotForecast(reason: String)
    /// Z-score statistics handed in that cannot be used.
    case invalidStatistics(mean: Double, std: Double)

    /// The file place of errors about a file, nil for the others.
    public var place: FilePlace? {
        switch self {
        case let .unreadableFile(place, _), let .emptyFile(place), let .noDataRows(place),
             let .notANumber(place, _, _), let .raggedRow(place, _, _), let .unterminatedQuote(place),
             let .textAfterQuote(place, _), let .missingColumn(place, _, _, _),
             let .ambiguousColumn(place, _, _), let .keyIsValueColumn(place, _),
             let .csvSequenceTooShort(place, _, _), let .contentChanged(place, _, _),
             let .noNumericColumn(place, _), let .missingFirstValue(place, _), let .noValueInSequence(place, _, _),
             let .badTime(place, _, _), let .timeNotIncreasing(place, _, _, _):
            return place
        case .invalidOption, .tooLarge, .interrupted, .emptySeries, .sequenceTooShort, .nonFiniteValue,
             .horizonTooLong, .noValidationTargets, .notRepresentable, .invalidStatistics, .unknownChannel,
             .windowTooLong, .cannotForecast:
            return nil
        }
    }

    /// The message without the place.
    public var message: String {
        switch self {
        case let .invalidOption(command, option, value, expected):
            return "invalid \(option)=\(value) for '\(command)' (expected \(expected))"
        case .interrupted:
            return "interrupted"
        case let .tooLarge(what, limit):
            return "\(what) exceeds the limit of \(limit)"
        case let .unreadableFile(_, reason):
            return "cannot read the file: \(reason)"
        case .emptyFile:
            return "the file is empty (expected a header row, then data rows)"
        case .noDataRows:
            return "the file has a header row but no data rows (expected at least 2)"
        case let .notANumber(_, text, columnName):
            let trimmed = text.trimmingASCIISpaces
            if trimmed.isEmpty {
                return "empty cell where a number is expected (column '\(columnName)')"
            }
            if Double(trimmed).map({ !$0.isFinite }) ?? false || Self.nonFiniteWords.contains(trimmed.lowercased()) {
                return "'\(Self.excerpt(text))' is not a finite number (column '\(columnName)')"
            }
            return "'\(Self.excerpt(text))' is not a number (column '\(columnName)')"
        case let .raggedRow(_, expected, found):
            return "expected \(plural(expected, "field")) like the header, found \(found)"
        case .unterminatedQuote:
            return "quoted field is never closed (expected a closing '\"')"
        case let .textAfterQuote(_, found):
            return "unexpected '\(Self.excerpt(found))' after a closing quote (expected ',' or the end of the line)"
        case let .missingColumn(_, column, available, suggestion):
            let list = available.map { "'\($0)'" }.joined(separator: ", ")
            switch column {
            case let .name(name):
                let hint = suggestion.map { "did you mean '\($0)'? " } ?? ""
                return "no column '\(name)' in the header (\(hint)columns: \(list))"
            case let .index(index):
                return "no column \(index) (expected 1 to \(available.count); columns: \(list))"
            }
        case let .ambiguousColumn(_, name, columns):
            let numbers = columns.map(String.init)
            let alternatives = numbers.dropLast().joined(separator: ", ") + " or " + (numbers.last ?? "")
            return "column '\(name)' appears \(columns.count) times in the header (columns \(numbers.joined(separator: ", "))); "
                + "choose one by number (column=\(alternatives))"
        case let .keyIsValueColumn(_, column):
            return "the key column is the value column (column \(column)); expected a different column for key="
        case let .csvSequenceTooShort(_, key, rows):
            if let key {
                return "sequence '\(key)' has \(plural(rows, "row")) (expected at least 2)"
            }
            return "only \(plural(rows, "data row")) (expected at least 2)"
        case let .contentChanged(_, expected, found):
            return "the file has changed since its data was loaded (content hash \(expected.prefix(12))…, "
                + "now \(found.prefix(12))…); load it again with 'data csv'"
        case let .noNumericColumn(_, available):
            return "no column holds numbers (columns: \(available.map { "'\($0)'" }.joined(separator: ", "))); "
                + "name the value column with column=NAME"
        case let .missingFirstValue(_, columnName):
            return "the first value of a sequence is missing (column '\(columnName)'); missing=ffill has nothing to fill it "
                + "with (expected missing=mask, or a value)"
        case let .noValueInSequence(_, columnName, key):
            return "\(key.map { "sequence '\($0)'" } ?? "the file") has no value at all in column '\(columnName)'"
        case let .badTime(_, text, expected):
            let kind = switch expected {
            case .date?: "an ISO 8601 date like 2024-03-31, as the column's first time"
            case .dateTime?: "an ISO 8601 date-time like 2024-03-31T12:00:00Z, as the column's first time"
            case .number?: "a number, as the column's first time"
            case nil: "an ISO 8601 date (2024-03-31), date-time (2024-03-31T12:00:00Z) or a number"
            }
            return "'\(Self.excerpt(text))' is not a time (expected \(kind))"
        case let .timeNotIncreasing(_, text, previous, previousLine):
            return "time '\(Self.excerpt(text))' does not come after '\(Self.excerpt(previous))' (line \(previousLine)); "
                + "expected the rows of each sequence in increasing time"
        case .emptySeries:
            return "the series has no sequences (expected at least 1)"
        case let .sequenceTooShort(sequence, length, needed, reason):
            let why = reason.isEmpty ? "" : "; \(reason)"
            return "\(sequence) has \(plural(length, "step")) (expected at least \(needed)\(why))"
        case let .nonFiniteValue(sequence, step):
            return "\(sequence) has a non-finite value at step \(step + 1) (expected finite prices)"
        case let .horizonTooLong(sequence, horizon, steps, inHead):
            return "horizon=\(horizon) leaves no target in \(sequence): \(inHead ? "its head" : "it") has \(plural(steps, "step")) "
                + "(expected a horizon below \(steps))"
        case let .noValidationTargets(horizon, longestTail):
            return "no validation step has a target: the longest tail has \(plural(longestTail, "step")) "
                + "and horizon=\(horizon) (expected a larger tail= or a smaller horizon=)"
        case let .notRepresentable(sequence, step, what):
            return "\(sequence) at step \(step + 1): the \(what) does not fit in float32 (expected prices of moderate size)"
        case let .unknownChannel(command, name, available, suggestion):
            let hint = suggestion.map { "did you mean '\($0)'? " } ?? ""
            return "'\(command)': no column '\(name)' in the data (\(hint)columns: \(available.map { "'\($0)'" }.joined(separator: ", ")))"
        case let .windowTooLong(window, longest):
            return "window=\(window) is longer than every sequence (the longest has \(plural(longest, "step"))); "
                + "expected a window of at most \(longest)"
        case let .cannotForecast(reason):
            return "cannot forecast: \(reason)"
        case let .invalidStatistics(mean, std):
            return "z-score statistics mean=\(mean) std=\(std) cannot be used (expected a finite mean and a finite std > 0)"
        }
    }

    /// `place: error: message` for errors about a file, else the bare message.
    public var description: String {
        guard let place else { return message }
        return "\(place): error: \(message)"
    }

    /// Words that spell a non-finite number.
    static let nonFiniteWords: Set<String> = ["nan", "+nan", "-nan", "inf", "+inf", "-inf",
                                              "infinity", "+infinity", "-infinity"]

    /// At most 40 characters of a cell, with an ellipsis when cut; line breaks shown as `\n`.
    static func excerpt(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r")
        return flat.count <= 40 ? flat : String(flat.prefix(40)) + "…"
    }
}

/// `1 step`, `2 steps`.
func plural(_ count: Int, _ noun: String) -> String {
    count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingASCIISpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
