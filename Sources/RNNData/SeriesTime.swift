import Foundation

/// What a time column holds: ISO 8601 dates, ISO 8601 date-times, or plain numbers.
public enum TimeKind: String, Codable, Sendable {
    case date, dateTime, number
}

/// The time of every step of every sequence (`data csv … time=NAME`): the text as the file
/// has it (written back unchanged) and its value (seconds since 1970 for dates and date-times,
/// the number itself otherwise), increasing within each sequence.
public struct SeriesTime: Sendable, Equatable {
    public var kind: TimeKind
    /// The time column's header name.
    public var name: String
    /// `[sequence][step]`.
    public var texts: [[String]]
    /// `[sequence][step]`, strictly increasing along each sequence.
    public var values: [[Double]]

    public init(kind: TimeKind, name: String, texts: [[String]], values: [[Double]]) {
        self.kind = kind
        self.name = name
        self.texts = texts
        self.values = values
    }

    /// `count` times after the last step of `sequence`, continuing by the last spacing (by whole
    /// months when the last two dates fall on the same day of the month, so a monthly series
    /// stays on its day); written the way the column writes its times.
    public func continued(sequence: Int, count: Int) -> [String] {
        let values = self.values[sequence]
        guard count > 0, let last = values.last else { return [] }
        let spacing = values.count >= 2 ? last - values[values.count - 2] : 1
        if kind == .number {
            let decimals = texts[sequence].map(TimeParser.decimals).max() ?? 0
            return (1...count).map { TimeParser.formatNumber(last + Double($0) * spacing, decimals: decimals) }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let lastDate = Date(timeIntervalSince1970: last)
        var months: Int?
        if kind == .date, values.count >= 2 {
            let previous = Date(timeIntervalSince1970: values[values.count - 2])
            let a = calendar.dateComponents([.year, .month, .day], from: previous)
            let b = calendar.dateComponents([.year, .month, .day], from: lastDate)
            if a.day == b.day, let ay = a.year, let am = a.month, let by = b.year, let bm = b.month {
                let m = (by - ay) * 12 + (bm - am)
                if m > 0 { months = m }
            }
        }
        return (1...count).map { i in
            let date: Date
            if let months, let stepped = calendar.date(byAdding: .month, value: months * i, to: lastDate) {
                date = stepped
            } else {
                date = lastDate.addingTimeInterval(Double(i) * spacing)
            }
            return TimeParser.format(date, kind: kind)
        }
    }
}

/// ISO 8601 through Foundation's `ISO8601DateFormatter` (not by hand): full dates, and
/// date-times with or without a zone, fractional seconds, `T` or a space between. Times
/// without a zone are read as UTC.
struct TimeParser {
    private let dateFormatter: ISO8601DateFormatter
    private let dateTimeFormatters: [ISO8601DateFormatter]

    init() {
        let utc = TimeZone(identifier: "UTC")!
        func formatter(_ options: ISO8601DateFormatter.Options) -> ISO8601DateFormatter {
            let f = ISO8601DateFormatter()
            f.formatOptions = options
            f.timeZone = utc
            return f
        }
        dateFormatter = formatter([.withFullDate])
        let local: ISO8601DateFormatter.Options = [.withFullDate, .withTime, .withColonSeparatorInTime]
        dateTimeFormatters = [
            formatter([.withInternetDateTime]),
            formatter([.withInternetDateTime, .withFractionalSeconds]),
            formatter(local),
            formatter(local.union(.withFractionalSeconds)),
            formatter([.withInternetDateTime, .withSpaceBetweenDateAndTime]),
            formatter([.withInternetDateTime, .withSpaceBetweenDateAndTime, .withFractionalSeconds]),
            formatter(local.union(.withSpaceBetweenDateAndTime)),
            formatter(local.union([.withSpaceBetweenDateAndTime, .withFractionalSeconds])),
        ]
    }

    /// The kind of a first time cell, or nil when it is neither a number nor ISO 8601.
    func kind(of text: String) -> TimeKind? {
        if CSVFile.number(Array(text.utf8)) != nil { return .number }
        if parse(text, as: .date) != nil { return .date }
        if parse(text, as: .dateTime) != nil { return .dateTime }
        return nil
    }

    /// The value of `text` read as `kind`, or nil.
    func parse(_ text: String, as kind: TimeKind) -> Double? {
        let trimmed = text.trimmingASCIISpaces
        switch kind {
        case .number:
            return CSVFile.number(Array(trimmed.utf8))
        case .date:
            // The formatter alone would accept a date followed by a time; a date is 10 characters.
            guard trimmed.utf8.count == 10 else { return nil }
            return dateFormatter.date(from: trimmed)?.timeIntervalSince1970
        case .dateTime:
            for f in dateTimeFormatters {
                if let date = f.date(from: trimmed) { return date.timeIntervalSince1970 }
            }
            return nil
        }
    }

    /// A date as `2024-03-31`, a date-time as `2024-03-31T12:00:00Z`.
    static func format(_ date: Date, kind: TimeKind) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")!
        f.formatOptions = kind == .date ? [.withFullDate] : [.withInternetDateTime]
        return f.string(from: date)
    }

    /// Digits after the decimal point in a number's text.
    static func decimals(_ text: String) -> Int {
        guard let dot = text.firstIndex(of: "."), !text.contains("e"), !text.contains("E") else { return 0 }
        return text[text.index(after: dot)...].prefix { $0.isNumber }.count
    }

    static func formatNumber(_ value: Double, decimals: Int) -> String {
        decimals == 0 && abs(value) < 1e15 && value == value.rounded() ? String(Int64(value))
            : String(format: "%.\(min(decimals, 12))f", value)
    }
}
