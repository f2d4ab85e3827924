import Foundation
import Synchronization

/// Tensors kept beside a JSON header instead of inside it (a checkpoint's binary layout).
///
/// Put a `TensorBlobWriter` in a `JSONEncoder`'s `userInfo` under `writerKey` and every tensor
/// encodes as `{"shape": …, "offset": …}`, its values appended to the writer; give the decoder
/// a `TensorBlobReader` over those bytes under `readerKey` to read them back. Values are raw
/// little-endian float32, so they round-trip bit for bit (NaN payloads included).
public enum TensorBlob {
    public static let writerKey = CodingUserInfoKey(rawValue: "rnnlab.tensorBlob.writer")!
    public static let readerKey = CodingUserInfoKey(rawValue: "rnnlab.tensorBlob.reader")!
}

/// A blob that does not fit its header: a tensor out of place, out of range, or of an impossible shape.
public struct TensorBlobError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Collects tensor values during one encode; `copy(into:)` then lays them out in order.
public final class TensorBlobWriter: Sendable {
    /// The arrays as encoded (copy-on-write: nothing is copied until `copy(into:)`).
    private let pending = Mutex<(arrays: [[Float]], bytes: Int)>(([], 0))

    public init() {}

    /// Total bytes of the tensors appended so far.
    public var byteCount: Int { pending.withLock { $0.bytes } }

    /// Appends a tensor's values; returns their byte offset in the blob.
    func append(_ values: [Float]) throws -> Int {
        try pending.withLock { state in
            let (size, overflow) = values.count.multipliedReportingOverflow(by: 4)
            let (end, overflow2) = state.bytes.addingReportingOverflow(size)
            guard !overflow, !overflow2 else { throw TensorBlobError("tensor blob larger than Int.max bytes") }
            let offset = state.bytes
            state.arrays.append(values)
            state.bytes = end
            return offset
        }
    }

    /// Writes every appended tensor, in order, as little-endian float32 into `buffer`
    /// (which must hold `byteCount` bytes).
    public func copy(into buffer: UnsafeMutableRawBufferPointer) {
        pending.withLock { state in
            precondition(buffer.count >= state.bytes, "tensor blob buffer too small")
            var offset = 0
            for array in state.arrays {
                array.withUnsafeBytes { source in
                    let target = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + source.count)])
                    #if _endian(little)
                    target.copyMemory(from: source)
                    #else
                    for (k, value) in array.enumerated() {
                        target.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * k, as: UInt32.self)
                    }
                    #endif
                    offset += source.count
                }
            }
        }
    }
}

/// Hands tensor values out of a blob during one decode, checking each tensor is where the
/// header says, in order, and inside the blob.
public final class TensorBlobReader: Sendable {
    private let data: Data
    private let range: Range<Int>
    /// Byte offset (from `range.lowerBound`) the next tensor must start at.
    private let next = Mutex<Int>(0)

    /// A reader of the bytes `range` of `data` (indices relative to `data.startIndex`).
    public init(data: Data, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= data.count)
        self.data = data
        self.range = range
    }

    /// Whether every byte of the blob was read (a shorter header leaves bytes over).
    public var isFullyRead: Bool { next.withLock { $0 } == range.count }

    /// The values of a tensor of `shape` stored at byte `offset`.
    func read(shape: [Int], offset: Int) throws -> [Float] {
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard dimension >= 0, !overflow else { throw TensorBlobError("invalid tensor shape \(shape)") }
            count = product
        }
        let (size, overflow) = count.multipliedReportingOverflow(by: 4)
        guard !overflow else { throw TensorBlobError("tensor shape \(shape) is too large") }
        return try next.withLock { expected in
            guard offset == expected else {
                throw TensorBlobError("tensor of shape \(shape) at byte \(offset) of the blob, expected at \(expected)")
            }
            let (end, overflow) = offset.addingReportingOverflow(size)
            guard !overflow, end <= range.count else {
                throw TensorBlobError("tensor of shape \(shape) at byte \(offset) runs past the blob's \(range.count) bytes")
            }
            expected = end
            let start = range.lowerBound + offset
            return data.withUnsafeBytes { raw in
                let source = UnsafeRawBufferPointer(rebasing: raw[start..<(start + size)])
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    #if _endian(little)
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                    #else
                    for k in 0..<count {
                        buffer[k] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
                    }
                    #endif
                    initialized = count
                }
            }
        }
    }
}
