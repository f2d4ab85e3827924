import Foundation
import Testing
@testable import RNNEngine

// MARK: - Helpers

/// A file from a literal header and data section, with no padding, so
/// header byte positions are 8 + the position in `header`.
private func rawFile(_ header: String, data: [UInt8] = []) -> [UInt8] {
    rawFile(bytes: Array(header.utf8), data: data)
}

private func rawFile(bytes header: [UInt8], data: [UInt8] = []) -> [UInt8] {
    let prefix = stride(from: 0, to: 64, by: 8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> $0) }
    return prefix + header + data
}

/// The file position of the `occurrence`-th (1-based) `needle` in a `rawFile` header.
private func headerPosition(of needle: String, in header: String, occurrence: Int = 1) -> Int {
    let bytes = Array(header.utf8), target = Array(needle.utf8)
    var seen = 0
    for start in 0...(bytes.count - target.count) where Array(bytes[start..<(start + target.count)]) == target {
        seen += 1
        if seen == occurrence { return 8 + start }
    }
    preconditionFailure("\(needle) not found \(occurrence) times in \(header)")
}

/// Bit patterns, so NaN payloads and -0 compare exactly.
private func bits(_ file: SafetensorsFile) -> [[UInt32]] {
    file.tensors.map { $0.values.map(\.bitPattern) }
}

private let sample = SafetensorsFile(tensors: [
    SafetensorsTensor(name: "dense.weight", shape: [2, 3], values: [1, -2, 3.5, 0, 1e-30, -7e20]),
    SafetensorsTensor(name: "dense.bias", shape: [3], values: [0.25, -0.5, 0.125]),
    SafetensorsTensor(name: "scale", shape: [], values: [42]),
    SafetensorsTensor(name: "empty", shape: [0], values: []),
    SafetensorsTensor(name: "empty.matrix", shape: [3, 0], values: []),
    SafetensorsTensor(name: "lstm.h0", shape: [1, 1, 2], values: [-1, 1]),
])

private let f32One: [UInt8] = [0, 0, 0x80, 0x3F]

private func entry(_ name: String, shape: String = "[1]", offsets: String) -> String {
    #""\#(name)":{"dtype":"F32","shape":\#(shape),"data_offsets":\#(offsets)}"#
}

private let duplicateHeader = "{" + entry("a", offsets: "[0,4]") + "," + entry("a", offsets: "[0,4]") + "}"
private let malformedHeader = #"{"a":}"#
private let oneTensorHeader = "{" + entry("a", offsets: "[0,4]") + "}"

private let tensorW = SafetensorsTensor(name: "w", shape: [1], values: [1])

/// SplitMix64 (Steele, Lea & Flood 2014): small, seedable, good enough to pick mutations.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Decoding any bytes either throws a SafetensorsError or returns a file that
/// re-encodes and decodes to the same bits. Returns the error's case name.
private func checkDecoding(_ bytes: [UInt8]) -> String {
    do {
        let file = try SafetensorsFile.decode(bytes)
        let again = try SafetensorsFile.decode(try file.encoded())
        #expect(bits(again) == bits(file) && again.metadata == file.metadata
                && again.tensors.map(\.name) == file.tensors.map(\.name)
                && again.tensors.map(\.shape) == file.tensors.map(\.shape))
        return "accepted"
    } catch {
        // `error` is statically a SafetensorsError: decode and encoded use typed throws.
        return Mirror(reflecting: error).children.first?.label ?? error.description
    }
}

struct SafetensorsTests {
    // MARK: - Writing and round trips

    @Test(arguments: [[:], ["format": "pt", "note": "tab\there, quote \" and é"]])
    func roundTripKeepsTensorsOrderAndMetadata(metadata: [String: String]) throws {
        var file = sample
        file.metadata = metadata
        let bytes = try file.encoded()
        #expect(bytes.count % 8 == 0)  // header padded to 8, data all F32 → whole file is
        #expect(try SafetensorsFile.decode(bytes) == file)
    }

    @Test func encodingIsByteForByteTheDocumentedLayout() throws {
        let file = SafetensorsFile(
            tensors: [SafetensorsTensor(name: "w", shape: [2], values: [1, -2]),
                      SafetensorsTensor(name: "s", shape: [], values: [0.5])],
            metadata: ["k": "v"])
        let header = #"{"__metadata__":{"k":"v"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""s":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#
            + "    "  // 132 bytes of JSON + 4 spaces: 8 + 136 is a multiple of 8
        let expected: [UInt8] = [0x88, 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + [
            0x00, 0x00, 0x80, 0x3F,  // 1.0
            0x00, 0x00, 0x00, 0xC0,  // -2.0
            0x00, 0x00, 0x00, 0x3F,  // 0.5
        ]
        #expect(try file.encoded() == expected)
    }

    @Test func emptyFileIsAnEmptyObjectPaddedToEightBytes() throws {
        let bytes = try SafetensorsFile(tensors: []).encoded()
        #expect(bytes == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        #expect(try SafetensorsFile.decode(bytes) == SafetensorsFile(tensors: []))
    }

    @Test func namesAreEscapedAsJSONAndSurviveARoundTrip() throws {
        let name = "q\"b\\n\n\r\n\u{1}\u{1F}é😀/"
        let file = SafetensorsFile(tensors: [SafetensorsTensor(name: name, shape: [1], values: [1])],
                                   metadata: ["\u{7}key": "line\nbreak"])
        let bytes = try file.encoded()
        let header = String(decoding: bytes[8..<(8 + Int(bytes[0]))], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"\u0007key":"line\nbreak"},"q\"b\\n\n\r\n\u0001\u001fé😀/":{"#))
        #expect(try SafetensorsFile.decode(bytes) == file)
    }

    @Test func specialFloatsKeepTheirExactBits() throws {
        let values: [Float] = [.nan, -.nan, Float(bitPattern: 0x7FC0_1234), .infinity, -.infinity,
                               -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let file = SafetensorsFile(tensors: [SafetensorsTensor(name: "x", shape: [8], values: values)])
        #expect(bits(try SafetensorsFile.decode(try file.encoded())) == bits(file))
    }

    @Test func tensorNamedFindsByName() {
        #expect(sample.tensor(named: "scale")?.values == [42])
        #expect(sample.tensor(named: "missing") == nil)
    }

    // MARK: - Reading what others write

    @Test func decodesAFileWithoutMetadataInAnyFieldOrderAndWhitespace() throws {
        // Header order differs from data order; the reader returns data order.
        let header = """
            { "b" : { "data_offsets" : [4, 8], "shape" : [1], "dtype" : "F32" },
              "a" : { "shape" : [ ], "dtype" : "F32", "data_offsets" : [0, 4] } }\t\r\n
            """
        let file = try SafetensorsFile.decode(rawFile(header, data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]))
        #expect(file == SafetensorsFile(tensors: [SafetensorsTensor(name: "a", shape: [], values: [1]),
                                                  SafetensorsTensor(name: "b", shape: [1], values: [2])]))
        #expect(file.metadata.isEmpty)
    }

    @Test func decodesJSONEscapesIncludingSurrogatePairs() throws {
        let header = #"{"__metadata__":{"k\/":"\ud83d\ude00\u00e9\b\f"},"\u0041":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#
        let file = try SafetensorsFile.decode(rawFile(header))
        #expect(file.metadata == ["k/": "😀é\u{8}\u{C}"])
        #expect(file.tensors.map(\.name) == ["A"])
    }

    /// Made by the reference implementation (safetensors 0.8.0, numpy 2.4):
    ///
    ///     from safetensors.numpy import save_file
    ///     save_file({"a": np.arange(6, dtype=np.float32).reshape(2, 3),
    ///                "b": np.array([1.5, -2, 0, 3.25], dtype=np.float32)},
    ///               "python_written.safetensors", metadata={"format": "pt", "spec": "dense 3"})
    @Test func decodesAFileWrittenByThePythonReference() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/python_written.safetensors")
        let file = try SafetensorsFile.decode(Array(Data(contentsOf: url)))
        #expect(file == SafetensorsFile(
            tensors: [SafetensorsTensor(name: "a", shape: [2, 3], values: [0, 1, 2, 3, 4, 5]),
                      SafetensorsTensor(name: "b", shape: [4], values: [1.5, -2, 0, 3.25])],
            metadata: ["format": "pt", "spec": "dense 3"]))
    }

    // MARK: - Errors, one case each

    struct DecodeErrorCase: Sendable, CustomTestStringConvertible {
        var label: String
        var bytes: [UInt8]
        var expected: SafetensorsError
        /// Text the description must contain: the tensor name or byte position.
        var mentions: [String]
        var testDescription: String { label }
    }

    static let decodeErrorCases: [DecodeErrorCase] = [
        DecodeErrorCase(label: "empty file", bytes: [], expected: .fileTooShort(byteCount: 0), mentions: ["0 bytes"]),
        DecodeErrorCase(label: "7-byte file", bytes: [1, 0, 0, 0, 0, 0, 0], expected: .fileTooShort(byteCount: 7),
                        mentions: ["7 bytes"]),
        DecodeErrorCase(label: "header longer than file", bytes: [100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8),
                        expected: .headerLengthExceedsFile(headerLength: 100, bytesAfterPrefix: 2), mentions: ["100", "2 bytes"]),
        DecodeErrorCase(label: "header length near UInt64.max", bytes: [UInt8](repeating: 0xFF, count: 8) + [0x7B],
                        expected: .headerLengthExceedsFile(headerLength: .max, bytesAfterPrefix: 1), mentions: ["\(UInt64.max)"]),
        DecodeErrorCase(label: "header not UTF-8", bytes: rawFile(bytes: [0x7B, 0x22, 0x61, 0xFF, 0x22, 0x7D]),
                        expected: .headerNotUTF8(byteOffset: 11), mentions: ["byte 11"]),
        DecodeErrorCase(label: "overlong UTF-8", bytes: rawFile(bytes: [0x22, 0xC0, 0xAF, 0x22]),
                        expected: .headerNotUTF8(byteOffset: 9), mentions: ["byte 9"]),
        DecodeErrorCase(label: "UTF-8-encoded surrogate", bytes: rawFile(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]),
                        expected: .headerNotUTF8(byteOffset: 9), mentions: ["byte 9"]),
        DecodeErrorCase(label: "malformed JSON", bytes: rawFile(malformedHeader),
                        expected: .malformedHeaderJSON(byteOffset: 13, expected: "a JSON value"), mentions: ["byte 13"]),
        DecodeErrorCase(label: "empty header", bytes: rawFile(""),
                        expected: .malformedHeaderJSON(byteOffset: 8, expected: "a JSON value"), mentions: ["byte 8"]),
        DecodeErrorCase(label: "text after the object", bytes: rawFile("{} x"),
                        expected: .malformedHeaderJSON(byteOffset: 11, expected: "the end of the header"), mentions: ["byte 11"]),
        DecodeErrorCase(label: "raw newline in a string", bytes: rawFile("{\"a\n\":1}"),
                        expected: .malformedHeaderJSON(byteOffset: 11,
                                                       expected: "an escape sequence instead of a raw control character"),
                        mentions: ["byte 11"]),
        DecodeErrorCase(label: "lone low surrogate", bytes: rawFile(#"{"\udc00":1}"#),
                        expected: .malformedHeaderJSON(byteOffset: 10, expected: "a high surrogate before a \\u low surrogate"),
                        mentions: ["byte 10"]),
        DecodeErrorCase(label: "deep nesting", bytes: rawFile(String(repeating: "[", count: 100_000)),
                        expected: .malformedHeaderJSON(byteOffset: 8 + 64, expected: "at most 64 levels of nesting"),
                        mentions: ["byte 72"]),
        DecodeErrorCase(label: "duplicate tensor name", bytes: rawFile(duplicateHeader, data: f32One),
                        expected: .duplicateKey("a", byteOffset: headerPosition(of: "\"a\"", in: duplicateHeader, occurrence: 2)),
                        mentions: ["\"a\"", "byte \(headerPosition(of: "\"a\"", in: duplicateHeader, occurrence: 2))"]),
        DecodeErrorCase(label: "header an array", bytes: rawFile("[1,2]"), expected: .headerNotObject, mentions: ["object"]),
        DecodeErrorCase(label: "entry not an object", bytes: rawFile(#"{"a":5}"#),
                        expected: .tensorEntryNotObject(tensor: "a"), mentions: ["\"a\""]),
        DecodeErrorCase(label: "missing data_offsets", bytes: rawFile(#"{"a":{"dtype":"F32","shape":[1]}}"#, data: f32One),
                        expected: .missingField(tensor: "a", field: "data_offsets"), mentions: ["\"a\"", "data_offsets"]),
        DecodeErrorCase(label: "missing dtype", bytes: rawFile(#"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, data: f32One),
                        expected: .missingField(tensor: "a", field: "dtype"), mentions: ["\"a\"", "dtype"]),
        DecodeErrorCase(label: "missing shape", bytes: rawFile(#"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#, data: f32One),
                        expected: .missingField(tensor: "a", field: "shape"), mentions: ["\"a\"", "shape"]),
        DecodeErrorCase(label: "dtype a number", bytes: rawFile(#"{"a":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}"#, data: f32One),
                        expected: .wrongFieldType(tensor: "a", field: "dtype", expected: "a string such as \"F32\""),
                        mentions: ["\"a\"", "dtype"]),
        DecodeErrorCase(label: "shape of booleans", bytes: rawFile("{" + entry("a", shape: "[true]", offsets: "[0,4]") + "}", data: f32One),
                        expected: .wrongFieldType(tensor: "a", field: "shape", expected: "an array of integers"),
                        mentions: ["\"a\"", "shape"]),
        DecodeErrorCase(label: "shape of fractions", bytes: rawFile("{" + entry("a", shape: "[1.0]", offsets: "[0,4]") + "}", data: f32One),
                        expected: .wrongFieldType(tensor: "a", field: "shape", expected: "an array of integers"),
                        mentions: ["\"a\""]),
        DecodeErrorCase(label: "shape dimension beyond Int", bytes: rawFile("{" + entry("a", shape: "[99999999999999999999]", offsets: "[0,4]") + "}"),
                        expected: .wrongFieldType(tensor: "a", field: "shape", expected: "an array of integers"),
                        mentions: ["\"a\""]),
        DecodeErrorCase(label: "three data_offsets", bytes: rawFile("{" + entry("a", offsets: "[0,4,8]") + "}", data: f32One),
                        expected: .wrongFieldType(tensor: "a", field: "data_offsets", expected: "an array of two integers [begin, end]"),
                        mentions: ["\"a\"", "data_offsets"]),
        DecodeErrorCase(label: "unknown field", bytes: rawFile(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}"#, data: f32One),
                        expected: .unexpectedField(tensor: "a", field: "x"), mentions: ["\"a\"", "\"x\""]),
        DecodeErrorCase(label: "F16", bytes: rawFile(#"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: f32One),
                        expected: .unsupportedDType(tensor: "h", dtype: "F16"), mentions: ["\"h\"", "F16", "only \"F32\""]),
        DecodeErrorCase(label: "negative dimension", bytes: rawFile("{" + entry("a", shape: "[2,-1]", offsets: "[0,0]") + "}"),
                        expected: .negativeDimension(tensor: "a", shape: [2, -1]), mentions: ["\"a\"", "[2, -1]"]),
        DecodeErrorCase(label: "element count overflow", bytes: rawFile("{" + entry("a", shape: "[4294967296,4294967296]", offsets: "[0,0]") + "}"),
                        expected: .elementCountOverflow(tensor: "a", shape: [4_294_967_296, 4_294_967_296]), mentions: ["\"a\""]),
        DecodeErrorCase(label: "byte size overflow", bytes: rawFile("{" + entry("a", shape: "[4611686018427387904]", offsets: "[0,0]") + "}"),
                        expected: .elementCountOverflow(tensor: "a", shape: [4_611_686_018_427_387_904]), mentions: ["\"a\""]),
        DecodeErrorCase(label: "offsets span the wrong length", bytes: rawFile("{" + entry("v", shape: "[2]", offsets: "[0,4]") + "}", data: f32One),
                        expected: .byteLengthMismatch(tensor: "v", expectedBytes: 8, foundBytes: 4),
                        mentions: ["\"v\"", "8 bytes", "4 bytes"]),
        DecodeErrorCase(label: "end past the data", bytes: rawFile("{" + entry("a", shape: "[2]", offsets: "[0,8]") + "}", data: f32One),
                        expected: .offsetsOutOfRange(tensor: "a", begin: 0, end: 8, dataSize: 4), mentions: ["\"a\"", "[0, 8]"]),
        DecodeErrorCase(label: "reversed offsets", bytes: rawFile("{" + entry("a", offsets: "[4,0]") + "}", data: f32One + f32One),
                        expected: .offsetsOutOfRange(tensor: "a", begin: 4, end: 0, dataSize: 8), mentions: ["\"a\""]),
        DecodeErrorCase(label: "negative offset", bytes: rawFile("{" + entry("a", offsets: "[-4,0]") + "}"),
                        expected: .offsetsOutOfRange(tensor: "a", begin: -4, end: 0, dataSize: 0), mentions: ["\"a\""]),
        DecodeErrorCase(label: "gap before the first tensor", bytes: rawFile("{" + entry("a", offsets: "[4,8]") + "}", data: f32One + f32One),
                        expected: .nonContiguousData(tensor: "a", expectedBegin: 0, foundBegin: 4), mentions: ["\"a\"", "gap of 4 bytes"]),
        DecodeErrorCase(label: "gap between tensors",
                        bytes: rawFile("{" + entry("a", offsets: "[0,4]") + "," + entry("b", offsets: "[8,12]") + "}",
                                       data: f32One + f32One + f32One),
                        expected: .nonContiguousData(tensor: "b", expectedBegin: 4, foundBegin: 8), mentions: ["\"b\"", "gap"]),
        DecodeErrorCase(label: "overlapping tensors",
                        bytes: rawFile("{" + entry("a", shape: "[2]", offsets: "[0,8]") + "," + entry("b", offsets: "[4,8]") + "}",
                                       data: f32One + f32One),
                        expected: .nonContiguousData(tensor: "b", expectedBegin: 8, foundBegin: 4),
                        mentions: ["\"b\"", "overlapping the previous tensor by 4 bytes"]),
        DecodeErrorCase(label: "trailing bytes", bytes: rawFile(oneTensorHeader, data: f32One + [9, 9]),
                        expected: .trailingBytes(count: 2, byteOffset: 8 + oneTensorHeader.utf8.count + 4),
                        mentions: ["2 bytes", "byte \(8 + oneTensorHeader.utf8.count + 4)"]),
        DecodeErrorCase(label: "metadata a string", bytes: rawFile(#"{"__metadata__":"x"}"#),
                        expected: .metadataNotObject, mentions: ["__metadata__"]),
        DecodeErrorCase(label: "metadata null", bytes: rawFile(#"{"__metadata__":null}"#),
                        expected: .metadataNotObject, mentions: ["__metadata__"]),
        DecodeErrorCase(label: "metadata value a number", bytes: rawFile(#"{"__metadata__":{"epoch":3}}"#),
                        expected: .metadataValueNotString(key: "epoch"), mentions: ["\"epoch\""]),
    ]

    @Test(arguments: decodeErrorCases)
    func decodeRejects(_ errorCase: DecodeErrorCase) {
        #expect(throws: errorCase.expected) { try SafetensorsFile.decode(errorCase.bytes) }
        let description = errorCase.expected.description
        for text in errorCase.mentions {
            #expect(description.contains(text), "\(description)")
        }
    }

    struct EncodeErrorCase: Sendable, CustomTestStringConvertible {
        var label: String
        var file: SafetensorsFile
        var expected: SafetensorsError
        var mentions: [String]
        var testDescription: String { label }
    }

    static let encodeErrorCases: [EncodeErrorCase] = [
        EncodeErrorCase(label: "too few values",
                        file: SafetensorsFile(tensors: [SafetensorsTensor(name: "w", shape: [2, 2], values: [1, 2, 3])]),
                        expected: .valueCountMismatch(tensor: "w", shape: [2, 2], expected: 4, found: 3),
                        mentions: ["\"w\"", "needs 4 values", "holds 3"]),
        EncodeErrorCase(label: "duplicate name", file: SafetensorsFile(tensors: [tensorW, tensorW]),
                        expected: .duplicateTensorName("w"), mentions: ["\"w\""]),
        EncodeErrorCase(label: "reserved name",
                        file: SafetensorsFile(tensors: [SafetensorsTensor(name: "__metadata__", shape: [], values: [1])]),
                        expected: .reservedTensorName("__metadata__"), mentions: ["\"__metadata__\""]),
        EncodeErrorCase(label: "negative dimension",
                        file: SafetensorsFile(tensors: [SafetensorsTensor(name: "w", shape: [-1], values: [])]),
                        expected: .negativeDimension(tensor: "w", shape: [-1]), mentions: ["\"w\""]),
        EncodeErrorCase(label: "overflowing shape",
                        file: SafetensorsFile(tensors: [SafetensorsTensor(name: "w", shape: [.max, 2], values: [])]),
                        expected: .elementCountOverflow(tensor: "w", shape: [.max, 2]), mentions: ["\"w\""]),
    ]

    @Test(arguments: encodeErrorCases)
    func encodeRejects(_ errorCase: EncodeErrorCase) {
        #expect(throws: errorCase.expected) { try errorCase.file.encoded() }
        for text in errorCase.mentions {
            #expect(errorCase.expected.description.contains(text))
        }
    }

    // MARK: - Fuzzing

    @Test func decodingSurvivesTruncationsFlipsAndGarbage() throws {
        var file = sample
        file.metadata = ["format": "pt", "esc\u{1}\"": "\\u00e9 é"]
        let valid = try file.encoded()
        let headerLength = valid[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let header = Array(valid[8..<(8 + headerLength)])
        let data = Array(valid[(8 + headerLength)...])
        let jsonBytes = Array(#"{}[]":,0123456789-.eE \u"#.utf8) + [0xC3, 0xA9, 0x00]
        let digits = Array("0123456789".utf8)
        var rng = SplitMix64(state: 0x5AFE_7E45)
        var outcomes: [String: Int] = [:]
        var trials = 0
        func record(_ bytes: [UInt8]) {
            outcomes[checkDecoding(bytes), default: 0] += 1
            trials += 1
        }

        // Every truncation.
        for length in 0..<valid.count { record(Array(valid.prefix(length))) }
        // Random byte replacements anywhere, length prefix included.
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            record(bytes)
        }
        // Header edits with a consistent length prefix, so the JSON and
        // validation layers are reached, with the data section cut or grown.
        for _ in 0..<3000 {
            var json = header
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<json.count, using: &rng)
                let byte = jsonBytes.randomElement(using: &rng) ?? 0
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:  // a digit for a digit keeps the JSON valid and moves shapes and offsets
                    if let digit = json.indices.filter({ digits.contains(json[$0]) }).randomElement(using: &rng) {
                        json[digit] = digits.randomElement(using: &rng) ?? 0
                    }
                case 1: json[at] = byte
                case 2: json.insert(byte, at: at)
                default: if json.count > 1 { json.remove(at: at) }
                }
            }
            var tail = data
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: tail.removeLast(Int.random(in: 0...min(8, tail.count), using: &rng))
            case 1: tail += [0, 0, 0x80, 0x3F]
            default: break
            }
            record(rawFile(bytes: json, data: tail))
        }
        // Garbage, bare and behind a length prefix that fits.
        for _ in 0..<1000 {
            let garbage = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            record(garbage)
            record(rawFile(bytes: garbage))
        }

        #expect(trials > 8000)
        // The mutations must reach deep checks, not stop at the framing.
        #expect(outcomes["accepted", default: 0] > 50)
        #expect(outcomes.count >= 10, "\(outcomes)")
    }
}
