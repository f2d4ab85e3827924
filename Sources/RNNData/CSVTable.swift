import Foundation

/// How `data csv` reads a file: which value columns (several make channels), the key and time
/// columns, missing values and the delimiter.
public struct CSVOptions: Codable, Sendable, Equatable {
    /// The value columns in order; nil: the first column whose first value is a number and
    /// which is neither the key nor the time column.
    public var columns: [CSVColumn]?
    public var key: CSVColumn?
    public var time: CSVColumn?
    public var missing: MissingMode
    /// One ASCII character other than a quote or a line end; `\t` is a tab.
    public var delimiter: String

    public init(columns: [CSVColumn]? = nil, key: CSVColumn? = nil, time: CSVColumn? = nil,
                missing: MissingMode = .error, delimiter: String = ",") {
        self.columns = columns
        self.key = key
        self.time = time
        self.missing = missing
        self.delimiter = delimiter
    }

    /// The options of `data csv`, refusing `column=` together with `columns=`.
    public static func make(column: CSVColumn?, columns: [CSVColumn]?, key: CSVColumn? = nil, time: CSVColumn? = nil,
                            missing: MissingMode = .error, delimiter: String = ",") throws(DataError) -> CSVOptions {
        if column != nil, columns != nil {
            throw .invalidOption(command: "data csv", option: "columns", value: columns!.map(\.text).joined(separator: ","),
                                 expected: "either column=NAME or columns=A,B,…, not both")
        }
        let options = CSVOptions(columns: columns ?? column.map { [$0] }, key: key, time: time, missing: missing,
                                 delimiter: delimiter)
        _ = try options.delimiterByte()
        return options
    }

    /// The delimiter as one byte.
    func delimiterByte() throws(DataError) -> UInt8 {
        let text = delimiter == "\\t" || delimiter == "tab" ? "\t" : delimiter
        let bytes = Array(text.utf8)
        guard bytes.count == 1, bytes[0] < 0x80, bytes[0] != 0x22, bytes[0] != 0x0A, bytes[0] != 0x0D else {
            throw .invalidOption(command: "data csv", option: "delimiter", value: delimiter,
                                 expected: "one ASCII character other than a quote or a line end, e.g. \";\" or \"\\t\"")
        }
        return bytes[0]
    }
}

/// A CSV file read into a series: the parsing of `data csv` with all its options.
struct CSVTable {
    var series: Series
    /// The value columns as read (by header name when the header names them), so a stored
    /// source reads the same columns again.
    var columns: [CSVColumn]

    /// Words (any case) and the empty cell that mean "no value here".
    static let missingWords: Set<String> = ["", "na", "nan", "null"]

    static func isMissing(_ bytes: [UInt8]) -> Bool {
        bytes.count <= 8 && missingWords.contains(String(decoding: bytes, as: UTF8.self).trimmingASCIISpaces.lowercased())
    }

    static func read(bytes: [UInt8], fileName: String, options: CSVOptions,
                     isCancelled: () -> Bool = { false }) throws(DataError) -> CSVTable {
        var reader = CSVReader(bytes: bytes, fileName: fileName, delimiter: try options.delimiterByte())
        guard let header = try reader.nextRecord() else { throw .emptyFile(FilePlace(file: fileName)) }
        let names = header.fields.map { String(decoding: $0.bytes, as: UTF8.self) }
        let headerPlace = FilePlace(file: fileName, line: header.line)
        let keyIndex = try options.key.map { c throws(DataError) in try CSVFile.resolve(c, in: names, place: headerPlace) }
        let timeIndex = try options.time.map { c throws(DataError) in try CSVFile.resolve(c, in: names, place: headerPlace) }
        if let keyIndex, keyIndex == timeIndex {
            throw .keyIsValueColumn(FilePlace(file: fileName, line: header.line, column: keyIndex + 1), column: keyIndex + 1)
        }

        /// The next record, refused when its field count differs from the header's.
        func nextRecord() throws(DataError) -> CSVRecord? {
            guard let record = try reader.nextRecord() else { return nil }
            guard record.fields.count == names.count else {
                let column = min(record.fields.count, names.count) + 1
                let line = record.fields.indices.contains(column - 1) ? record.fields[column - 1].line : record.endLine
                throw .raggedRow(FilePlace(file: fileName, line: line, column: column),
                                 expected: names.count, found: record.fields.count)
            }
            return record
        }
        // The first record is read ahead only to find the value column when none is named;
        // every other row is checked in file order, so the first problem is the one reported.
        var pending: CSVRecord? = options.columns == nil ? try nextRecord() : nil

        // Value columns: as given, else the first numeric one that is neither key nor time.
        var valueIndices: [Int] = []
        if let columns = options.columns {
            for c in columns {
                let index = try CSVFile.resolve(c, in: names, place: headerPlace)
                if index == keyIndex || index == timeIndex {
                    throw .keyIsValueColumn(FilePlace(file: fileName, line: header.line, column: index + 1), column: index + 1)
                }
                guard !valueIndices.contains(index) else {
                    throw .invalidOption(command: "data csv", option: "columns", value: c.text,
                                         expected: "each column once")
                }
                valueIndices.append(index)
            }
        } else {
            guard let first = pending else { throw .noDataRows(FilePlace(file: fileName)) }
            guard let index = names.indices.first(where: {
                $0 != keyIndex && $0 != timeIndex && CSVFile.number(first.fields[$0].bytes) != nil
            }) else { throw .noNumericColumn(headerPlace, available: names) }
            valueIndices = [index]
        }
        let columnNames = valueIndices.map { names[$0].isEmpty ? "\($0 + 1)" : names[$0] }
        let channels = valueIndices.count

        // Rows into sequences.
        var values: [[[Double]]] = Array(repeating: [], count: channels)     // [channel][sequence][step]
        var missingCells: [[[Bool]]] = Array(repeating: [], count: channels)
        var missingCounts = [Int](repeating: 0, count: channels)
        var keys: [String] = [], firstLines: [Int] = []
        var timeTexts: [[String]] = [], timeValues: [[Double]] = [], timeLines: [[Int]] = []
        var sequenceOfKey: [[UInt8]: Int] = [:]
        let parser = TimeParser()
        var timeKind: TimeKind?
        var rows = 0
        while true {
            rows += 1
            if rows % Interruption.stride == 0, isCancelled() { throw .interrupted }
            let next: CSVRecord?
            if let ahead = pending { next = ahead; pending = nil } else { next = try nextRecord() }
            guard let record = next else { break }
            let sequence: Int
            let keyBytes = keyIndex.map { record.fields[$0].bytes } ?? []
            if let known = sequenceOfKey[keyBytes] {
                sequence = known
            } else {
                sequence = keys.count
                sequenceOfKey[keyBytes] = sequence
                keys.append(String(decoding: keyBytes, as: UTF8.self))
                firstLines.append(keyIndex.map { record.fields[$0].line } ?? record.line)
                for c in 0..<channels { values[c].append([]); missingCells[c].append([]) }
                timeTexts.append([]); timeValues.append([]); timeLines.append([])
            }
            for (c, index) in valueIndices.enumerated() {
                let cell = record.fields[index]
                if let value = CSVFile.number(cell.bytes) {
                    values[c][sequence].append(value)
                    missingCells[c][sequence].append(false)
                } else if options.missing != .error, isMissing(cell.bytes) {
                    guard options.missing == .mask || !values[c][sequence].isEmpty else {
                        throw .missingFirstValue(FilePlace(file: fileName, line: cell.line, column: index + 1),
                                                 columnName: columnNames[c])
                    }
                    values[c][sequence].append(values[c][sequence].last ?? .nan)     // filled below when leading
                    missingCells[c][sequence].append(true)
                    missingCounts[c] += 1
                } else {
                    throw .notANumber(FilePlace(file: fileName, line: cell.line, column: index + 1),
                                      text: String(decoding: cell.bytes, as: UTF8.self), columnName: columnNames[c])
                }
            }
            if let timeIndex {
                let cell = record.fields[timeIndex]
                let text = String(decoding: cell.bytes, as: UTF8.self)
                let place = FilePlace(file: fileName, line: cell.line, column: timeIndex + 1)
                if timeKind == nil {
                    guard let k = parser.kind(of: text) else { throw .badTime(place, text: text, expected: nil) }
                    timeKind = k
                }
                let kind = timeKind ?? .number
                guard let value = parser.parse(text, as: kind) else { throw .badTime(place, text: text, expected: kind) }
                if let previous = timeValues[sequence].last, value <= previous {
                    throw .timeNotIncreasing(place, text: text, previous: timeTexts[sequence].last!,
                                             previousLine: timeLines[sequence].last!)
                }
                timeTexts[sequence].append(text.trimmingASCIISpaces)
                timeValues[sequence].append(value)
                timeLines[sequence].append(cell.line)
            }
        }
        guard !keys.isEmpty else { throw .noDataRows(FilePlace(file: fileName)) }
        if let short = values[0].firstIndex(where: { $0.count < 2 }) {
            throw .csvSequenceTooShort(FilePlace(file: fileName, line: firstLines[short], column: keyIndex.map { $0 + 1 }),
                                       key: keyIndex == nil ? nil : keys[short], rows: values[0][short].count)
        }
        // mask: values missing before the first known one take the first known one (inputs only).
        for c in 0..<channels {
            for s in values[c].indices where values[c][s].first?.isNaN == true {
                guard let first = values[c][s].first(where: { !$0.isNaN }) else {
                    throw .noValueInSequence(FilePlace(file: fileName, line: firstLines[s]), columnName: columnNames[c],
                                             key: keyIndex == nil ? nil : keys[s])
                }
                for t in values[c][s].indices where values[c][s][t].isNaN { values[c][s][t] = first }
            }
        }
        let anyMissing = missingCounts.contains { $0 > 0 }
        let series = Series(
            channels: values, channelNames: columnNames, names: keyIndex == nil ? nil : keys,
            time: timeIndex.map { SeriesTime(kind: timeKind ?? .number, name: names[$0], texts: timeTexts, values: timeValues) },
            missing: anyMissing ? MissingValues(mode: options.missing, counts: missingCounts, cells: missingCells) : nil)
        let resolved = valueIndices.map { i -> CSVColumn in
            let name = names[i]
            return !name.isEmpty && names.filter({ $0 == name }).count == 1 ? .name(name) : .index(i + 1)
        }
        return CSVTable(series: series, columns: options.columns ?? resolved)
    }
}
