import Crypto
import Foundation

/// One Jupyter message (messaging spec 5.3, "The Wire Protocol"): the routing identities,
/// then after `<IDS|MSG>` the signature, header, parent header, metadata, content, and any
/// binary buffers.
struct KernelMessage: Sendable, Equatable {
    var identities: [Data]
    var header: JSONValue
    var parentHeader: JSONValue
    var metadata: JSONValue
    var content: JSONValue
    var buffers: [Data] = []

    var type: String { header["msg_type"]?.string ?? "" }
    var id: String { header["msg_id"]?.string ?? "" }

    static let protocolVersion = "5.3"

    /// A new header of `type` in the kernel's `session`.
    static func header(type: String, session: String) -> JSONValue {
        ["msg_id": .string(UUID().uuidString.lowercased()), "session": .string(session), "username": "rnnlab",
         "date": .string(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())),
         "msg_type": .string(type), "version": .string(protocolVersion)]
    }

    /// A message answering or caused by `parent` (its header becomes the parent header); a
    /// reply goes back to the parent's identities, an iopub message to a topic.
    static func child(of parent: KernelMessage?, type: String, content: JSONValue, session: String,
                      identities: [Data]? = nil, metadata: JSONValue = [:]) -> KernelMessage {
        KernelMessage(identities: identities ?? parent?.identities ?? [], header: header(type: type, session: session),
                      parentHeader: parent?.header ?? [:], metadata: metadata, content: content)
    }
}

/// A multipart message that is not a Jupyter message, or whose signature does not match.
enum WireError: Error, Equatable, CustomStringConvertible {
    case noDelimiter(frames: Int)
    case tooFewFrames(found: Int)
    case badSignature
    case notJSON(part: String)
    case noMessageType

    var description: String {
        switch self {
        case let .noDelimiter(frames):
            "a message of \(frames) frames has no '<IDS|MSG>' delimiter"
        case let .tooFewFrames(found):
            "a message has \(found) frames after '<IDS|MSG>' (expected at least 5: signature, header, parent_header, metadata, content)"
        case .badSignature:
            "a message's signature does not match its key (HMAC-SHA256 of header, parent_header, metadata and content)"
        case let .notJSON(part):
            "a message's \(part) is not a JSON object"
        case .noMessageType:
            "a message's header has no 'msg_type' string"
        }
    }
}

/// HMAC-SHA256 over the four JSON parts, hex-encoded (an empty key: no signing).
struct MessageSigner: Sendable {
    /// The key's bytes (a `SymmetricKey` is made per use: it is not `Sendable`).
    private let keyBytes: Data?

    init(key: String) {
        keyBytes = key.isEmpty ? nil : Data(key.utf8)
    }

    private var key: SymmetricKey? { keyBytes.map { SymmetricKey(data: $0) } }

    /// The hex signature of the parts (empty when unsigned).
    func signature(_ parts: [Data]) -> String {
        guard let key else { return "" }
        var hmac = HMAC<Crypto.SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        return Hex.encode(Data(hmac.finalize()))
    }

    /// Whether `signature` (hex) authenticates the parts, compared in constant time.
    func isValid(signature: Data, parts: [Data]) -> Bool {
        guard let key else { return true }
        guard let code = Hex.decode(signature) else { return false }
        var joined = Data()
        for part in parts { joined.append(part) }
        return HMAC<Crypto.SHA256>.isValidAuthenticationCode(code, authenticating: joined, using: key)
    }
}

enum Wire {
    static let delimiter = Data("<IDS|MSG>".utf8)

    /// The frames to send: identities, delimiter, signature, the four JSON parts, buffers.
    static func frames(_ message: KernelMessage, signer: MessageSigner) -> [Data] {
        let parts = [message.header, message.parentHeader, message.metadata, message.content].map { $0.encoded() }
        return message.identities + [delimiter, Data(signer.signature(parts).utf8)] + parts + message.buffers
    }

    /// The message the frames hold, its signature checked.
    static func parse(_ frames: [Data], signer: MessageSigner) throws(WireError) -> KernelMessage {
        guard let split = frames.firstIndex(of: delimiter) else { throw .noDelimiter(frames: frames.count) }
        let rest = Array(frames[(split + 1)...])
        guard rest.count >= 5 else { throw .tooFewFrames(found: rest.count) }
        let parts = Array(rest[1...4])
        guard signer.isValid(signature: rest[0], parts: parts) else { throw .badSignature }
        var values: [JSONValue] = []
        for (part, name) in zip(parts, ["header", "parent_header", "metadata", "content"]) {
            guard let value = JSONValue.decoded(part), value.object != nil else { throw .notJSON(part: name) }
            values.append(value)
        }
        guard values[0]["msg_type"]?.string != nil else { throw .noMessageType }
        return KernelMessage(identities: Array(frames[..<split]), header: values[0], parentHeader: values[1],
                             metadata: values[2], content: values[3], buffers: Array(rest.dropFirst(5)))
    }
}

/// Lowercase hex, as the wire writes signatures.
enum Hex {
    static func encode(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(data.count * 2)
        for byte in data {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a hex text (either case); nil for an odd length or a non-hex digit.
    static func decode(_ text: Data) -> Data? {
        guard text.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = Data(capacity: text.count / 2)
        var iterator = text.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = value(high), let l = value(low) else { return nil }
            out.append(h << 4 | l)
        }
        return out
    }
}
