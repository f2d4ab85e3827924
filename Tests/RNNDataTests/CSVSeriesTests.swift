import Foundation
import Testing
@testable import RNNData
import RNNEngine

/// The CSV reader: RFC 4180 details, columns and keys, golden error messages, the content hash.
struct CSVSeriesTests {
    static func parse(_ text: String, column: CSVColumn = .name("close"), key: CSVColumn? = nil) throws(DataError) -> Series {
        try Series.csv(text: text, fileName: "prices.csv", column: column, key: key)
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        var text: String
        var column: CSVColumn = .name("close")
        var key: CSVColumn?
        var message: String
        var testDescription: String { message }
    }

    @Test(arguments: [
        BadFile(text: "date,volume,close\n2024-01-01,10,1.5\n2024-01-02,11,abc\n",
                message: "prices.csv:3:3: error: 'abc' is not a number (column 'close')"),
        BadFile(text: "date,close\n1,\n2,3\n",
                message: "prices.csv:2:2: error: empty cell where a number is expected (column 'close')"),
        BadFile(text: "date,close\n1,  \n2,3\n",
                message: "prices.csv:2:2: error: empty cell where a number is expected (column 'close')"),
        BadFile(text: "date,close\n1,2\n2,nan\n",
                message: "prices.csv:3:2: error: 'nan' is not a finite number (column 'close')"),
        BadFile(text: "date,close\n1,2\n2,-Infinity\n",
                message: "prices.csv:3:2: error: '-Infinity' is not a finite number (column 'close')"),
        BadFile(text: "date,close\n1,2\n2,1e999\n",
                message: "prices.csv:3:2: error: '1e999' is not a finite number (column 'close')"),
        BadFile(text: "date,close\n1,2\n2,0x1p3\n",
                message: "prices.csv:3:2: error: '0x1p3' is not a number (column 'close')"),
        BadFile(text: "date,close\n1,2\n2,\"1,5\"\n",
                message: "prices.csv:3:2: error: '1,5' is not a number (column 'close')"),
        BadFile(text: "date,,x\n1,2,3\n2,z,4\n", column: .index(2),
                message: "prices.csv:3:2: error: 'z' is not a number (column '2')"),
        BadFile(text: "a,close,c\n1,2,3\n1,2\n",
                message: "prices.csv:3:3: error: expected 3 fields like the header, found 2"),
        BadFile(text: "a,close,c\n1,2,3\n1,2,3,4\n",
                message: "prices.csv:3:4: error: expected 3 fields like the header, found 4"),
        BadFile(text: "a,close,c\n1,2,3\n\r\n1,2,3,4\r\n",
                message: "prices.csv:4:4: error: expected 3 fields like the header, found 4"),
        BadFile(text: "date,close,volume\n1,2,3\n", column: .name("clse"),
                message: "prices.csv:1: error: no column 'clse' in the header (did you mean 'close'? columns: 'date', 'close', 'volume')"),
        BadFile(text: "date,close,volume\n1,2,3\n", column: .name("CLOSE"),
                message: "prices.csv:1: error: no column 'CLOSE' in the header (did you mean 'close'? columns: 'date', 'close', 'volume')"),
        BadFile(text: "date,close,volume\n1,2,3\n", column: .name("price"),
                message: "prices.csv:1: error: no column 'price' in the header (columns: 'date', 'close', 'volume')"),
        BadFile(text: "date,close,volume\n1,2,3\n", column: .index(4),
                message: "prices.csv:1: error: no column 4 (expected 1 to 3; columns: 'date', 'close', 'volume')"),
        BadFile(text: "date,close,volume\n1,2,3\n", column: .index(0),
                message: "prices.csv:1: error: no column 0 (expected 1 to 3; columns: 'date', 'close', 'volume')"),
        BadFile(text: "date,close\n1,2\n", key: .name("symbol"),
                message: "prices.csv:1: error: no column 'symbol' in the header (columns: 'date', 'close')"),
        BadFile(text: "close,x,close\n1,2,3\n4,5,6\n",
                message: "prices.csv:1: error: column 'close' appears 2 times in the header (columns 1, 3); choose one by number (column=1 or 3)"),
        BadFile(text: "sym,close\nA,1\nA,2\n", key: .index(2),
                message: "prices.csv:1:2: error: the key column is the value column (column 2); expected a different column for key="),
        BadFile(text: "", message: "prices.csv: error: the file is empty (expected a header row, then data rows)"),
        BadFile(text: "\n\r\n\n", message: "prices.csv: error: the file is empty (expected a header row, then data rows)"),
        BadFile(text: "date,close\n", message: "prices.csv: error: the file has a header row but no data rows (expected at least 2)"),
        BadFile(text: "date,close\r\n\r\n\r\n", message: "prices.csv: error: the file has a header row but no data rows (expected at least 2)"),
        BadFile(text: "date,close\n1,2\n", message: "prices.csv:2: error: only 1 data row (expected at least 2)"),
        BadFile(text: "sym,close\nA,1\nB,2\nA,3\n", key: .name("sym"),
                message: "prices.csv:3:1: error: sequence 'B' has 1 row (expected at least 2)"),
        BadFile(text: "note,close\n\"abc,1\n2,3\n",
                message: "prices.csv:2:1: error: quoted field is never closed (expected a closing '\"')"),
        BadFile(text: "note,close\n\"multi\nline\",1\nx,\"2\n",
                message: "prices.csv:4:2: error: quoted field is never closed (expected a closing '\"')"),
        BadFile(text: "note,close\n\"x\"y,1\n",
                message: "prices.csv:2:1: error: unexpected 'y' after a closing quote (expected ',' or the end of the line)"),
        BadFile(text: "note,close\n\"two\nlines\" and more,1\n",
                message: "prices.csv:3:1: error: unexpected ' and more' after a closing quote (expected ',' or the end of the line)"),
    ])
    func badFilesGiveGoldenMessages(_ bad: BadFile) {
        #expect(errorText { () throws(DataError) in try Self.parse(bad.text, column: bad.column, key: bad.key) } == bad.message)
    }

    @Test func quotedFieldsHoldCommasLineEndsAndQuotes() throws {
        let lines = [
            #""name, with comma",close,"note""#,
            #""a ""quoted"" one",1.5,"multi"#,
            #"line""#,
            #""a ""quoted"" one","2.5","x""#,
            #"b,3,"""#,
            #"b,"-4e-1",",""","#,
        ]
        let text = lines.joined(separator: "\n")
        // The last row has a trailing comma: 4 fields, so it is ragged at column 4, line 6.
        #expect(errorText { () throws(DataError) in try Self.parse(text, key: .index(1)) }
                == "prices.csv:6:4: error: expected 3 fields like the header, found 4")
        let fixed = String(text.dropLast())
        let series = try Self.parse(fixed, key: .name("name, with comma"))
        #expect(series.sequences == [[1.5, 2.5], [3, -0.4]])
        #expect(series.names == ["a \"quoted\" one", "b"])
        // Errors after a multi-line field name the physical line.
        #expect(errorText { () throws(DataError) in try Self.parse(fixed + "\nc,abc,d\n") }
                == "prices.csv:7:2: error: 'abc' is not a number (column 'close')")
    }

    @Test func lineEndsBlankLinesAndByteOrderMark() throws {
        let lf = "date,close\n1,10.5\n2,11\n3,9.25\n"
        let expected: [[Double]] = [[10.5, 11, 9.25]]
        #expect(try Self.parse(lf).sequences == expected)
        #expect(try Self.parse(lf.replacingOccurrences(of: "\n", with: "\r\n")).sequences == expected)
        #expect(try Self.parse(lf.replacingOccurrences(of: "\n", with: "\r")).sequences == expected)
        #expect(try Self.parse(String(lf.dropLast())).sequences == expected)                  // no trailing newline
        #expect(try Self.parse(lf + "\n\r\n\n").sequences == expected)                         // blank trailing lines
        #expect(try Self.parse("\u{FEFF}" + lf).sequences == expected)                         // UTF-8 byte order mark
        #expect(try Self.parse("date, close \n1, 10.5\n2,11 \n3,\t9.25\n", column: .name("close")).sequences == expected)
    }

    @Test func columnByIndexAndName() throws {
        let text = "date,open,close\n1,5,10\n2,6,11\n3,7,12\n"
        #expect(try Self.parse(text, column: .index(2)).sequences == [[5, 6, 7]])
        #expect(try Self.parse(text, column: .index(3)) == Self.parse(text, column: .name("close")))
        #expect(try Self.parse(text, column: .index(1)).sequences == [[1, 2, 3]])
    }

    /// A key column splits the rows into sequences in file order of first appearance; the
    /// unequal lengths become padding in the prepared tensors.
    @Test func keyColumnWithUnequalLengthsGivesPaddedTensors() throws {
        let text = ["date,symbol,close", "d1,BBB,10", "d1,AAA,1", "d2,AAA,2", "d2,BBB,12",
                    "d3,AAA,4", "d4,AAA,3", "d5,AAA,3", ""].joined(separator: "\n")
        let series = try Self.parse(text, key: .name("symbol"))
        #expect(series.names == ["BBB", "AAA"])
        #expect(series.sequences == [[10, 12], [1, 2, 4, 3, 3]])
        #expect(series.lengths == [2, 5] && series.longest == 5)

        let data = try Preparation.prepare(series, features: FeatureSpec(window: 2), targets: .next(horizon: 1), validation: nil)
        #expect(data.inputs.shape == [5, 2, 2] && data.targets.shape == [5, 2, 1])
        #expect(data.length == 5 && data.sequenceCount == 2)
        #expect(rows(data.inputs, sequence: 0) == [[0, 0], [2, 0], [0, 0], [0, 0], [0, 0]])
        #expect(rows(data.inputs, sequence: 1) == [[0, 0], [1, 0], [2, 1], [-1, 2], [0, -1]])
        #expect(rows(data.targets, sequence: 0) == [[2], [0], [0], [0], [0]])
        #expect(rows(data.targets, sequence: 1) == [[1], [2], [-1], [0], [0]])
        #expect(column(data.trainMask, sequence: 0) == [1, 0, 0, 0, 0])
        #expect(column(data.trainMask, sequence: 1) == [1, 1, 1, 1, 0])
        #expect(data.validationMask == nil)
    }

    @Test func fileSourceHashAndReload() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("prices.csv").path
        let original = "date,close\n1,10\n2,11\n3,12\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: path))

        let (series, source) = try Series.csv(path: path, column: .name("close"), key: nil)
        #expect(series.sequences == [[10, 11, 12]])
        #expect(source == CSVSource(path: path, column: .name("close"), key: nil, contentHash: SHA256.hex(of: Array(original.utf8))))
        #expect(try Series.load(.csv(source)) == series)

        // The spec survives JSON, columns as a string or a number.
        let spec = DataSpec.csv(CSVSource(path: path, column: .index(2), key: .name("sym"), contentHash: source.contentHash))
        let json = try JSONEncoder().encode(spec)
        #expect(try JSONDecoder().decode(DataSpec.self, from: json) == spec)
        #expect(String(decoding: json, as: UTF8.self).contains(#""column":2"#))
        #expect(String(decoding: json, as: UTF8.self).contains(#""key":"sym""#))

        // One changed byte: a different hash, and the stored spec no longer loads.
        let changed = "date,close\n1,10\n2,11\n3,13\n"
        try Data(changed.utf8).write(to: URL(fileURLWithPath: path))
        let (_, newSource) = try Series.csv(path: path, column: .name("close"), key: nil)
        #expect(newSource.contentHash != source.contentHash)
        let newHash = SHA256.hex(of: Array(changed.utf8))
        #expect(errorText { () throws(DataError) in try Series.load(.csv(source)) }
                == "\(path): error: the file has changed since its data was loaded (content hash \(source.contentHash.prefix(12))…, "
                + "now \(newHash.prefix(12))…); load it again with 'data csv'")
        #expect(dataError { () throws(DataError) in try Series.load(.csv(source)) }
                == .contentChanged(FilePlace(file: path), expected: source.contentHash, found: newHash))
    }

    /// The sample file committed for users (made by scripts/make_sample_csv.py) loads as documented.
    @Test func committedSampleFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sessions/data/sample-prices.csv").path
        let (series, source) = try Series.csv(path: path, column: .name("close"), key: .name("symbol"))
        #expect(series.names == ["ALPHA", "BETA"])
        #expect(series.lengths == [300, 280])
        #expect(series.sequences[0].first == 100 && series.sequences[1].first == 42.5)
        #expect(try Series.load(.csv(source)) == series)
        let data = try Preparation.prepare(series, features: FeatureSpec(window: 16), targets: .defaultQ,
                                           validation: ValidationSpec(tail: 0.2))
        #expect(data.inputs.shape == [300, 2, 16])
        #expect(data.trainMask.values.reduce(0, +) == 240 + 224)
        #expect(try #require(data.validationMask).values.reduce(0, +) == 60 + 56)
    }

    @Test func unreadableFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.csv").path
        #expect(errorText { () throws(DataError) in try Series.csv(path: missing, column: .index(1), key: nil) }
                == "\(missing): error: cannot read the file: no such file")
        #expect(errorText { () throws(DataError) in try Series.csv(path: directory.path, column: .index(1), key: nil, displayName: "data") }
                == "data: error: cannot read the file: it is a directory, not a file")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(errorText { () throws(DataError) in try Series.csv(path: "no-such-dir/prices.csv", column: .index(1), key: nil) }
                == "no-such-dir/prices.csv: error: cannot read the file: no such file (relative paths start in \(cwd))")
        let source = CSVSource(path: missing, column: .index(1), key: nil, contentHash: String(repeating: "0", count: 64))
        #expect(errorText { () throws(DataError) in try Series.load(.csv(source)) } == "\(missing): error: cannot read the file: no such file")
    }

    @Test func numberGrammar() {
        let accepted: [(String, Double)] = [("1", 1), ("-2.5", -2.5), ("+3", 3), (".5", 0.5), ("5.", 5), ("1e3", 1000),
                                            ("1E-2", 0.01), (" 7 ", 7), ("\t-0\t", 0), ("00012.50", 12.5)]
        for (text, value) in accepted { #expect(CSVFile.number(Array(text.utf8)) == value, "\(text)") }
        for text in ["", " ", "-", ".", "e5", "1e", "1e+", "1.2.3", "1,5", "nan", "inf", "0x10", "1_000", "1 2", "--1", "1e400", "٣"] {
            #expect(CSVFile.number(Array(text.utf8)) == nil, "\(text)")
        }
    }

    @Test func suggestions() {
        #expect(CSVFile.suggestion(for: "clsoe", among: ["date", "close"]) == "close")
        #expect(CSVFile.suggestion(for: "Close", among: ["date", "close"]) == "close")
        #expect(CSVFile.suggestion(for: "x", among: ["date", "close"]) == nil)
        #expect(CSVFile.suggestion(for: "volume", among: ["date", "close", "volumes"]) == "volumes")
        #expect(CSVFile.editDistance("kitten", "sitting") == 3)
        #expect(CSVFile.editDistance("close", "clsoe") == 1)
        #expect(CSVFile.editDistance("ca", "abc") == 3)
        #expect(CSVFile.editDistance("", "abc") == 3)
    }
}
