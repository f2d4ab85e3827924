import RNNScript
import RNNSession
import Testing
@testable import rnnlab

/// Command-line parsing without running anything.
@Suite struct OptionTests {
    @Test func overridesParseAsLanguageValues() throws {
        let number = try Override(parsing: "epochs=2")
        #expect(number.name == "epochs" && number.value.integerValue == 2)
        let string = try Override(parsing: "name=\"opt-a\"")
        #expect(string.name == "name" && string.value.description == "\"opt-a\"")
        let list = try Override(parsing: "splits=100,10,1")
        guard case let .list(elements) = list.value.kind else { Issue.record("not a list"); return }
        #expect(elements.count == 3)
        let equalsInValue = try Override(parsing: "_x1=a")
        #expect(equalsInValue.name == "_x1")
    }

    @Test(arguments: ["epochs", "=2", "3x=1", "a-b=1", "x=", "x=1 2", "x=(", "x=\"open"])
    func malformedOverridesAreRefused(_ argument: String) {
        #expect(throws: (any Error).self) { try Override(parsing: argument) }
    }

    @Test func aLaterSetOfTheSameNameWins() throws {
        let command = try RNNLab.parseAsRoot(["--set", "a=1", "run", "f.rnn", "--set", "a=2", "--set", "b=3"])
        let run = try #require(command as? Run)
        let values = run.options.script.values
        #expect(values["a"]?.integerValue == 2 && values["b"]?.integerValue == 3)
    }

    @Test func optionsBeforeAndAfterTheSubcommandCombine() throws {
        let before = try #require(try RNNLab.parseAsRoot(["--store", "a.sqlite", "--keep-going", "run", "f.rnn"]) as? Run)
        #expect(before.options.store.path(environment: [:]) == "a.sqlite")
        #expect(before.options.script.keepGoing)
        let after = try #require(try RNNLab.parseAsRoot(["--store", "a.sqlite", "run", "f.rnn", "--store", "b.sqlite"]) as? Run)
        #expect(after.options.store.path(environment: [:]) == "b.sqlite")
        #expect(!after.options.script.keepGoing)
        let check = try #require(try RNNLab.parseAsRoot(["check", "--store", "c.sqlite", "f.rnn"]) as? Check)
        #expect(check.options.store.path(environment: [:]) == "c.sqlite")
    }

    @Test func storeComesFromTheOptionThenTheEnvironmentThenTheDefault() throws {
        let root = try #require(try RNNLab.parseAsRoot([]) as? RNNLab)
        #expect(root.store.path(environment: [:]) == "rnnlab.sqlite")
        #expect(root.store.path(environment: ["RNNLAB_STORE": "/tmp/e.sqlite"]) == "/tmp/e.sqlite")
        #expect(root.store.path(environment: ["RNNLAB_STORE": ""]) == "rnnlab.sqlite")
        let given = try #require(try RNNLab.parseAsRoot(["--store", "o.sqlite"]) as? RNNLab)
        #expect(given.store.path(environment: ["RNNLAB_STORE": "/tmp/e.sqlite"]) == "o.sqlite")
    }

    @Test func scriptFolderIsTheBaseDirectory() {
        #expect(ScriptFile.folder(of: "/a/b/c.rnn").path == "/a/b")
        #expect(ScriptFile.folder(of: "/a/b/../c.rnn").path == "/a")
    }
}
