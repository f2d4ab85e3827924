import Foundation
import Testing

/// The three batch ways in (`run FILE`, `-c`, standard input), `check`, and SPEC §5's exit statuses.
@Suite struct BatchTests {
    static let valid = "seed 7\ndata sine sequences=2 length=300\nfor opt in sgd adam {\n  optimizer $opt\n}\n"
    /// Two parse errors (line 2 and line 4) and a note: nothing may run.
    static let invalid = "seed 7\ndata sine length=\nmodel seed\nfor x in a {\n"

    @Test func validScriptExitsZero() throws {
        let scratch = try Scratch()
        let file = try scratch.write("ok.rnn", Self.valid)
        let result = try Binary.run(["run", file.path])
        #expect(result.status == 0)
        #expect(result.stderr == "")
    }

    @Test func parseErrorExitsOneWithEveryDiagnosticOnStderr() throws {
        let scratch = try Scratch()
        try scratch.write("bad.rnn", Self.invalid)
        let result = try Binary.run(["run", "bad.rnn"], in: scratch.url)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("bad.rnn:2:18: error: expected a value after 'length='\ndata sine length=\n                 ^\n"))
        #expect(result.stderr.contains("bad.rnn:4:13: error: expected '}'"))
        #expect(!result.stderr.contains("\u{1B}["), "no colours when stderr is not a terminal")
    }

    @Test func keepGoingStillExitsOneWhenACellFailed() throws {
        let scratch = try Scratch()
        try scratch.write("bad.rnn", Self.invalid)
        #expect(try Binary.run(["run", "--keep-going", "bad.rnn"], in: scratch.url).status == 1)
        try scratch.write("ok.rnn", Self.valid)
        #expect(try Binary.run(["--keep-going", "run", "ok.rnn"], in: scratch.url).status == 0)
    }

    /// A runtime error stops a batch, unless --keep-going: then the statements after it run
    /// and the exit status still says a cell failed.
    @Test func keepGoingRunsPastAFailingStatement() throws {
        let scratch = try Scratch()
        try scratch.write("mixed.rnn", "optimizer sgd\ntrain epochs=1\nshow optimizer\n")
        let stopped = try Binary.run(["run", "mixed.rnn"], in: scratch.url)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("mixed.rnn:2:1: error: train: no model yet"))
        #expect(!stopped.stdout.contains("optimizer sgd lr=0.01"))
        let goingOn = try Binary.run(["run", "--keep-going", "mixed.rnn"], in: scratch.url)
        #expect(goingOn.status == 1)
        #expect(goingOn.stdout.contains("optimizer sgd lr=0.01"))
    }

    /// A `--set` no `let` reads is refused before anything runs or is recorded, with the
    /// closest name the script does bind (in an included script too).
    @Test func anUnknownSetExitsTwoWithASuggestion() throws {
        let scratch = try Scratch()
        try scratch.write("inner.rnn", "let window = 4\n")
        try scratch.write("outer.rnn", "let epochs = 3\nrun \"inner.rnn\"\nrepeat 1 { let length = 30 }\nprint $epochs $window\n")
        let typo = try Binary.run(["run", "outer.rnn", "--set", "epoch=2", "--store", "s.sqlite"], in: scratch.url)
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("--set epoch: outer.rnn has no 'let epoch = …' (did you mean 'epochs'?)"), "\(typo.stderr)")
        #expect(typo.stdout == "")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("s.sqlite").path), "nothing ran, nothing was recorded")
        let fine = try Binary.run(["run", "outer.rnn", "--set", "epochs=2", "--set", "window=8", "--set", "length=9",
                                   "--store", "s.sqlite"], in: scratch.url)
        #expect(fine.status == 0, "\(fine.stderr)")
        #expect(fine.stdout.contains("2 8"))
    }

    struct UsageCase: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test(arguments: [
        UsageCase(arguments: ["--bogus"], message: "Unknown option '--bogus'"),
        UsageCase(arguments: ["run"], message: "Missing expected argument"),
        UsageCase(arguments: ["run", "missing.rnn"], message: "rnnlab: cannot read 'missing.rnn': No such file or directory"),
        UsageCase(arguments: ["check", "missing.rnn"], message: "cannot read 'missing.rnn'"),
        UsageCase(arguments: ["run", "."], message: "cannot read '.': Is a directory"),
        UsageCase(arguments: ["run", "ok.rnn", "--set", "epochs"], message: "expected NAME=VALUE"),
        UsageCase(arguments: ["run", "ok.rnn", "--set", "epochs="], message: "expected a value"),
        UsageCase(arguments: ["run", "ok.rnn", "--set", "3x=1"], message: "'3x' is not a name"),
        UsageCase(arguments: ["run", "ok.rnn", "--set", "=1"], message: "is not a name"),
        UsageCase(arguments: ["run", "ok.rnn", "--set", "x=1 2"], message: "--set"),
        UsageCase(arguments: ["--set", "x=(", "-c", "seed 1"], message: "--set"),
        UsageCase(arguments: ["-c", "seed 1", "run", "ok.rnn"], message: "-c cannot be combined"),
        UsageCase(arguments: ["run", "ok.rnn", "extra.rnn"], message: "Unexpected argument"),
        UsageCase(arguments: ["run", "ok.rnn", "--set", "epochs=2"], message: "--set epochs: ok.rnn has no 'let epochs = …'"),
        UsageCase(arguments: ["--set", "x=1", "-c", "seed 1"], message: "--set x: <command line> has no 'let x = …'"),
    ])
    func usageErrorsExitTwo(_ usage: UsageCase) throws {
        let scratch = try Scratch()
        try scratch.write("ok.rnn", Self.valid)
        let result = try Binary.run(usage.arguments, in: scratch.url)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(usage.message), "\(result.stderr)")
        #expect(result.stdout == "")
    }

    @Test func wellFormedOverridesAreAccepted() throws {
        let scratch = try Scratch()
        try scratch.write("ok.rnn", "let length = 20\nlet epochs = 1\nlet name = \"a\"\nlet ks = 1\n" + Self.valid)
        let result = try Binary.run(["--set", "length=300", "run", "ok.rnn", "--set", "epochs=2",
                                     "--set", "name=\"opt-1\"", "--set", "ks=100,10,1", "--store", "s.sqlite"],
                                    in: scratch.url)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func commandLineBehavesLikeAFile() throws {
        #expect(try Binary.run(["-c", "seed 7; data sine length=300"]).status == 0)
        let bad = try Binary.run(["-c", "seed 7; data sine length="])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("<command line>:1:26: error: expected a value after 'length='\n"))
    }

    @Test func standardInputBehavesLikeAFile() throws {
        #expect(try Binary.run([], input: Self.valid).status == 0)
        let bad = try Binary.run([], input: Self.invalid)
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("<stdin>:2:18: error: expected a value after 'length='\n"))
        let dash = try Binary.run(["run", "-"], input: Self.invalid)
        #expect(dash.status == 1)
        #expect(dash.stderr.hasPrefix("-:2:18: error:"))
    }

    @Test func anyBytesGetADiagnosticNotATrap() throws {
        let scratch = try Scratch()
        let file = scratch.file("bytes.rnn")
        try Data([0x73, 0x65, 0x65, 0x64, 0x20, 0xFF, 0xFE, 0x00, 0x0A, 0x1B, 0x5B, 0x32, 0x4A]).write(to: file)
        let result = try Binary.run(["run", "bytes.rnn"], in: scratch.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("bytes.rnn:1:"))
        #expect(!result.stderr.contains("\u{1B}"), "control bytes from the script never reach the terminal")
    }

    @Test func checkPrintsEveryDiagnosticAndRunsNothing() throws {
        let scratch = try Scratch()
        try scratch.write("bad.rnn", Self.invalid)
        try scratch.write("ok.rnn", Self.valid)
        let bad = try Binary.run(["check", "bad.rnn"], in: scratch.url)
        #expect(bad.status == 1)
        #expect(bad.stderr.components(separatedBy: ": error: ").count - 1 == 2)
        #expect(bad.stderr.contains("bad.rnn:4:12: note:"))
        let ok = try Binary.run(["check", "ok.rnn"], in: scratch.url)
        #expect(ok.status == 0)
        #expect(ok.stdout == "" && ok.stderr == "")
    }

    @Test func versionAndHelp() throws {
        let version = try Binary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout == "0.1.0-dev\n")
        let help = try Binary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("rnnlab run <file.rnn>"))
        #expect(help.stdout.contains("Exit status:"))
        let runHelp = try Binary.run(["help", "run"])
        #expect(runHelp.status == 0)
        #expect(runHelp.stdout.contains("--keep-going"))
    }

    /// A script reads files beside it and writes its results where it is run (SPEC §7).
    @Test func aScriptReadsBesideItselfAndWritesInTheWorkingDirectory() throws {
        let work = try Scratch()
        try FileManager.default.createDirectory(at: work.file("exp"), withIntermediateDirectories: true)
        try work.write("exp/prices.csv", "price\n" + (1...40).map { "\(100 + $0 % 7)" }.joined(separator: "\n") + "\n")
        try work.write("exp/s.rnn", """
            data csv "prices.csv" column=price
            features deltas window=4
            model lstm 4 -> dense 2
            weights export "w.safetensors"
            data plot to "data.svg"
            """)
        let result = try Binary.run(["run", "exp/s.rnn"], in: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["w.safetensors", "data.svg"] {
            #expect(FileManager.default.fileExists(atPath: work.file(name).path), "\(name) is not in the working directory")
            #expect(!FileManager.default.fileExists(atPath: work.file("exp/" + name).path))
        }
    }
}
