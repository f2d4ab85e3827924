#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import Testing

/// SIGTERM (a scheduler's preemption, `kill`) and SIGHUP (the terminal closed) stop training at
/// the next chunk boundary as Ctrl-C does; the run is recorded interrupted, the store closed,
/// and the process ends with 128 + the signal. Ctrl-C also stops a script between statements.
@Suite(.serialized) struct TerminationTests {
    static let training = """
        seed 1
        data sine sequences=2 length=2000
        model dense 32 relu -> lstm 32 -> dense 2
        train epochs=500 name=t
        print "not reached"
        """

    @Test(arguments: [SIGTERM, SIGHUP])
    func aTerminationSignalStopsTrainingAndRecordsTheRun(_ signal: Int32) throws {
        let work = try Scratch()
        let child = try BackgroundRun(["--store", "t.sqlite", "-c", Self.training], in: work.url)
        try child.waitForOutput(containing: "epoch 2/500", timeout: .seconds(120))
        let sent = ContinuousClock.now
        child.send(signal)
        let status = try child.wait(timeout: .seconds(60))
        #expect(status == 128 + signal, "\(child.errors)")
        #expect(ContinuousClock.now - sent < .seconds(20), "stops at the next chunk boundary")
        #expect(child.output.contains("run 't' interrupted: rolled back to epoch"))
        #expect(!child.output.contains("not reached"))
        let queue = try DatabaseQueue(path: work.file("t.sqlite").path)
        defer { try? queue.close() }
        let (runStatus, epochs, ended, latest) = try queue.read { db in
            (try String.fetchOne(db, sql: "SELECT status FROM run WHERE name = 't'"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM metric"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM session WHERE ended_at IS NOT NULL"),
             try Int.fetchOne(db, sql: "SELECT epoch FROM checkpoint WHERE name = 't@latest'"))
        }
        #expect(latest != nil && latest == epochs, "t@latest is the last whole epoch")
        #expect(runStatus == "interrupted")
        #expect((epochs ?? 0) >= 2)
        #expect(ended == 1, "the session was closed")
    }

    /// Regression (trust issue): a loop that never trains ignored Ctrl-C and SIGINT.
    @Test func ctrlCStopsALoopThatNeverTrains() throws {
        let work = try Scratch()
        let child = try BackgroundRun(["--store", "l.sqlite", "-c",
                                       "print started\nrepeat 1000000 { repeat 1000000 { seed 1 } }"], in: work.url)
        try child.waitForOutput(containing: "started", timeout: .seconds(60))
        Thread.sleep(forTimeInterval: 0.3)
        let sent = ContinuousClock.now
        child.send(SIGINT)
        #expect(try child.wait(timeout: .seconds(30)) == 130)
        #expect(ContinuousClock.now - sent < .seconds(5))
        #expect(child.output.contains("interrupted"))
    }
}
