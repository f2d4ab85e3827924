#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation

/// Reading a script: any bytes (invalid UTF-8 becomes U+FFFD, which the lexer reports);
/// a file that cannot be read is a usage error (status 2).
enum ScriptFile {
    static func read(_ path: String) throws(ExitCode) -> String {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY)
        guard fd >= 0 else { fail(path, errno) }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes += chunk[..<n]
            } else if n == 0 {
                break
            } else if errno != EINTR {
                fail(path, errno)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The folder relative paths in a script resolve from; the working directory for stdin.
    static func folder(of path: String) -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        guard path != "-" else { return cwd }
        return URL(fileURLWithPath: path, relativeTo: cwd).deletingLastPathComponent().standardizedFileURL
    }

    private static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(fd, buffer, count)
        #else
        Darwin.read(fd, buffer, count)
        #endif
    }

    private static func fail(_ path: String, _ error: Int32) -> Never {
        let name = path == "-" ? "standard input" : "'\(path)'"
        Console.write("rnnlab: cannot read \(name): \(String(cString: strerror(error)))\n", to: .error)
        terminate(BatchRunner.ExitStatus.usage)
    }
}
