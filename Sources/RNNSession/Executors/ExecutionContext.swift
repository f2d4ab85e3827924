import Foundation

/// What a command may use besides the workspace: where files resolve, the store, where its
/// output goes, and whether the user asked to stop.
struct ExecutionContext {
    /// Files a command reads resolve from here (a script's folder, or the working directory).
    let baseDirectory: URL
    /// Files a command writes resolve from here (the working directory), so a script finds its
    /// data beside it and leaves its results where it is run.
    let outputDirectory: URL
    let log: SessionLog?
    let emit: (OutputEvent) -> Void
    let isCancelled: () -> Bool

    /// The store, or the error saying `command` needs one.
    func store(for command: String) throws(SessionError) -> SessionLog {
        guard let log else { throw .noStore(command: command) }
        return log
    }

    func input(_ path: String) -> URL { resolve(path, in: baseDirectory) }
    func output(_ path: String) -> URL { resolve(path, in: outputDirectory) }
}

/// What a command asks of the statement runner after it ran.
enum Effect {
    case done
    case quit
    case interrupted
}

/// A path as a user wrote it, relative to `directory` unless absolute.
func resolve(_ path: String, in directory: URL) -> URL {
    let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
    return url.standardizedFileURL
}

/// Files a command writes: refused when they exist (unless `force`), written whole or not at all.
enum FileOutput {
    static func write(_ data: Data, to url: URL, force: Bool, shownAs name: String) throws(SessionError) {
        if !force, FileManager.default.fileExists(atPath: url.path) { throw .fileExists(name) }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(name, reason: error.localizedDescription)
        }
    }
}
