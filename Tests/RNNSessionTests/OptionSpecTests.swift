import Foundation
import RNNData
import RNNScript
import Testing
@testable import RNNSession

/// One declaration per option: the default `help` prints, the value the parser gives when the
/// option is left out, and what `show` prints are the same value.
@Suite struct OptionSpecTests {
    /// A command form and its declared options.
    struct FormCase: CustomTestStringConvertible, Sendable {
        var prefix: String
        var options: [OptionInfo]
        var testDescription: String { prefix }
    }

    static let forms: [FormCase] = [
        FormCase(prefix: "data sine", options: DataCommands.sine.infos()),
        FormCase(prefix: "features deltas", options: DataCommands.features.infos()),
        FormCase(prefix: "targets q", options: DataCommands.q.infos()),
        FormCase(prefix: "targets next", options: DataCommands.next.infos()),
        FormCase(prefix: "schedule splits 1", options: OptimizationCommands.splits.infos()),
        FormCase(prefix: "schedule lr plateau", options: OptimizationCommands.plateau.infos()),
        FormCase(prefix: "predict", options: TrainingCommands.predict.infos()),
    ] + OptimizationCommands.optimizers.map { FormCase(prefix: "optimizer \($0.kind.rawValue)", options: $0.form.infos()) }

    static func resolve(_ text: String) throws -> Resolution {
        let (script, diagnostics) = Parser.parse(text, file: "t.rnn")
        #expect(diagnostics.isEmpty, "\(text): \(diagnostics)")
        guard case let .command(call)? = script.statements.first else { throw ScriptError(.error("no command", range: script.range)) }
        var environment = Environment()
        environment.variables["lr"] = .number(0.001, text: "0.001")     // for `print`'s example
        return try CommandTable.resolve(call, in: environment)
    }

    /// Writing an option with the default `help` shows for it gives the value leaving it out gives.
    @Test(arguments: forms)
    func theShownDefaultIsTheParsedDefault(_ form: FormCase) throws {
        let plain = try Self.resolve(form.prefix)
        let withDefaults = form.options.compactMap { o in o.defaultText.map { "\(o.name)=\($0)" } }
        #expect(!withDefaults.isEmpty)
        for option in withDefaults {
            #expect(try Self.resolve("\(form.prefix) \(option)") == plain, "\(form.prefix) \(option)")
        }
        #expect(try Self.resolve("\(form.prefix) " + withDefaults.joined(separator: " ")) == plain)
    }

    /// `help COMMAND` prints every option of the table with its declared default.
    @Test func helpPrintsEveryDeclaredDefault() throws {
        for spec in CommandTable.all {
            let text = try Help.text(for: spec.name)
            for option in spec.options {
                #expect(text.contains(option.name + "="), "help \(spec.name) lacks \(option.name)=")
                if let value = option.defaultText, spec.name != "optimizer" || !value.contains(",") {
                    #expect(text.contains("(default \(value))"), "help \(spec.name): \(option.name) default \(value)")
                }
            }
        }
        // Options whose default differs between optimizers list each.
        #expect(try Help.text(for: "optimizer").contains("(default sgd 0.01, rmsprop 0.001, adam 0.001, adagrad 0.001, adadelta 0.001)"))
    }

    /// An empty workspace's settings are the declared defaults, and `show` prints them as
    /// the options that set them.
    @Test func settingsAndShowAreTheDeclaredDefaults() throws {
        let s = Settings()
        #expect(try Self.resolve("features deltas") == .command(.data(.features(s.features))))
        #expect(try Self.resolve("targets q") == .command(.data(.targets(s.targets))))
        #expect(try Self.resolve("optimizer adam") == .command(.optimization(.optimizer(s.optimizer))))
        #expect(try Self.resolve("schedule splits 1") == .command(.optimization(.splits(s.splits))))
        #expect(try Self.resolve("clip off") == .command(.optimization(.clip(s.clip))))
        #expect(try Self.resolve("validate off") == .command(.data(.validate(s.validation))))
        #expect(s.learningRate == nil)
        // The rules' defaults are the training layer's own.
        #expect(try OptimizationCommands.plateau.defaults.schedule() == (try LRPlateauDefaults.make()))
        #expect(try OptimizationCommands.splits.defaults.schedule() == (try SplitScheduleDefaults.make()))

        let shown = Show.text(nil, of: Workspace())
        for (prefix, options) in [("features deltas", DataCommands.features.infos()), ("targets q", DataCommands.q.infos()),
                                  ("optimizer adam", OptimizationCommands.entry(.adam).form.infos()),
                                  ("schedule splits 1", OptimizationCommands.splits.infos())] {
            guard let line = shown.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
                Issue.record("show has no '\(prefix)' line")
                continue
            }
            for option in options where option.defaultText != nil {
                #expect(line.contains("\(option.name)=\(option.defaultText ?? "")"), "\(line) lacks \(option.name)")
            }
        }
    }

    /// Every command's example resolves into its own group, so it reaches that group's executor
    /// (each an exhaustive switch over the group's cases).
    @Test func everyExampleResolvesIntoItsGroup() throws {
        for spec in CommandTable.all {
            switch try Self.resolve(spec.example) {
            case let .command(command): #expect(command.group == spec.group, "\(spec.example)")
            case .flow: #expect(spec.group == .flow, "\(spec.example)")
            }
        }
        #expect(Set(CommandTable.all.map(\.group)) == Set(CommandGroup.allCases))
        #expect(Set(CommandTable.names).count == CommandTable.names.count, "a command declared twice")
        #expect(Set(OptimizationCommands.optimizers.map(\.kind)) == Set(OptimizerKind.allCases))
    }

    /// A setting the form does not declare is refused with the ones it takes, never ignored.
    @Test func undeclaredOptionsAreRefused() throws {
        #expect(throws: ScriptError.self) { try Self.resolve("optimizer sgd beta1=0.5") }
        #expect(throws: ScriptError.self) { try Self.resolve("optimizer sgd eps=1e-8") }
        do {
            _ = try Self.resolve("optimizer adam betta1=0.5")
            Issue.record("accepted an unknown option")
        } catch let error as ScriptError {
            #expect(error.diagnostic.message.contains("did you mean 'beta1='?"))
        }
    }

    /// Completion offers the table's words and a choice option's values.
    @Test func completionReadsTheTable() {
        let interpreter = Interpreter()
        #expect(interpreter.completions(for: "optimizer ad") == ["adadelta", "adagrad", "adam"])
        #expect(interpreter.completions(for: "features deltas scale=z") == ["scale=zscore"])
        #expect(interpreter.completions(for: "schedule lr pl") == ["plateau"])
        #expect(interpreter.completions(for: "optimizer sgd nest") == ["nesterov="])
    }
}

import RNNEngine
import RNNTraining

/// The training layer's defaults, as its initialisers give them.
enum LRPlateauDefaults {
    static func make() throws -> LRPlateau { try LRPlateau() }
}

enum SplitScheduleDefaults {
    static func make() throws -> SplitSchedule { try SplitSchedule() }
}
