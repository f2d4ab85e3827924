import Foundation

/// How one cell (a REPL input, a script, a `-c` command) ended.
public enum CellStatus: String, Sendable {
    case ok, error, interrupted
}

public struct CellOutcome: Sendable, Equatable {
    public var status: CellStatus
    /// The cell asked to end the session (`quit`).
    public var quit: Bool

    public init(status: CellStatus, quit: Bool = false) {
        self.status = status
        self.quit = quit
    }
}

/// Runs cells against one workspace. Not thread-safe: one front end drives it, on one thread.
public final class Interpreter {
    /// Where relative paths in cells resolve from (a script's folder, or the working directory).
    public let baseDirectory: URL
    /// `--set NAME=VALUE`: values that replace the script's `let NAME = …`.
    public let overrides: [String: Value]

    public init(baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                overrides: [String: Value] = [:]) {
        self.baseDirectory = baseDirectory
        self.overrides = overrides
    }

    /// Parses, resolves and runs one cell. A failed command changes nothing and stops the cell.
    /// - Parameters:
    ///   - emit: receives every output event as it happens.
    ///   - isCancelled: polled while training (Ctrl-C); a cancelled cell ends `interrupted`.
    public func run(_ source: String, file: String, emit: (OutputEvent) -> Void,
                    isCancelled: () -> Bool = { false }) -> CellOutcome {
        let (_, diagnostics) = Parser.parse(source, file: file)
        for d in diagnostics { emit(.diagnostic(d, source: source)) }
        if diagnostics.contains(where: { $0.severity == .error }) { return CellOutcome(status: .error) }
        return CellOutcome(status: .ok)
    }

    /// Every diagnostic of a script without running anything (`rnnlab check`).
    public func check(_ source: String, file: String) -> [Diagnostic] {
        Parser.parse(source, file: file).diagnostics
    }

    /// Candidates to complete the word that ends `line` (commands, options, layer kinds, run names).
    public func completions(for line: String) -> [String] {
        []
    }

    /// Whether `text` is an unfinished cell (open block, trailing `\`): the REPL asks for more.
    public static func needsMoreInput(_ text: String) -> Bool {
        Parser.needsMoreInput(text)
    }
}
