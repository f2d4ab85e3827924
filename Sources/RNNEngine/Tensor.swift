import Foundation

/// A dense float32 tensor, contiguous and row-major.
///
/// Sequences are stored sequence-major, `(T, B, D)`: the `T·B` rows of width `D`
/// form one matrix, so time-distributed layers are a single matrix product.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    /// A tensor with the given values; `values.count` must equal the product of `shape`.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == values.count,
                     "Tensor shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor whose values are left unset, for buffers a kernel overwrites completely
    /// (saves zeroing hundreds of megabytes per chunk).
    init(uninitialized shape: [Int]) {
        let count = shape.reduce(1, *)
        self.shape = shape
        values = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    public var count: Int { values.count }

    /// Number of rows when the last dimension is the row width (`T·B` for `(T, B, D)`).
    public var rows: Int { shape.count <= 1 ? 1 : shape.dropLast().reduce(1, *) }

    /// Width of the last dimension.
    public var width: Int { shape.last ?? 1 }

    /// Sets every value to zero, keeping the storage.
    public mutating func zero() {
        values.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// The half-open range of time steps `[start, end)` of a `(T, B, D)` tensor.
    public func steps(_ range: Range<Int>) -> Tensor {
        precondition(shape.count == 3 && range.lowerBound >= 0 && range.upperBound <= shape[0])
        if range == 0..<shape[0] { return self }      // the whole sequence: share the storage
        let stride = shape[1] * shape[2]
        return Tensor(shape: [range.count, shape[1], shape[2]],
                      values: Array(values[(range.lowerBound * stride)..<(range.upperBound * stride)]))
    }

    /// Joins `(T_i, B, D)` tensors along time.
    public static func concatenatingSteps(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty)
        let b = parts[0].shape[1], d = parts[0].shape[2]
        precondition(parts.allSatisfy { $0.shape.count == 3 && $0.shape[1] == b && $0.shape[2] == d })
        var values: [Float] = []
        values.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { values.append(contentsOf: part.values) }
        return Tensor(shape: [parts.reduce(0) { $0 + $1.shape[0] }, b, d], values: values)
    }
}

/// Tensors encode their values as the base64 of their little-endian float32 bytes: exact
/// (bit for bit, NaN payloads included) and compact, for checkpoints. With a `TensorBlobWriter`
/// in the encoder's `userInfo` (a `TensorBlobReader` in the decoder's) they encode as their shape
/// and an offset into that binary blob instead (see `TensorBlob`).
extension Tensor: Codable {
    private enum CodingKeys: String, CodingKey { case shape, data, offset }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let shape = try container.decode([Int].self, forKey: .shape)
        if let reader = decoder.userInfo[TensorBlob.readerKey] as? TensorBlobReader, container.contains(.offset) {
            let offset = try container.decode(Int.self, forKey: .offset)
            do {
                self.init(shape: shape, values: try reader.read(shape: shape, offset: offset))
            } catch let error as TensorBlobError {
                throw DecodingError.dataCorruptedError(forKey: .offset, in: container, debugDescription: error.description)
            }
            return
        }
        let text = try container.decode(String.self, forKey: .data)
        guard let bytes = Data(base64Encoded: text), bytes.count % 4 == 0 else {
            throw DecodingError.dataCorruptedError(forKey: .data, in: container, debugDescription: "not base64 float32 data")
        }
        let values = bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { k in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
            }
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard dimension >= 0, !overflow else {
                throw DecodingError.dataCorruptedError(forKey: .shape, in: container, debugDescription: "invalid shape \(shape)")
            }
            count = product
        }
        guard count == values.count else {
            throw DecodingError.dataCorruptedError(forKey: .data, in: container,
                                                   debugDescription: "shape \(shape) needs \(count) values, found \(values.count)")
        }
        self.init(shape: shape, values: values)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shape, forKey: .shape)
        if let writer = encoder.userInfo[TensorBlob.writerKey] as? TensorBlobWriter {
            try container.encode(try writer.append(values), forKey: .offset)
            return
        }
        var bytes = Data(capacity: values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        try container.encode(bytes.base64EncodedString(), forKey: .data)
    }
}
