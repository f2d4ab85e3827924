import ArgumentParser
import Foundation
import RNNSession
import RNNStore

/// What every way in shares: one interpreter, one console, and the store's session.
struct Session {
    let interpreter: Interpreter
    let console: Console
    let keepGoing: Bool

    /// Opens the store (an unusable one is SPEC §5's status 2, the file untouched) and begins
    /// this process's session in it; `store` nil records nothing (`check`).
    init(baseDirectory: URL, script: ScriptOptions, store: StoreOptions?, trial: TrialLabels = TrialLabels()) throws(ExitCode) {
        var log: SessionLog?
        if let store {
            let path = store.path()
            do {
                log = try SessionLog(store: try Store.open(path: path), version: RNNLab.version,
                                     cwd: FileManager.default.currentDirectoryPath)
            } catch {
                Console.write("rnnlab: \(error)\n", to: .error)
                throw ExitCode(BatchRunner.ExitStatus.usage)
            }
        }
        interpreter = Interpreter(baseDirectory: baseDirectory,
                                  outputDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
                                  overrides: script.values, log: log, trial: trial)
        console = Console(terminal: .current())
        keepGoing = script.keepGoing
    }

    func runBatch(_ cell: BatchRunner.Cell) -> Int32 {
        Signals.installInterruptHandler()
        Signals.clearInterrupt()
        defer { interpreter.log?.close() }
        return BatchRunner(interpreter: interpreter, console: console, keepGoing: keepGoing).run([cell])
    }

    func runREPL() -> Int32 {
        Signals.installInterruptHandler()
        defer { interpreter.log?.close() }
        return REPL(interpreter: interpreter, console: console).run()
    }
}
