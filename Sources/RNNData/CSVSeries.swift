import Foundation

/// A CSV column, by header name or by 1-based index.
///
/// Encoded as a JSON string (a name) or a JSON number (an index).
public enum CSVColumn: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    case name(String)
    /// 1-based: 1 is the first column.
    case index(Int)

    /// `'close'` or `3`.
    public var description: String {
        switch self {
        case let .name(name): "'\(name)'"
        case let .index(index): "\(index)"
        }
    }

    /// The option value as the language writes it: `close`, `"two words"` or `3`.
    public var text: String {
        switch self {
        case let .index(index): return "\(index)"
        case let .name(name):
            let plain = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
                && !name.allSatisfy(\.isNumber)
            return plain ? name : "\"\(name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let index = try? container.decode(Int.self) {
            self = .index(index)
        } else {
            self = .name(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .name(name): try container.encode(name)
        case let .index(index): try container.encode(index)
        }
    }
}

/// A CSV data source as stored with a run: the path as the user gave it, the columns,
/// and the SHA-256 of the file's bytes, so a later `Series.load` can tell that the file
/// changed.
public struct CSVSource: Codable, Sendable, Equatable {
    public var path: String
    /// The value column (the first of `columns` when there are several).
    public var column: CSVColumn
    /// Optional key column splitting rows into sequences, in file order of first appearance.
    public var key: CSVColumn?
    /// 64 lowercase hex digits: SHA-256 of the file's bytes.
    public var contentHash: String
    /// Several value columns (`columns=A,B`), in order; nil for the one `column`.
    public var columns: [CSVColumn]?
    /// The time column, if any.
    public var time: CSVColumn?
    /// Missing-value handling; nil is `error`.
    public var missing: MissingMode?
    /// The field delimiter; nil is a comma.
    public var delimiter: String?

    public init(path: String, column: CSVColumn, key: CSVColumn?, contentHash: String) {
        self.path = path
        self.column = column
        self.key = key
        self.contentHash = contentHash
    }

    /// The source of a file read with `options`; the value columns are the resolved ones, so
    /// reading it again reads the same columns.
    public init(path: String, options: CSVOptions, resolvedColumns: [CSVColumn], contentHash: String) {
        self.init(path: path, column: resolvedColumns[0], key: options.key, contentHash: contentHash)
        columns = resolvedColumns.count > 1 ? resolvedColumns : nil
        time = options.time
        missing = options.missing == .error ? nil : options.missing
        delimiter = options.delimiter == "," ? nil : options.delimiter
    }

    /// The reading options this source stands for.
    public var options: CSVOptions {
        CSVOptions(columns: columns ?? [column], key: key, time: time, missing: missing ?? .error,
                   delimiter: delimiter ?? ",")
    }

    /// The command as the language writes it.
    public var text: String {
        func quote(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var text = "data csv \(quote(path)) "
        if let columns { text += "columns=" + columns.map(\.text).joined(separator: ",") } else { text += "column=\(column.text)" }
        if let key { text += " key=\(key.text)" }
        if let time { text += " time=\(time.text)" }
        if let missing { text += " missing=\(missing.rawValue)" }
        if let delimiter { text += " delimiter=\(quote(delimiter))" }
        return text
    }
}

extension Series {
    /// Reads a CSV file (RFC 4180: a header row, quoted fields, CRLF or LF line ends).
    ///
    /// - Parameters:
    ///   - path: the file, as the user named it (relative paths are relative to the
    ///     current directory, and are stored as given).
    ///   - column: the value column.
    ///   - key: optional key column; rows are split into one sequence per key value, in
    ///     file order of first appearance, and the keys become the series' `names`.
    ///   - displayName: what error messages call the file (default: `path`).
    /// - Returns: the series and the source to store (with the content hash).
    public static func csv(path: String, column: CSVColumn, key: CSVColumn?,
                           displayName: String? = nil) throws(DataError) -> (Series, CSVSource) {
        let name = displayName ?? path
        let bytes = try CSVFile.read(path: path, displayName: name)
        let series = try csv(bytes: bytes, fileName: name, column: column, key: key)
        return (series, CSVSource(path: path, column: column, key: key, contentHash: SHA256.hex(of: bytes)))
    }

    /// Parses CSV text; `fileName` is what error messages call it.
    public static func csv(text: String, fileName: String, column: CSVColumn, key: CSVColumn?) throws(DataError) -> Series {
        try csv(bytes: Array(text.utf8), fileName: fileName, column: column, key: key)
    }

    /// Parses CSV bytes (UTF-8 or any ASCII-compatible encoding; a UTF-8 byte order mark
    /// is skipped); `fileName` is what error messages call them.
    public static func csv(bytes: [UInt8], fileName: String, column: CSVColumn, key: CSVColumn?) throws(DataError) -> Series {
        try csv(bytes: bytes, fileName: fileName, options: CSVOptions(columns: [column], key: key))
    }

    /// Reads a CSV file with any of `data csv`'s options (several columns, a time column,
    /// missing values, another delimiter).
    /// - Returns: the series and the source to store (with the resolved columns and the content hash).
    /// `isCancelled` is polled every `Interruption.stride` rows.
    public static func csv(path: String, options: CSVOptions, displayName: String? = nil,
                           isCancelled: () -> Bool = { false }) throws(DataError) -> (Series, CSVSource) {
        let name = displayName ?? path
        let bytes = try CSVFile.read(path: path, displayName: name)
        let table = try CSVTable.read(bytes: bytes, fileName: name, options: options, isCancelled: isCancelled)
        return (table.series, CSVSource(path: path, options: options, resolvedColumns: table.columns,
                                        contentHash: SHA256.hex(of: bytes)))
    }

    /// Parses CSV bytes with any of `data csv`'s options.
    public static func csv(bytes: [UInt8], fileName: String, options: CSVOptions) throws(DataError) -> Series {
        try CSVTable.read(bytes: bytes, fileName: fileName, options: options).series
    }
}

/// Reading files, resolving columns and parsing numbers.
enum CSVFile {
    /// Largest file accepted: 2 GiB.
    static let maxBytes = 1 << 31

    /// The bytes of a file, or an `unreadableFile` error saying why not.
    static func read(path: String, displayName: String) throws(DataError) -> [UInt8] {
        let place = FilePlace(file: displayName)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            let relative = !path.hasPrefix("/") && !path.hasPrefix("~")
            throw .unreadableFile(place, reason: relative
                ? "no such file (relative paths start in \(FileManager.default.currentDirectoryPath))" : "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadableFile(place, reason: "it is a directory, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadableFile(place, reason: "permission denied")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxBytes {
            throw .unreadableFile(place, reason: "it has \(size) bytes (expected at most \(maxBytes))")
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadableFile(place, reason: "reading failed")
        }
    }

    /// The 0-based index of `column` in the header `names`.
    static func resolve(_ column: CSVColumn, in names: [String], place: FilePlace) throws(DataError) -> Int {
        switch column {
        case let .index(index):
            guard index >= 1, index <= names.count else {
                throw .missingColumn(place, column: column, available: names, suggestion: nil)
            }
            return index - 1
        case let .name(name):
            var matches = names.indices.filter { names[$0] == name }
            if matches.isEmpty {
                // Tolerate spaces around header names (`date, close`).
                let trimmed = name.trimmingASCIISpaces
                matches = names.indices.filter { names[$0].trimmingASCIISpaces == trimmed }
            }
            if matches.count > 1 {
                throw .ambiguousColumn(place, name: name, columns: matches.map { $0 + 1 })
            }
            guard let match = matches.first else {
                throw .missingColumn(place, column: column, available: names, suggestion: suggestion(for: name, among: names))
            }
            return match
        }
    }

    /// The closest header name to a misspelt one, if any is close enough.
    static func suggestion(for name: String, among names: [String]) -> String? {
        let lowered = name.lowercased()
        if let sameLetters = names.first(where: { $0.lowercased() == lowered }) { return sameLetters }
        let limit = max(1, name.count / 3)
        let scored = names.map { (name: $0, distance: editDistance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= limit else { return nil }
        return best.name
    }

    /// Edit distance between two strings, by characters: insertions, deletions,
    /// substitutions and swaps of two neighbours each cost 1 (optimal string alignment).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }

    /// A finite decimal number (`-12`, `3.5`, `.5`, `1e-3`, surrounding spaces allowed), else nil.
    /// Refuses hex, `nan`, `inf` and anything that overflows to infinity.
    static func number(_ bytes: [UInt8]) -> Double? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard start < end, end - start <= 400 else { return nil }
        var i = start
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
        var digits = 0
        while i < end, isDigit(bytes[i]) { i += 1; digits += 1 }
        if i < end, bytes[i] == 0x2E {
            i += 1
            while i < end, isDigit(bytes[i]) { i += 1; digits += 1 }
        }
        guard digits > 0 else { return nil }
        if i < end, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < end, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            var exponentDigits = 0
            while i < end, isDigit(bytes[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == end, let value = Double(String(decoding: bytes[start..<end], as: UTF8.self)), value.isFinite else {
            return nil
        }
        return value
    }
}

/// One CSV field: its bytes (quotes removed, doubled quotes undone) and the 1-based line it starts on.
struct CSVField {
    var bytes: [UInt8]
    var line: Int
}

/// One CSV record: its fields, the line it starts on and the line it ends on.
struct CSVRecord {
    var fields: [CSVField]
    var line: Int
    var endLine: Int
}

/// An RFC 4180 record reader over bytes.
///
/// Records end at LF, CRLF or a lone CR; quoted fields may hold commas, line ends and
/// doubled quotes; a quote inside an unquoted field is taken literally; completely
/// empty lines are skipped (so a trailing newline and blank trailing lines are fine).
struct CSVReader {
    private let bytes: [UInt8]
    private let fileName: String
    private var position = 0
    private var line = 1
    /// The field delimiter (a comma unless `data csv … delimiter=` says otherwise).
    private let comma: UInt8

    init(bytes: [UInt8], fileName: String, delimiter: UInt8 = 0x2C) {
        self.bytes = bytes
        self.fileName = fileName
        comma = delimiter
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    private static let quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// Consumes a line end at the current position, if there is one.
    private mutating func consumeLineEnd() -> Bool {
        guard position < bytes.count else { return false }
        if bytes[position] == Self.lf {
            position += 1
        } else if bytes[position] == Self.cr {
            position += 1
            if position < bytes.count, bytes[position] == Self.lf { position += 1 }
        } else {
            return false
        }
        line += 1
        return true
    }

    /// The next non-blank record, or nil at the end of the input.
    mutating func nextRecord() throws(DataError) -> CSVRecord? {
        while position < bytes.count, consumeLineEnd() {}   // blank lines
        guard position < bytes.count else { return nil }
        let recordLine = line
        var fields: [CSVField] = []
        while true {
            let field = try nextField(column: fields.count + 1)
            fields.append(field)
            if position >= bytes.count { break }
            if bytes[position] == comma {
                position += 1
                continue
            }
            let endLine = line
            _ = consumeLineEnd()
            return CSVRecord(fields: fields, line: recordLine, endLine: endLine)
        }
        return CSVRecord(fields: fields, line: recordLine, endLine: line)
    }

    /// One field, leaving the position at the comma, line end or end of input after it.
    private mutating func nextField(column: Int) throws(DataError) -> CSVField {
        let fieldLine = line
        guard position < bytes.count, bytes[position] == Self.quote else {
            let start = position
            while position < bytes.count {
                let b = bytes[position]
                if b == comma || b == Self.lf || b == Self.cr { break }
                position += 1
            }
            return CSVField(bytes: Array(bytes[start..<position]), line: fieldLine)
        }
        position += 1
        var value: [UInt8] = []
        while true {
            guard position < bytes.count else {
                throw .unterminatedQuote(FilePlace(file: fileName, line: fieldLine, column: column))
            }
            let b = bytes[position]
            if b == Self.quote {
                if position + 1 < bytes.count, bytes[position + 1] == Self.quote {
                    value.append(Self.quote)
                    position += 2
                    continue
                }
                position += 1
                break
            }
            if b == Self.lf || b == Self.cr {
                let start = position
                _ = consumeLineEnd()
                value.append(contentsOf: bytes[start..<position])
                continue
            }
            value.append(b)
            position += 1
        }
        if position < bytes.count {
            let b = bytes[position]
            if b != comma && b != Self.lf && b != Self.cr {
                var end = position
                while end < bytes.count, end - position < 20, bytes[end] != comma, bytes[end] != Self.lf, bytes[end] != Self.cr {
                    end += 1
                }
                throw .textAfterQuote(FilePlace(file: fileName, line: line, column: column),
                                      found: String(decoding: bytes[position..<end], as: UTF8.self))
            }
        }
        return CSVField(bytes: value, line: fieldLine)
    }
}
