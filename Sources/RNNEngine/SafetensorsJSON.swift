// The strict JSON reader safetensors headers are parsed with (RFC 8259). Hand-written because
// Foundation's `JSONSerialization` drops duplicate keys and key order and reports no byte
// positions, which the header's strict reader needs for its messages.

/// A parsed JSON value. Objects keep their key order; numbers are either
/// integers that fit in an Int or "other", which no header field accepts.
indirect enum JSONValue {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case integer(Int)
    case otherNumber
    case bool(Bool)
    case null

    /// The elements if this is an array of integers.
    var integers: [Int]? {
        guard case .array(let elements) = self else { return nil }
        var result: [Int] = []
        for element in elements {
            guard case .integer(let value) = element else { return nil }
            result.append(value)
        }
        return result
    }
}

/// A recursive-descent parser for RFC 8259 JSON over already-validated UTF-8.
struct JSONParser {
    /// Real headers nest 3 deep; the limit only keeps hostile input from
    /// exhausting the stack.
    static let maxDepth = 64

    let bytes: ArraySlice<UInt8>
    var position: Int
    var depth = 0

    static func parse(_ bytes: ArraySlice<UInt8>) throws(SafetensorsError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, position: bytes.startIndex)
        let value = try parser.parseValue()
        parser.skipWhitespace()  // includes the reference writer's space padding
        guard parser.position == bytes.endIndex else { throw parser.failure("the end of the header") }
        return value
    }

    private func failure(_ expected: String) -> SafetensorsError {
        .malformedHeaderJSON(byteOffset: position, expected: expected)
    }

    private var current: UInt8? {
        position < bytes.endIndex ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ expected: String) throws(SafetensorsError) {
        guard current == byte else { throw failure(expected) }
        position += 1
    }

    private mutating func parseValue() throws(SafetensorsError) -> JSONValue {
        skipWhitespace()
        guard let byte = current else { throw failure("a JSON value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("a JSON value")
        }
    }

    private mutating func enterContainer() throws(SafetensorsError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("at most \(Self.maxDepth) levels of nesting") }
    }

    private mutating func parseObject() throws(SafetensorsError) -> JSONValue {
        try enterContainer()
        position += 1  // "{"
        var members: [(key: String, value: JSONValue)] = []
        var keys = Set<String>()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                let keyStart = position
                guard current == UInt8(ascii: "\"") else { throw failure("a string key") }
                let key = try parseString()
                // Swift compares strings by canonical equivalence, so keys differing
                // only in Unicode normalization count as duplicates too.
                guard keys.insert(key).inserted else { throw .duplicateKey(key, byteOffset: keyStart) }
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':' after an object key")
                let value = try parseValue()
                members.append((key, value))
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"), "',' or '}' after an object member")
                break
            }
        }
        depth -= 1
        return .object(members)
    }

    private mutating func parseArray() throws(SafetensorsError) -> JSONValue {
        try enterContainer()
        position += 1  // "["
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                elements.append(try parseValue())
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "]"), "',' or ']' after an array element")
                break
            }
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func parseLiteral(_ word: String) throws(SafetensorsError) {
        for byte in word.utf8 {
            try expect(byte, "the literal \(word)")
        }
    }

    /// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func parseNumber() throws(SafetensorsError) -> JSONValue {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else {
            guard skipDigits() > 0 else { throw failure("a digit") }
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            position += 1
            isInteger = false
            guard skipDigits() > 0 else { throw failure("a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            isInteger = false
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard skipDigits() > 0 else { throw failure("a digit in the exponent") }
        }
        // Int.init returns nil rather than trapping when the literal overflows.
        guard isInteger, let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else {
            return .otherNumber
        }
        return .integer(value)
    }

    private mutating func skipDigits() -> Int {
        let start = position
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        return position - start
    }

    private mutating func parseString() throws(SafetensorsError) -> String {
        position += 1  // opening quote
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw failure("a closing '\"'") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                // The header was validated as UTF-8 and escapes add only whole scalars.
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                let scalar = try parseEscape()
                UTF8.encode(scalar) { utf8.append($0) }
            case 0..<0x20:
                throw failure("an escape sequence instead of a raw control character")
            default:
                utf8.append(byte)
                position += 1
            }
        }
    }

    /// The scalar for the escape after a backslash, joining surrogate pairs.
    private mutating func parseEscape() throws(SafetensorsError) -> Unicode.Scalar {
        guard let byte = current else { throw failure("an escape character after '\\'") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"): break
        default:
            position -= 1
            throw failure("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u after '\\'")
        }
        let unit = try parseHex4()
        switch unit {
        case 0xD800..<0xDC00:
            let lowStart = position
            guard current == UInt8(ascii: "\\") else { throw failure("a \\u low surrogate after a high surrogate") }
            position += 1
            try expect(UInt8(ascii: "u"), "a \\u low surrogate after a high surrogate")
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else {
                position = lowStart
                throw failure("a \\u low surrogate after a high surrogate")
            }
            let value = 0x10000 + (unit - 0xD800) << 10 + (low - 0xDC00)
            // Always valid: the range is 0x10000...0x10FFFF.
            return Unicode.Scalar(value) ?? "\u{FFFD}"
        case 0xDC00..<0xE000:
            position -= 6
            throw failure("a high surrogate before a \\u low surrogate")
        default:
            return Unicode.Scalar(unit) ?? "\u{FFFD}"  // never nil outside surrogates
        }
    }

    private mutating func parseHex4() throws(SafetensorsError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexDigitValue(byte) else { throw failure("four hex digits after \\u") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
