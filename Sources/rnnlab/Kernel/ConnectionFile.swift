import Foundation

/// What a Jupyter client writes for a kernel to start on: the five ports, the address, and the
/// key every message is signed with (the messaging spec, "Connection files").
struct ConnectionInfo: Sendable, Equatable {
    var transport: String
    var ip: String
    var shellPort: Int
    var iopubPort: Int
    var stdinPort: Int
    var controlPort: Int
    var heartbeatPort: Int
    /// The HMAC key; empty means messages are not signed.
    var key: String
    var signatureScheme: String

    /// A ZeroMQ endpoint for one of the ports: `tcp://127.0.0.1:5555`, or `ipc://IP-5555`.
    func endpoint(port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}

/// A connection file that cannot be used, with the field and what would be right.
struct ConnectionFileError: Error, Equatable, CustomStringConvertible {
    var path: String
    var message: String

    var description: String { "connection file '\(path)': \(message)" }
}

enum ConnectionFile {
    /// Reads and checks the file at `path`.
    static func read(_ path: String) throws(ConnectionFileError) -> ConnectionInfo {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConnectionFileError(path: path, message: "cannot be read (is the path right?)")
        }
        return try parse(data, path: path)
    }

    /// Parses the file's JSON: every port a whole number 0…65535, the ip and key strings, the
    /// transport tcp or ipc, the signature scheme hmac-sha256.
    static func parse(_ data: Data, path: String) throws(ConnectionFileError) -> ConnectionInfo {
        func fail(_ message: String) -> ConnectionFileError { ConnectionFileError(path: path, message: message) }
        guard let json = JSONValue.decoded(data) else { throw fail("is not JSON") }
        guard let object = json.object else { throw fail("is not a JSON object") }

        func port(_ field: String) throws(ConnectionFileError) -> Int {
            guard let value = object[field] else { throw fail("field '\(field)' is missing (a port number)") }
            guard let port = value.int, (0...65_535).contains(port) else {
                throw fail("field '\(field)' must be a port number 0…65535")
            }
            return port
        }
        func string(_ field: String, default fallback: String?) throws(ConnectionFileError) -> String {
            guard let value = object[field] else {
                if let fallback { return fallback }
                throw fail("field '\(field)' is missing (a string)")
            }
            guard let text = value.string else { throw fail("field '\(field)' must be a string") }
            return text
        }

        let transport = try string("transport", default: "tcp")
        guard transport == "tcp" || transport == "ipc" else {
            throw fail("field 'transport' is '\(transport)' (expected tcp or ipc)")
        }
        let scheme = try string("signature_scheme", default: "hmac-sha256")
        guard scheme == "hmac-sha256" else {
            throw fail("field 'signature_scheme' is '\(scheme)' (expected hmac-sha256)")
        }
        let ip = try string("ip", default: "127.0.0.1")
        guard !ip.isEmpty else { throw fail("field 'ip' is empty (expected an address such as 127.0.0.1)") }
        return ConnectionInfo(transport: transport, ip: ip,
                              shellPort: try port("shell_port"), iopubPort: try port("iopub_port"),
                              stdinPort: try port("stdin_port"), controlPort: try port("control_port"),
                              heartbeatPort: try port("hb_port"), key: try string("key", default: nil),
                              signatureScheme: scheme)
    }
}
