import Foundation
import Testing

/// Snapshot files live in `Snapshots/` beside this file, one per snapshot, holding the
/// rendered text plus a final newline; they are compared byte for byte.
///
/// Re-record after an intended change with
/// `RNNLAB_RECORD_SNAPSHOTS=1 swift test --filter RNNReportTests`, then review the diff.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let recordVariable = "RNNLAB_RECORD_SNAPSHOTS"

    static var recording: Bool {
        ProcessInfo.processInfo.environment[recordVariable] == "1"
    }

    /// Compares `text` with the snapshot `name` (a file `Snapshots/NAME.EXTENSION`), or records
    /// it when `RNNLAB_RECORD_SNAPSHOTS=1`. A missing snapshot fails and says how to record it.
    static func check(_ text: String, named name: String, extension: String = "txt",
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name + "." + `extension`)
        let contents = Data((text + "\n").utf8)
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try contents.write(to: url)
            print("recorded snapshot \(url.lastPathComponent)")
            #expect(try Data(contentsOf: url) == contents, "snapshot \(name) was not written", sourceLocation: sourceLocation)
            return
        }
        guard let stored = try? Data(contentsOf: url) else {
            Issue.record("""
                no snapshot \(url.lastPathComponent) in \(directory.path); record it with \
                \(recordVariable)=1 swift test --filter RNNReportTests
                """, sourceLocation: sourceLocation)
            return
        }
        guard stored != contents else { return }
        let expected = String(decoding: stored, as: UTF8.self).components(separatedBy: "\n")
        let actual = (text + "\n").components(separatedBy: "\n")
        let line = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expected.count, actual.count)
        Issue.record("""
            snapshot \(name) differs at line \(line + 1):
              expected: \(line < expected.count ? expected[line].debugDescription : "(end)")
              actual:   \(line < actual.count ? actual[line].debugDescription : "(end)")
            re-record with \(recordVariable)=1 swift test --filter RNNReportTests if the change is intended
            """, sourceLocation: sourceLocation)
    }
}
