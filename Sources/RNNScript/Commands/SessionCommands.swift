/// `help`, `seed`, `threads`, `show`, `print`, `quit`.
enum SessionCommands {
    /// Seeds up to 2⁵³, so every seed is exact as a script number.
    static let seedRange = 0...(1 << 53)
    static let threadRange = 1...256

    static let all: [CommandSpec] = [
        CommandSpec("help", group: .session, summary: "every command with its options, defaults and an example",
                    usage: ["help [COMMAND]"], example: "help optimizer") { call, env in
            var a = try Arguments(call, in: env)
            let topic = a.nextPositional()?.value.description
            try a.finish()
            return .command(.session(.help(topic: topic)))
        },
        CommandSpec("seed", group: .session,
                    summary: "the master seed; data, initial weights and noise derive from it",
                    usage: ["seed N"], example: "seed 7") { call, env in
            var a = try Arguments(call, in: env)
            guard let (value, range) = a.nextPositional() else {
                throw ScriptError(.error("seed needs a whole number ≥ 0, e.g. 'seed 7'", range: call.range))
            }
            let n = try Arguments.integer(value, name: "seed", in: seedRange, at: range)
            try a.finish()
            return .command(.session(.seed(UInt64(n))))
        },
        CommandSpec("threads", group: .session,
                    summary: "worker threads (OpenBLAS too); same count, bit-identical results",
                    usage: ["threads N"], example: "threads 2") { call, env in
            var a = try Arguments(call, in: env)
            guard let (value, range) = a.nextPositional() else {
                throw ScriptError(.error("threads needs a count, e.g. 'threads 2'", range: call.range))
            }
            let n = try Arguments.integer(value, name: "threads", in: threadRange, at: range)
            try a.finish()
            return .command(.session(.threads(n)))
        },
        CommandSpec("memory", group: .session,
                    summary: "the training memory budget in GiB, the data included (default a quarter of physical memory); above it backprop recomputes segments",
                    usage: ["memory GIB"], example: "memory 4") { call, env in
            var a = try Arguments(call, in: env)
            guard let (value, range) = a.nextPositional() else {
                throw ScriptError(.error("memory needs a budget in GiB, e.g. 'memory 4'", range: call.range))
            }
            let gib = try Arguments.number(value, name: "memory", .positive, at: range)
            guard gib <= 1_048_576 else { throw ScriptError(.error("memory=\(value) is out of range (expected up to 1048576 GiB)", range: range)) }
            try a.finish()
            return .command(.session(.memory(gibibytes: gib)))
        },
        CommandSpec("show", group: .session, summary: "the current state, every hyperparameter visible",
                    usage: ["show [data|model|optimizer|schedule|run]"], words: ShowTopic.allCases.map(\.rawValue),
                    example: "show optimizer") { call, env in
            var a = try Arguments(call, in: env)
            let topic = a.remainingPositionals > 0 ? try a.choice("topic", ShowTopic.self) : nil
            try a.finish()
            return .command(.session(.show(topic)))
        },
        CommandSpec("print", group: .session, summary: "prints its values separated by spaces (strings interpolated)",
                    usage: ["print VALUE…"], example: "print \"lr is $lr\"") { call, env in
            var words: [String] = []
            for argument in call.arguments {
                switch argument.kind {
                case let .positional(value): words.append(try env.evaluate(value).description)
                case let .option(key, value): words.append("\(key.name)=\(try env.evaluate(value).description)")
                case .arrow: words.append("->")
                }
            }
            return .command(.session(.print(words.joined(separator: " "))))
        },
        CommandSpec("quit", group: .session, summary: "ends the session (Ctrl-D too)", usage: ["quit"],
                    example: "quit", replay: .skipped) { call, env in
            try Arguments(call, in: env).finish()
            return .command(.session(.quit))
        },
    ]
}

/// `run "FILE.rnn"` and `replay session N`: statements from elsewhere.
enum FlowCommands {
    static let all: [CommandSpec] = [
        CommandSpec("run", group: .flow, summary: "runs another script here (relative to this file)",
                    usage: ["run \"FILE.rnn\""], example: "run \"setup.rnn\"") { call, env in
            var a = try Arguments(call, in: env)
            let path = try a.text("a script file, e.g. run \"setup.rnn\"")
            try a.finish()
            return .flow(.include(path: path))
        },
        CommandSpec("replay", group: .flow, summary: "runs a session's successful cells again, here; stops at the first error",
                    usage: ["replay session N"], words: ["session"], example: "replay session 1", replay: .skipped) { call, env in
            var a = try Arguments(call, in: env)
            guard let session = try a.keyword("session", in: 1...Int.max) else {
                throw ScriptError(.error("replay needs 'session N', e.g. 'replay session 1' ('sessions' lists them)",
                                         range: call.range))
            }
            try a.finish()
            return .flow(.replay(session: session))
        },
    ]
}
