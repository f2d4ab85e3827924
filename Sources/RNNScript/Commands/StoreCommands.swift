/// The store's commands (SPEC §4): checkpoints, `resume`, and the record of past sessions.
enum StoreCommands {
    enum CheckpointAction: String, CaseIterable, Sendable { case save, list, load, delete }

    static let all: [CommandSpec] = [
        CommandSpec("checkpoint", group: .store, summary: "save, list, load (weights into the same model) or delete a training state",
                    usage: ["checkpoint save NAME [force]", "checkpoint list", "checkpoint load NAME", "checkpoint delete NAME",
                            "   (a run's own: RUN@EPOCH, RUN@best, RUN@latest; another session's: s1/RUN@best)"],
                    words: CheckpointAction.allCases.map(\.rawValue) + ["force"], example: "checkpoint save before-lr-drop") { call, env in
            var a = try Arguments(call, in: env)
            let action = try a.choice("an action", CheckpointAction.self)
            guard action != .list else {
                try a.finish()
                return .command(.store(.checkpointList))
            }
            let name = try a.text("a checkpoint name, e.g. 'checkpoint \(action) first'")
            let force = action == .save && a.flag("force")
            try a.finish()
            switch action {
            case .save:
                if name.isEmpty || name.contains("@") {
                    throw ScriptError(.error("a checkpoint name must be non-empty and without '@' (RUN@EPOCH and RUN@best "
                                             + "are the automatic ones); found '\(name)'", range: call.range))
                }
                return .command(.store(.checkpointSave(name: name, force: force)))
            case .load: return .command(.store(.checkpointLoad(name: name)))
            case .delete, .list: return .command(.store(.checkpointDelete(name: name)))
            }
        },
        CommandSpec("resume", group: .store, summary: "restores a checkpoint's whole state; 'train' then continues its run exactly",
                    usage: ["resume NAME"], example: "resume opt-adam@best") { call, env in
            var a = try Arguments(call, in: env)
            let name = try a.text("a checkpoint name, e.g. 'resume run-1@10' ('checkpoint list' shows them)")
            try a.finish()
            return .command(.store(.resume(name: name)))
        },
        CommandSpec("sessions", group: .store, summary: "the store's sessions: when, how many cells and runs, which still run",
                    usage: ["sessions"], example: "sessions", replay: .skipped) { call, env in
            try Arguments(call, in: env).finish()
            return .command(.store(.sessions))
        },
        CommandSpec("history", group: .store, summary: "the cells of a session (this one unless told)",
                    usage: ["history [session N] [last N]"], words: ["session", "last"],
                    example: "history session 1 last 5", replay: .skipped) { call, env in
            var a = try Arguments(call, in: env)
            var session: Int?, last: Int?
            while a.remainingPositionals > 0 {
                if let n = try a.keyword("session", in: 1...Int.max) { session = n; continue }
                if let n = try a.keyword("last", in: 1...Int.max) { last = n; continue }
                _ = try a.choice("what to show", ["session", "last"])
            }
            try a.finish()
            return .command(.store(.history(session: session, last: last)))
        },
        CommandSpec("cell", group: .store, summary: "a cell's input and output (of this session unless told)",
                    usage: ["cell N [session N]"], words: ["session"], example: "cell 3", replay: .skipped) { call, env in
            var a = try Arguments(call, in: env)
            guard let (value, range) = a.nextPositional() else {
                throw ScriptError(.error("cell needs a cell number, e.g. 'cell 3' ('history' lists them)", range: call.range))
            }
            let number = try Arguments.integer(value, name: "cell", in: 1...Int.max, at: range)
            let session = try a.keyword("session", in: 1...Int.max)
            try a.finish()
            return .command(.store(.cell(number: number, session: session)))
        },
    ]
}
