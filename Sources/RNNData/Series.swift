import Foundation

/// Raw price series: one array per sequence, in order; lengths may differ.
///
/// `names` holds each sequence's key when the series came from a CSV file with a key
/// column (messages then say `sequence 'MSFT'` instead of `sequence 2`).
public struct Series: Sendable, Equatable {
    public var sequences: [[Double]]
    /// One name per sequence, or nil.
    public var names: [String]?

    public init(sequences: [[Double]], names: [String]? = nil) {
        self.sequences = sequences
        self.names = names
    }

    /// Number of sequences.
    public var count: Int { sequences.count }

    /// Length of every sequence, in order.
    public var lengths: [Int] { sequences.map(\.count) }

    /// Length of the longest sequence (0 for an empty series).
    public var longest: Int { sequences.map(\.count).max() ?? 0 }

    /// The reference errors use for sequence `index` (0-based).
    public func ref(_ index: Int) -> SequenceRef {
        SequenceRef(index: index, name: names.flatMap { index < $0.count ? $0[index] : nil })
    }

    /// Checks that there is at least one sequence, that every sequence has at least
    /// `minimumLength` steps and that every value is finite.
    public func validate(minimumLength: Int = 2) throws(DataError) {
        guard !sequences.isEmpty else { throw .emptySeries }
        for (s, sequence) in sequences.enumerated() {
            if sequence.count < minimumLength {
                throw .sequenceTooShort(ref(s), length: sequence.count, needed: minimumLength, reason: "")
            }
            if let step = sequence.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteValue(ref(s), step: step)
            }
        }
    }
}

/// Where a series comes from: enough to make it again, exactly.
///
/// Stored with runs and checkpoints. Encoded as `{"kind": "sine", "options": {…}, "seed": 7}`
/// or `{"kind": "csv", "source": {…}}`.
public enum DataSpec: Codable, Sendable, Equatable {
    /// The article's generator; `seed` is the master seed, the stream is
    /// `Random(masterSeed: seed, purpose: .data)`.
    case sine(SineOptions, seed: UInt64)
    /// A CSV file, with the content hash of the bytes it was read from.
    case csv(CSVSource)

    /// The `data` command that makes this series (the seed is set by `seed N`).
    public var text: String {
        switch self {
        case let .sine(options, _): options.text
        case let .csv(source): source.text
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, options, seed, source }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case "sine":
            self = .sine(try container.decode(SineOptions.self, forKey: .options),
                         seed: try container.decode(UInt64.self, forKey: .seed))
        case "csv":
            self = .csv(try container.decode(CSVSource.self, forKey: .source))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container,
                                                   debugDescription: "unknown data kind '\(kind)' (expected sine or csv)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .sine(options, seed):
            try container.encode("sine", forKey: .kind)
            try container.encode(options, forKey: .options)
            try container.encode(seed, forKey: .seed)
        case let .csv(source):
            try container.encode("csv", forKey: .kind)
            try container.encode(source, forKey: .source)
        }
    }
}

extension Series {
    /// Makes the series a spec describes again: regenerates a sine series; re-reads a CSV
    /// file and refuses it (`DataError.contentChanged`) when its bytes are no longer the
    /// ones the spec was made from.
    public static func load(_ spec: DataSpec) throws(DataError) -> Series {
        switch spec {
        case let .sine(options, seed):
            return try sine(options, seed: seed)
        case let .csv(source):
            let bytes = try CSVFile.read(path: source.path, displayName: source.path)
            let hash = SHA256.hex(of: bytes)
            guard hash == source.contentHash else {
                throw .contentChanged(FilePlace(file: source.path), expected: source.contentHash, found: hash)
            }
            return try csv(bytes: bytes, fileName: source.path, column: source.column, key: source.key)
        }
    }
}
