import Foundation

/// The kernelspec Jupyter finds rnnlab by: `kernels/NAME/kernel.json` in a Jupyter data
/// folder, whose `argv` starts this binary as `rnnlab kernel -f {connection_file}`.
enum KernelSpec {
    /// `kernel.json`'s content (SPEC §9); `store` is passed on as `--store` when given.
    static func json(binary: String, store: String?) -> Data {
        var argv: [JSONValue] = [.string(binary), "kernel", "-f", "{connection_file}"]
        if let store { argv += ["--store", .string(store)] }
        let spec: JSONValue = [
            "argv": .array(argv), "display_name": "rnnlab", "language": "rnnlab", "interrupt_mode": "signal",
            "metadata": [:],
        ]
        return spec.encoded()
    }

    /// The folder to write: `PREFIX/share/jupyter/kernels/NAME` with a prefix, else the user's
    /// Jupyter data folder (`$JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter`, else
    /// `~/.local/share/jupyter`; `~/Library/Jupyter` on macOS) and `kernels/NAME`.
    static func directory(prefix: String?, name: String, environment: [String: String]) -> String {
        if let prefix { return absolute(prefix) + "/share/jupyter/kernels/" + name }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let data: String
        if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty {
            data = absolute(dir)
        } else {
            #if os(macOS)
            data = home + "/Library/Jupyter"
            #else
            let xdg = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share"
            data = xdg + "/jupyter"
            #endif
        }
        return data + "/kernels/" + name
    }

    /// Whether `name` is a kernel name Jupyter accepts (letters, digits, `.`, `_`, `-`).
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
    }

    /// Writes `kernel.json` into `directory` (created as needed); returns the file's path.
    static func install(into directory: String, binary: String, store: String?) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/kernel.json"
        try json(binary: binary, store: store).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    /// This executable's absolute path (`/proc/self/exe` on Linux, where argv[0] may be relative).
    static func currentBinary() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return absolute(Bundle.main.executablePath ?? CommandLine.arguments[0])
    }

    /// A path made absolute against the working directory and standardised.
    static func absolute(_ path: String) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL.path
    }
}
