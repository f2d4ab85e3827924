#if canImport(Glibc)
import Glibc
#endif
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

    /// Writes a file a command makes (`FileOutput`), never over this session's store.
    func write(_ data: Data, to path: String, force: Bool) throws(SessionError) {
        try FileOutput.write(data, to: output(path), force: force, shownAs: path, protecting: log?.store.path)
    }
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

/// Files a command writes: refused when they exist (unless `force`), written whole or not at
/// all, and never over the open store (its `-wal` and `-shm` too) or anything but a regular
/// file (a device, a FIFO, a folder, a dangling symlink), `force` or not.
enum FileOutput {
    static func write(_ data: Data, to url: URL, force: Bool, shownAs name: String,
                      protecting store: String?) throws(SessionError) {
        var info = stat()
        let exists = lstat(url.path, &info) == 0
        if exists {
            let kind = info.st_mode & S_IFMT
            if kind == S_IFLNK {
                // A symlink is replaced only when it leads to a regular file (and with force).
                guard stat(url.path, &info) == 0 else { throw .notARegularFile(name, what: "a dangling symlink") }
            }
            guard info.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile(name, what: Self.kind(info.st_mode)) }
            if let store, Self.isStore(url, store) { throw .wouldOverwriteStore(name) }
            if !force { throw .fileExists(name) }
        } else if let store, Self.isStore(url, store) {
            throw .wouldOverwriteStore(name)
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(name, reason: error.localizedDescription)
        }
    }

    /// Whether `url` is the store file or one of SQLite's files beside it, by their real paths.
    private static func isStore(_ url: URL, _ store: String) -> Bool {
        let base = URL(fileURLWithPath: store).resolvingSymlinksInPath().path
        let target = url.resolvingSymlinksInPath().path
        return [base, base + "-wal", base + "-shm", base + "-journal"].contains(target)
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a folder"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }
}
