// Safetensors reading and writing, F32 only.
//
// Layout: an 8-byte little-endian UInt64 header length N, then N bytes of
// UTF-8 JSON, then the data section. The header maps each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
// data section) and may hold "__metadata__", a string → string map.
// Reference: https://github.com/huggingface/safetensors (format described in its README).
//
// The reader is strict: it accepts only what this writer or the reference
// writer would produce, and reports every other input as a `SafetensorsError`
// instead of trapping. It uses its own small JSON parser rather than
// JSONSerialization so that booleans never pass for integers, fractions and
// overflowing numbers are rejected, duplicate keys are caught, key order is
// kept and every syntax error has a byte position.

/// One named float32 tensor, values in row-major order.
public struct SafetensorsTensor: Sendable, Equatable {
    public var name: String
    /// Dimensions, outermost first. `[]` is a scalar (one value); a zero
    /// dimension makes the tensor empty.
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// The contents of a safetensors file: tensors and string metadata.
public struct SafetensorsFile: Sendable, Equatable {
    /// In data-offset order when decoded; written in this order.
    public var tensors: [SafetensorsTensor]
    /// Written as "__metadata__" only when non-empty, so an empty map and an
    /// absent one encode identically.
    public var metadata: [String: String]

    public init(tensors: [SafetensorsTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The first tensor with this name, if any.
    public func tensor(named name: String) -> SafetensorsTensor? {
        tensors.first { $0.name == name }
    }
}

/// Everything that can be wrong with a safetensors file or with a
/// `SafetensorsFile` about to be encoded. Byte positions count from the start
/// of the file; data offsets count from the start of the data section.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    // Framing.
    case fileTooShort(byteCount: Int)
    case headerLengthExceedsFile(headerLength: UInt64, bytesAfterPrefix: Int)
    case headerNotUTF8(byteOffset: Int)
    case malformedHeaderJSON(byteOffset: Int, expected: String)
    case duplicateKey(String, byteOffset: Int)
    case headerNotObject
    // Tensor entries.
    case tensorEntryNotObject(tensor: String)
    case missingField(tensor: String, field: String)
    case wrongFieldType(tensor: String, field: String, expected: String)
    case unexpectedField(tensor: String, field: String)
    case unsupportedDType(tensor: String, dtype: String)
    case negativeDimension(tensor: String, shape: [Int])
    case elementCountOverflow(tensor: String, shape: [Int])
    case byteLengthMismatch(tensor: String, expectedBytes: Int, foundBytes: Int)
    case offsetsOutOfRange(tensor: String, begin: Int, end: Int, dataSize: Int)
    case nonContiguousData(tensor: String, expectedBegin: Int, foundBegin: Int)
    case trailingBytes(count: Int, byteOffset: Int)
    // Metadata.
    case metadataNotObject
    case metadataValueNotString(key: String)
    // Encoding.
    case valueCountMismatch(tensor: String, shape: [Int], expected: Int, found: Int)
    case duplicateTensorName(String)
    case reservedTensorName(String)

    public var description: String {
        switch self {
        case .fileTooShort(let count):
            return "The file is \(count) bytes long, but a safetensors file needs at least 8 bytes for its little-endian header length."
        case .headerLengthExceedsFile(let length, let available):
            return "The header length prefix says \(length) bytes, but only \(available) bytes follow the 8-byte prefix; the header must fit inside the file."
        case .headerNotUTF8(let offset):
            return "The header is not valid UTF-8 at byte \(offset); the header must be UTF-8 encoded JSON."
        case .malformedHeaderJSON(let offset, let expected):
            return "The header JSON is malformed at byte \(offset): expected \(expected)."
        case .duplicateKey(let key, let offset):
            return "The header repeats the key \(quoted(key)) at byte \(offset); each tensor name and each field may appear only once in its object."
        case .headerNotObject:
            return "The header is JSON but not an object; it must be an object mapping tensor names to their entries."
        case .tensorEntryNotObject(let tensor):
            return "The header entry for tensor \(quoted(tensor)) is not a JSON object; it must be {\"dtype\": \"F32\", \"shape\": [...], \"data_offsets\": [begin, end]}."
        case .missingField(let tensor, let field):
            return "Tensor \(quoted(tensor)) has no \(quoted(field)) field; every tensor entry needs \"dtype\", \"shape\" and \"data_offsets\"."
        case .wrongFieldType(let tensor, let field, let expected):
            return "Tensor \(quoted(tensor)) has a \(quoted(field)) field of the wrong type; it must be \(expected)."
        case .unexpectedField(let tensor, let field):
            return "Tensor \(quoted(tensor)) has an unknown field \(quoted(field)); only \"dtype\", \"shape\" and \"data_offsets\" are allowed."
        case .unsupportedDType(let tensor, let dtype):
            return "Tensor \(quoted(tensor)) has dtype \(quoted(dtype)), but only \"F32\" is supported."
        case .negativeDimension(let tensor, let shape):
            return "Tensor \(quoted(tensor)) has shape \(shape), but every dimension must be zero or more."
        case .elementCountOverflow(let tensor, let shape):
            return "Tensor \(quoted(tensor)) has shape \(shape), whose byte size overflows a 64-bit integer; the shape must describe a tensor that fits in memory."
        case .byteLengthMismatch(let tensor, let expected, let found):
            return "Tensor \(quoted(tensor)) spans \(found) bytes in data_offsets, but its shape needs \(expected) bytes (4 per F32 value)."
        case .offsetsOutOfRange(let tensor, let begin, let end, let dataSize):
            return "Tensor \(quoted(tensor)) has data_offsets [\(begin), \(end)], but they must satisfy 0 <= begin <= end <= \(dataSize), the size of the data section."
        case .nonContiguousData(let tensor, let expected, let found):
            let problem = found > expected
                ? "leaving a gap of \(found - expected) bytes after the previous tensor"
                : "overlapping the previous tensor by \(expected - found) bytes"
            return "Tensor \(quoted(tensor)) starts at data offset \(found), \(problem); it must start at \(expected)."
        case .trailingBytes(let count, let offset):
            return "The file has \(count) bytes from byte \(offset) on that belong to no tensor; the last tensor must end where the file ends."
        case .metadataNotObject:
            return "The \"__metadata__\" entry is not a JSON object; it must map strings to strings."
        case .metadataValueNotString(let key):
            return "The metadata value for key \(quoted(key)) is not a string; \"__metadata__\" must map strings to strings."
        case .valueCountMismatch(let tensor, let shape, let expected, let found):
            return "Tensor \(quoted(tensor)) has shape \(shape), so it needs \(expected) values, but it holds \(found)."
        case .duplicateTensorName(let name):
            return "The tensor name \(quoted(name)) is used more than once; tensor names must be unique."
        case .reservedTensorName(let name):
            return "A tensor cannot be named \(quoted(name)); that key is reserved for the file's metadata."
        }
    }
}

/// Quotes and escapes a name for an error message, so control characters stay visible.
private func quoted(_ text: String) -> String {
    text.debugDescription
}

// MARK: - Writing

extension SafetensorsFile {
    /// The file's bytes: header (metadata first, then tensors in order) padded
    /// with spaces so the data section starts at a multiple of 8, as the
    /// reference writer does; then each tensor's values, contiguous.
    public func encoded() throws(SafetensorsError) -> [UInt8] {
        var seen = Set<String>()
        for tensor in tensors {
            guard tensor.name != metadataKey else { throw .reservedTensorName(tensor.name) }
            guard seen.insert(tensor.name).inserted else { throw .duplicateTensorName(tensor.name) }
            let count = try elementCount(of: tensor.shape, tensor: tensor.name)
            guard tensor.values.count == count else {
                throw .valueCountMismatch(tensor: tensor.name, shape: tensor.shape, expected: count, found: tensor.values.count)
            }
        }

        var header = Array(headerJSON().utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + 4 * tensors.reduce(0) { $0 + $1.values.count })
        appendLittleEndian(UInt64(header.count), to: &bytes)
        bytes += header
        for tensor in tensors {
            for value in tensor.values {
                let bits = value.bitPattern
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
            }
        }
        return bytes
    }

    /// Compact JSON with a fixed key order, so equal files encode to equal bytes.
    private func headerJSON() -> String {
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":" + jsonString($0.value) }
            members.append(jsonString(metadataKey) + ":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for tensor in tensors {
            let end = offset + 4 * tensor.values.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append(jsonString(tensor.name)
                + ":{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        return "{" + members.joined(separator: ",") + "}"
    }
}

private let metadataKey = "__metadata__"

/// A JSON string literal: quotes, backslashes and control characters escaped,
/// everything else kept as UTF-8 (as serde_json, the reference, does).
private func jsonString(_ text: String) -> String {
    var out = "\""
    // Scalars, not Characters: "\r\n" is one Character but two escapes.
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16, uppercase: false)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

private func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    for shift in stride(from: 0, to: T.bitWidth, by: 8) {
        bytes.append(UInt8(truncatingIfNeeded: value >> shift))
    }
}

/// The number of values a shape holds. Any zero dimension makes it 0 whatever
/// the others, so the answer does not depend on dimension order; otherwise
/// the byte size (4 per value) must fit in an Int.
private func elementCount(of shape: [Int], tensor: String) throws(SafetensorsError) -> Int {
    guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(tensor: tensor, shape: shape) }
    if shape.contains(0) { return 0 }
    var count = 1
    for dimension in shape {
        let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
        guard !overflow else { throw .elementCountOverflow(tensor: tensor, shape: shape) }
        count = product
    }
    guard !count.multipliedReportingOverflow(by: 4).overflow else {
        throw .elementCountOverflow(tensor: tensor, shape: shape)
    }
    return count
}

// MARK: - Reading

extension SafetensorsFile {
    /// Parses and validates a whole file. Tensors come back in data-offset
    /// order (header order among zero-sized tensors sharing an offset).
    public static func decode(_ bytes: [UInt8]) throws(SafetensorsError) -> SafetensorsFile {
        guard bytes.count >= 8 else { throw .fileTooShort(byteCount: bytes.count) }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw .headerLengthExceedsFile(headerLength: headerLength, bytesAfterPrefix: bytes.count - 8)
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = bytes.count - dataStart

        // A slice keeps the file's indices, so parser positions are file positions.
        let header = bytes[8..<dataStart]
        if let offset = firstInvalidUTF8(in: header) { throw .headerNotUTF8(byteOffset: offset) }
        guard case .object(let members) = try JSONParser.parse(header) else { throw .headerNotObject }

        var metadata: [String: String] = [:]
        var entries: [TensorEntry] = []
        for (key, value) in members {
            if key == metadataKey {
                metadata = try decodeMetadata(value)
            } else {
                entries.append(try TensorEntry(name: key, json: value, order: entries.count, dataSize: dataSize))
            }
        }

        // The data section must be exactly the tensors laid end to end from 0.
        entries.sort { ($0.begin, $0.end, $0.order) < ($1.begin, $1.end, $1.order) }
        var cursor = 0
        for entry in entries {
            guard entry.begin == cursor else {
                throw .nonContiguousData(tensor: entry.name, expectedBegin: cursor, foundBegin: entry.begin)
            }
            cursor = entry.end
        }
        guard cursor == dataSize else { throw .trailingBytes(count: dataSize - cursor, byteOffset: dataStart + cursor) }

        let tensors = entries.map { entry in
            SafetensorsTensor(name: entry.name, shape: entry.shape,
                              values: floats(in: bytes[(dataStart + entry.begin)..<(dataStart + entry.end)]))
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    private static func decodeMetadata(_ json: JSONValue) throws(SafetensorsError) -> [String: String] {
        guard case .object(let members) = json else { throw .metadataNotObject }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else { throw .metadataValueNotString(key: key) }
            metadata[key] = text
        }
        return metadata
    }
}

/// One validated header entry, before its data is read.
private struct TensorEntry {
    var name: String
    var shape: [Int]
    var begin: Int
    var end: Int
    /// Position in the header, to keep zero-sized tensors at one offset in order.
    var order: Int

    init(name: String, json: JSONValue, order: Int, dataSize: Int) throws(SafetensorsError) {
        guard case .object(let fields) = json else { throw .tensorEntryNotObject(tensor: name) }
        var dtype: String?
        var shape: [Int]?
        var offsets: [Int]?
        for (field, value) in fields {
            switch field {
            case "dtype":
                guard case .string(let text) = value else {
                    throw .wrongFieldType(tensor: name, field: field, expected: "a string such as \"F32\"")
                }
                dtype = text
            case "shape":
                guard let dimensions = value.integers else {
                    throw .wrongFieldType(tensor: name, field: field, expected: "an array of integers")
                }
                shape = dimensions
            case "data_offsets":
                guard let pair = value.integers, pair.count == 2 else {
                    throw .wrongFieldType(tensor: name, field: field, expected: "an array of two integers [begin, end]")
                }
                offsets = pair
            default:
                throw .unexpectedField(tensor: name, field: field)
            }
        }
        guard let dtype else { throw .missingField(tensor: name, field: "dtype") }
        guard let shape else { throw .missingField(tensor: name, field: "shape") }
        guard let offsets else { throw .missingField(tensor: name, field: "data_offsets") }
        guard dtype == "F32" else { throw .unsupportedDType(tensor: name, dtype: dtype) }

        let byteCount = try elementCount(of: shape, tensor: name) * 4
        let (begin, end) = (offsets[0], offsets[1])
        guard 0 <= begin, begin <= end, end <= dataSize else {
            throw .offsetsOutOfRange(tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        guard end - begin == byteCount else {
            throw .byteLengthMismatch(tensor: name, expectedBytes: byteCount, foundBytes: end - begin)
        }
        self.name = name
        self.shape = shape
        self.begin = begin
        self.end = end
        self.order = order
    }
}

/// Little-endian float32 values; the caller guarantees a multiple of 4 bytes.
private func floats(in bytes: ArraySlice<UInt8>) -> [Float] {
    var values: [Float] = []
    values.reserveCapacity(bytes.count / 4)
    for i in stride(from: bytes.startIndex, to: bytes.endIndex, by: 4) {
        let bits = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        values.append(Float(bitPattern: bits))
    }
    return values
}

/// The file position of the first byte that is not part of valid UTF-8, if any.
private func firstInvalidUTF8(in bytes: ArraySlice<UInt8>) -> Int? {
    var iterator = bytes.makeIterator()
    var parser = Unicode.UTF8.ForwardParser()
    var position = bytes.startIndex
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let scalar): position += scalar.count
        case .error: return position
        case .emptyInput: return nil
        }
    }
}
