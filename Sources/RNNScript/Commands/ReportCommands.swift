/// `runs`, `compare`, `plot`, `export`: the record of runs as tables, curves and files.
enum ReportCommands {
    enum ExportKind: String, CaseIterable, Sendable { case run, session, notebook }

    static let plot = OptionForm(defaults: Smoothing(), [
        .number("smooth", \.weight, .unitInterval, help: "TensorBoard's debiased EMA weight (0: none)"),
    ])

    static let all: [CommandSpec] = [
        CommandSpec("runs", group: .report, summary: "the runs of every session in the store", usage: ["runs"],
                    example: "runs") { call, env in
            try Arguments(call, in: env).finish()
            return .command(.report(.runs))
        },
        CommandSpec("compare", group: .report, summary: "runs side by side: a table and their loss curves overlaid",
                    usage: ["compare RUN… [log] [title=\"…\"] [to \"FILE.svg\" [force]]"],
                    options: [FigureOptions.titleInfo()], words: ["log", "to", "force"],
                    example: "compare opt-sgd opt-adam log") { call, env in
            var a = try Arguments(call, in: env)
            let (names, flags, figure) = try a.namesAndFigureOptions(flags: ["log"])
            guard !names.isEmpty else { throw ScriptError(.error("compare needs one or more run names", range: call.range)) }
            try a.finish()
            return .command(.report(.compare(names, logY: flags.contains("log"), figure: figure)))
        },
        CommandSpec("plot", group: .report, summary: "per-epoch curves of runs, in the terminal or as an SVG file",
                    usage: ["plot loss|val_loss|grad RUN… [log] [smooth=0.6] [title=\"…\"] [to \"FILE.svg\" [force]]"],
                    options: plot.infos() + [FigureOptions.titleInfo()],
                    words: PlottedMetric.allCases.map(\.rawValue) + ["log", "to", "force"],
                    example: "plot loss opt-sgd opt-adam log smooth=0.6") { call, env in
            var a = try Arguments(call, in: env)
            let metric = try a.choice("what to plot", PlottedMetric.self)
            let smoothing = try plot.read(&a).weight
            let (names, flags, figure) = try a.namesAndFigureOptions(flags: ["log"])
            guard !names.isEmpty else {
                throw ScriptError(.error("plot \(metric.rawValue) needs one or more run names ('runs' lists them)", range: call.range))
            }
            try a.finish()
            return .command(.report(.plot(metric, runs: names, logY: flags.contains("log"), smoothing: smoothing, figure: figure)))
        },
        CommandSpec("export", group: .report, summary: "a run's metrics as CSV, a session as a runnable script or a notebook",
                    usage: ["export run RUN to \"FILE.csv\" [force]", "export session N to \"FILE.rnn\" [force]",
                            "export notebook [session N] to \"FILE.md|.html|.ipynb\" [force]"],
                    words: ExportKind.allCases.map(\.rawValue) + ["to", "force"],
                    example: "export run opt-adam to \"adam.csv\"",
                    replay: .skippedForms(["session"])) { call, env in
            var a = try Arguments(call, in: env)
            switch try a.choice("what to export", ExportKind.self) {
            case .run:
                let run = try a.text("a run name")
                let (path, force) = try destination(&a, "export run needs 'to \"FILE.csv\"'")
                return .command(.report(.exportRun(run: run, path: path, force: force)))
            case .session:
                guard let (value, range) = a.nextPositional() else {
                    throw ScriptError(.error("export session needs a session number, e.g. 'export session 1 to \"s1.rnn\"'",
                                             range: call.range))
                }
                let session = try Arguments.integer(value, name: "session", in: 1...Int.max, at: range)
                let (path, force) = try destination(&a, "export session needs 'to \"FILE.rnn\"'")
                return .command(.store(.exportSession(session: session, path: path, force: force)))
            case .notebook:
                let session = try a.keyword("session", in: 1...Int.max)
                let (path, force) = try destination(&a, "export notebook needs 'to \"FILE.md\"', 'to \"FILE.html\"' or 'to \"FILE.ipynb\"'")
                guard path.hasSuffix(".md") || path.hasSuffix(".html") || path.hasSuffix(".ipynb") else {
                    throw ScriptError(.error("a notebook is written as Markdown (.md), HTML (.html) or a Jupyter notebook "
                                             + "(.ipynb), not '\(path)'", range: call.range))
                }
                return .command(.report(.exportNotebook(session: session, path: path, force: force)))
            }
        },
    ]

    /// `to "FILE" [force]`, the end of every export.
    private static func destination(_ a: inout Arguments, _ missing: String) throws(ScriptError) -> (String, Bool) {
        guard a.flag("to") else { throw ScriptError(.error(missing, range: a.call.range)) }
        let path = try a.text("a file name after 'to'")
        let force = a.flag("force")
        try a.finish()
        return (path, force)
    }
}

/// `smooth=W`.
struct Smoothing: Sendable, Equatable {
    var weight = 0.0
}
