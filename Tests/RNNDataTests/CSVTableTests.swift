import Foundation
import Testing
@testable import RNNData

/// `data csv` with several columns, a time column, missing values and a delimiter.
struct CSVTableTests {
    static func read(_ text: String, _ options: CSVOptions) throws(DataError) -> Series {
        try Series.csv(bytes: Array(text.utf8), fileName: "t.csv", options: options)
    }

    @Test func severalColumnsMakeChannelsPerKey() throws {
        let text = "sym,date,open,close\nA,2024-01-01,1,2\nB,2024-01-01,10,20\nA,2024-01-02,3,4\nB,2024-01-02,30,40\nA,2024-01-03,5,6\n"
        let s = try Self.read(text, CSVOptions(columns: [.name("close"), .name("open")], key: .name("sym"), time: .name("date")))
        #expect(s.channelNames == ["close", "open"])
        #expect(s.channels == [[[2, 4, 6], [20, 40]], [[1, 3, 5], [10, 30]]])
        #expect(s.sequences == [[2, 4, 6], [20, 40]])
        #expect(s.names == ["A", "B"])
        #expect(s.label(1) == "B")
        let time = try #require(s.time)
        #expect(time.kind == .date && time.name == "date")
        #expect(time.texts == [["2024-01-01", "2024-01-02", "2024-01-03"], ["2024-01-01", "2024-01-02"]])
        #expect(time.values[0][1] - time.values[0][0] == 86_400)
        #expect(s.missing == nil)
    }

    @Test func withoutAColumnTheFirstNumericOneIsRead() throws {
        let s = try Self.read("date,name,price,volume\n2024-01-01,x,1.5,7\n2024-01-02,y,2.5,8\n",
                              CSVOptions(time: .name("date")))
        #expect(s.channelNames == ["price"] && s.sequences == [[1.5, 2.5]])
        let e1 = errorText { () throws(DataError) in try Self.read("a,b\nx,y\nz,w\n", CSVOptions()) }
        #expect(e1 == "t.csv:1: error: no column holds numbers (columns: 'a', 'b'); name the value column with column=NAME")
    }

    @Test func timesParseAsDateTimesOrNumbersAndMustIncrease() throws {
        let dt = try Self.read("t,v\n2024-01-01T00:00:00Z,1\n2024-01-01 06:30:00,2\n2024-01-01T12:00:00.5+01:00,3\n",
                               CSVOptions(columns: [.name("v")], time: .name("t")))
        #expect(dt.time?.kind == .dateTime)
        let start: Double = 1_704_067_200
        let expected: [Double] = [start, start + 6.5 * 3600, start + 11 * 3600 + 0.5]
        #expect(dt.time?.values[0] == expected)
        let n = try Self.read("t,v\n1.5,1\n3,2\n", CSVOptions(columns: [.name("v")], time: .name("t")))
        #expect(n.time?.kind == .number && n.time?.values == [[1.5, 3]])
        let e2 = errorText { () throws(DataError) in try Self.read("t,v\n2024-01-02,1\n2024-01-01,2\n", CSVOptions(columns: [.name("v")], time: .name("t"))) }
        #expect(e2 == "t.csv:3:1: error: time '2024-01-01' does not come after '2024-01-02' (line 2); expected the rows of each sequence in increasing time")
        let e3 = errorText { () throws(DataError) in try Self.read("t,v\n2024-01-01,1\n2024-01-01,2\n", CSVOptions(columns: [.name("v")], time: .name("t"))) }
        #expect(e3 == "t.csv:3:1: error: time '2024-01-01' does not come after '2024-01-01' (line 2); expected the rows of each sequence in increasing time")
        let e4 = errorText { () throws(DataError) in try Self.read("t,v\n2024-01-01,1\n2024-13-01,2\n", CSVOptions(columns: [.name("v")], time: .name("t"))) }
        #expect(e4 == "t.csv:3:1: error: '2024-13-01' is not a time (expected an ISO 8601 date like 2024-03-31, as the column's first time)")
        let e5 = errorText { () throws(DataError) in try Self.read("t,v\nmonday,1\n", CSVOptions(columns: [.name("v")], time: .name("t"))) }
        #expect(e5 == "t.csv:2:1: error: 'monday' is not a time (expected an ISO 8601 date (2024-03-31), date-time (2024-03-31T12:00:00Z) or a number)")
        // Per key: each sequence increases on its own.
        let keyed = try Self.read("k,t,v\na,2,1\nb,1,2\na,3,3\nb,2,4\n", CSVOptions(columns: [.name("v")], key: .name("k"), time: .name("t")))
        #expect(keyed.time?.values == [[2, 3], [1, 2]])
    }

    @Test func timeContinuesByItsLastSpacing() throws {
        let monthly = SeriesTime(kind: .date, name: "d", texts: [["2024-01-31", "2024-02-29"]], values: [[1_706_659_200, 1_709_164_800]])
        #expect(monthly.continued(sequence: 0, count: 2) == ["2024-03-29", "2024-04-27"])   // 29-day spacing: the days differ
        let s = try Self.read("d,v\n2023-11-15,1\n2023-12-15,2\n", CSVOptions(columns: [.name("v")], time: .name("d")))
        #expect(s.time?.continued(sequence: 0, count: 3) == ["2024-01-15", "2024-02-15", "2024-03-15"])
        let years = try Self.read("year,v\n1700,1\n1701,2\n", CSVOptions(columns: [.name("v")], time: .name("year")))
        #expect(years.time?.continued(sequence: 0, count: 2) == ["1702", "1703"])
        let hours = try Self.read("t,v\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00Z,2\n", CSVOptions(columns: [.name("v")], time: .name("t")))
        #expect(hours.time?.continued(sequence: 0, count: 1) == ["2024-01-01T02:00:00Z"])
    }

    @Test func missingValuesByMode() throws {
        let text = "a,b\n1,NA\n,5\n3,null\nNaN,7\n5,\n"
        let e6 = errorText { () throws(DataError) in try Self.read(text, CSVOptions(columns: [.name("a"), .name("b")])) }
        #expect(e6 == "t.csv:2:2: error: 'NA' is not a number (column 'b')")
        let e7 = errorText { () throws(DataError) in try Self.read(text, CSVOptions(columns: [.name("a"), .name("b")], missing: .ffill)) }
        #expect(e7 == "t.csv:2:2: error: the first value of a sequence is missing (column 'b'); missing=ffill has nothing to fill it with (expected missing=mask, or a value)")
        let ffill = try Self.read("a,b\n1,4\n,5\n3,null\nNaN,7\n5,\n", CSVOptions(columns: [.name("a"), .name("b")], missing: .ffill))
        #expect(ffill.channels == [[[1, 1, 3, 3, 5]], [[4, 5, 5, 7, 7]]])
        #expect(ffill.missing?.counts == [2, 2] && ffill.missing?.mode == .ffill)
        let mask = try Self.read(text, CSVOptions(columns: [.name("a"), .name("b")], missing: .mask))
        #expect(mask.channels == [[[1, 1, 3, 3, 5]], [[5, 5, 5, 7, 7]]])        // a leading gap takes the first value
        #expect(mask.missing?.counts == [2, 3])
        #expect(mask.missing?.cells == [[[false, true, false, true, false]], [[true, false, true, false, true]]])
        #expect(mask.missing?.isMissing(channel: 1, sequence: 0, step: 0) == true)
        // Other text is still an error, whatever the mode.
        let e8 = errorText { () throws(DataError) in try Self.read("a\n1\nx\n", CSVOptions(missing: .mask)) }
        #expect(e8 == "t.csv:3:1: error: 'x' is not a number (column 'a')")
    }

    @Test func delimiterAndBadOptions() throws {
        let s = try Self.read("a;b\n1,5;2\n3;4\n", CSVOptions(columns: [.name("b")], delimiter: ";"))
        #expect(s.sequences == [[2, 4]])
        let e9 = errorText { () throws(DataError) in try Self.read("a;b\n1;2\n3;4\n", CSVOptions(columns: [.name("b")], delimiter: "\\t")) }
        #expect(e9 == "t.csv:1: error: no column 'b' in the header (columns: 'a;b')")
        let tabs = try Self.read("a\tb\n1\t2\n3\t4\n", CSVOptions(columns: [.name("b")], delimiter: "\\t"))
        #expect(tabs.sequences == [[2, 4]])
        let e10 = errorText { () throws(DataError) in try CSVOptions.make(column: .name("a"), columns: [.name("b")]) }
        #expect(e10 == "invalid columns=b for 'data csv' (expected either column=NAME or columns=A,B,…, not both)")
        let e11 = errorText { () throws(DataError) in try CSVOptions.make(column: nil, columns: nil, delimiter: ";;") }
        #expect(e11?.hasPrefix("invalid delimiter=;; for 'data csv'") == true)
        let e12 = errorText { () throws(DataError) in try Self.read("a,b\n1,2\n3,4\n", CSVOptions(columns: [.name("a"), .name("bb")])) }
        #expect(e12 == "t.csv:1: error: no column 'bb' in the header (did you mean 'b'? columns: 'a', 'b')")
        let e13 = errorText { () throws(DataError) in try Self.read("a,b\n1,2\n3,4\n", CSVOptions(columns: [.name("a"), .name("a")])) }
        #expect(e13 == "invalid columns=a for 'data csv' (expected each column once)")
        let e14 = errorText { () throws(DataError) in try Self.read("a,b\n1,2\n3,4\n", CSVOptions(columns: [.name("a")], time: .name("a"))) }
        #expect(e14 == "t.csv:1:1: error: the key column is the value column (column 1); expected a different column for key=")
    }

    /// The stored source reads the same again, and old sources (one column) keep their text.
    @Test func sourceRecordsEverythingAndReloads() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.csv").path
        try Data("d;x;y\n2024-01-01;1;\n2024-01-02;2;3\n".utf8).write(to: URL(fileURLWithPath: path))
        let options = try CSVOptions.make(column: nil, columns: [.name("x"), .name("y")], time: .name("d"),
                                          missing: .mask, delimiter: ";")
        let (series, source) = try Series.csv(path: path, options: options, displayName: "m.csv")
        #expect(source.text == "data csv \"\(path)\" columns=x,y time=d missing=mask delimiter=\";\"")
        let decoded = try JSONDecoder().decode(CSVSource.self, from: JSONEncoder().encode(source))
        #expect(decoded == source)
        #expect(try Series.load(.csv(decoded)) == series)
        let old = CSVSource(path: "p.csv", column: .name("close"), key: .name("sym"), contentHash: "x")
        #expect(old.text == "data csv \"p.csv\" column=close key=sym")
        let oldJSON = #"{"path":"p.csv","column":"close","contentHash":"x"}"#
        #expect(try JSONDecoder().decode(CSVSource.self, from: Data(oldJSON.utf8)).options == CSVOptions(columns: [.name("close")]))
    }

    @Test func summaryForShowData() throws {
        let s = try Self.read("k,t,v,w\na,2024-01-01,1,NA\nb,2024-01-01,5,2\na,2024-01-02,3,4\nb,2024-01-03,7,6\n",
                              CSVOptions(columns: [.name("v"), .name("w")], key: .name("k"), time: .name("t"), missing: .mask))
        let summary = s.summary()
        #expect(summary.sequences.map(\.label) == ["a", "b"] && summary.sequences.map(\.length) == [2, 2])
        #expect(summary.sequences[1].firstTime == "2024-01-01" && summary.sequences[1].lastTime == "2024-01-03")
        #expect(summary.columns.map(\.missing) == [0, 1] && summary.columns[0].min == 1 && summary.columns[0].max == 7)
        #expect(summary.time?.name == "t" && summary.time?.kind == .date && summary.missingMode == .mask)
    }

    /// Rows are checked in file order: the first problem of the file is the one reported.
    @Test func theFirstProblemIsReported() {
        let e1 = errorText { () throws(DataError) in try Self.read("a,close\n1,x\n1,2,3\n", CSVOptions(columns: [.name("close")])) }
        #expect(e1 == "t.csv:2:2: error: 'x' is not a number (column 'close')")
        let e2 = errorText { () throws(DataError) in try Self.read("a,close\n1,2\n1,2,3\n1,x\n", CSVOptions()) }
        #expect(e2 == "t.csv:3:3: error: expected 2 fields like the header, found 3")
    }
}
