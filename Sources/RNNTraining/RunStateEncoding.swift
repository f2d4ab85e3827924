import Foundation
import RNNEngine

/// A run state's bytes (format 2): the magic "RNNSTATE", the format version (UInt32), the
/// header's length (UInt64), the header, then every tensor (weights, then optimizer slots)
/// as raw little-endian float32, back to back. Integers are little-endian.
///
/// The header is the state as JSON with each tensor written as its shape and byte offset into
/// the tensor section, so a checkpoint costs a copy of its floats rather than base64 text;
/// infinities and NaN (a schedule's best loss before its first epoch is +inf) are the strings
/// "inf", "-inf" and "nan". Format 1 (JSON with base64 tensors, no infinities) is still read.
extension RunState {
    static let magic = Data("RNNSTATE".utf8)
    /// Magic, version and header length.
    static let prefixLength = 8 + 4 + 8

    private static let floatStrings = (positive: "inf", negative: "-inf", nan: "nan")

    /// The state as bytes, in the current format.
    public func serialized() throws -> Data {
        let writer = TensorBlobWriter()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: Self.floatStrings.positive, negativeInfinity: Self.floatStrings.negative, nan: Self.floatStrings.nan)
        encoder.userInfo[TensorBlob.writerKey] = writer
        var current = self
        current.formatVersion = Self.formatVersion
        let header = try encoder.encode(current)
        let (withHeader, overflow) = Self.prefixLength.addingReportingOverflow(header.count)
        let (total, overflow2) = withHeader.addingReportingOverflow(writer.byteCount)
        guard !overflow, !overflow2 else { throw TrainingError.unreadableState("the state is larger than Int.max bytes") }
        var bytes = Data(count: total)
        bytes.withUnsafeMutableBytes { raw in
            Self.magic.withUnsafeBytes { raw.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 8) }
            raw.storeBytes(of: UInt32(Self.formatVersion).littleEndian, toByteOffset: 8, as: UInt32.self)
            raw.storeBytes(of: UInt64(header.count).littleEndian, toByteOffset: 12, as: UInt64.self)
            header.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: raw[Self.prefixLength..<withHeader]).copyMemory(from: source)
            }
            writer.copy(into: UnsafeMutableRawBufferPointer(rebasing: raw[withHeader...]))
        }
        return bytes
    }

    /// A state from `serialized()` bytes (either format), validated (`validate()`): a state that
    /// would make training trap is an error here, never a crash later.
    public static func deserialized(_ data: Data) throws -> RunState {
        let data = data.startIndex == 0 ? data : Data(data)     // indices from 0 below
        let state: RunState
        if data.count >= magic.count, data.prefix(magic.count) == magic {
            state = try decodeBinary(data)
        } else {
            do {
                state = try decoder().decode(RunState.self, from: data)
            } catch {
                throw TrainingError.unreadableState("\(error)")
            }
            guard state.formatVersion <= 1 else {
                throw TrainingError.unreadableState("it is JSON but says format \(state.formatVersion); only format 1 was JSON")
            }
        }
        try state.validate()
        return state
    }

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: floatStrings.positive, negativeInfinity: floatStrings.negative, nan: floatStrings.nan)
        return decoder
    }

    private static func decodeBinary(_ data: Data) throws -> RunState {
        guard data.count >= prefixLength else {
            throw TrainingError.unreadableState("it ends after \(data.count) bytes, inside its \(prefixLength)-byte prefix")
        }
        let (version, headerLength) = data.withUnsafeBytes { raw in
            (UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
             UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt64.self)))
        }
        guard version <= formatVersion else {
            throw TrainingError.unreadableState("it was written by a newer rnnlab (format \(version); this one reads up to \(formatVersion))")
        }
        guard version == 2 else {
            throw TrainingError.unreadableState("its binary prefix says format \(version); binary states are format 2")
        }
        guard let length = Int(exactly: headerLength), length <= data.count - prefixLength else {
            throw TrainingError.unreadableState("its header length \(headerLength) runs past its \(data.count) bytes")
        }
        let tensors = (prefixLength + length)..<data.count
        let reader = TensorBlobReader(data: data, range: tensors)
        let decoder = decoder()
        decoder.userInfo[TensorBlob.readerKey] = reader
        let state: RunState
        do {
            state = try decoder.decode(RunState.self, from: data.subdata(in: prefixLength..<(prefixLength + length)))
        } catch {
            throw TrainingError.unreadableState("its header cannot be decoded: \(error)")
        }
        guard state.formatVersion == version else {
            throw TrainingError.unreadableState("its header says format \(state.formatVersion), its prefix \(version)")
        }
        guard reader.isFullyRead else {
            throw TrainingError.unreadableState("its tensor section holds more bytes (\(tensors.count)) than its header describes")
        }
        return state
    }
}
