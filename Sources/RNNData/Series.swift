import Foundation

/// Raw series: per channel, one array per sequence, in order; lengths may differ between
/// sequences but not between the channels of one sequence.
///
/// `names` holds each sequence's key when the series came from a CSV file with a key
/// column (messages then say `sequence 'MSFT'` instead of `sequence 2`). A generator and a
/// one-column CSV make one channel; `data csv … columns=A,B` one per column.
public struct Series: Sendable, Equatable {
    /// `[channel][sequence][step]`; missing values already filled (see `missing`).
    public var channels: [[[Double]]]
    /// One name per channel (the CSV column's header; `value` for a generator).
    public var channelNames: [String]
    /// One name per sequence, or nil.
    public var names: [String]?
    /// The time of each step, when the file has a time column.
    public var time: SeriesTime?
    /// Which values were missing and how they were handled (nil: none was).
    public var missing: MissingValues?

    /// A one-channel series (the sine generator's, a one-column CSV's).
    public init(sequences: [[Double]], names: [String]? = nil) {
        self.init(channels: [sequences], channelNames: ["value"], names: names)
    }

    public init(channels: [[[Double]]], channelNames: [String], names: [String]? = nil, time: SeriesTime? = nil,
                missing: MissingValues? = nil) {
        self.channels = channels
        self.channelNames = channelNames
        self.names = names
        self.time = time
        self.missing = missing
    }

    /// The first channel: the only one of a one-channel series.
    public var sequences: [[Double]] {
        get { channels.first ?? [] }
        set { if channels.isEmpty { channels = [newValue] } else { channels[0] = newValue } }
    }

    /// Number of channels C.
    public var channelCount: Int { channels.count }

    /// The channel of a column name, if any.
    public func channel(named name: String) -> Int? {
        channelNames.firstIndex(of: name)
    }

    /// The label of sequence `index` (0-based) in predictions: its key, else its number from 1.
    public func label(_ index: Int) -> String {
        names.flatMap { index < $0.count ? $0[index] : nil } ?? "\(index + 1)"
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
        }
        for channel in channels {
            for (s, sequence) in channel.enumerated() {
                if let step = sequence.firstIndex(where: { !$0.isFinite }) {
                    throw .nonFiniteValue(ref(s), step: step)
                }
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
            return try csv(bytes: bytes, fileName: source.path, options: source.options)
        }
    }
}

/// `data csv … missing=error|mask|ffill`: what a missing value (an empty cell, `NA`, `NaN`,
/// `nan`, `null`) does.
public enum MissingMode: String, Codable, Sendable, CaseIterable {
    /// The first one is an error naming its line and column (the default).
    case error
    /// Kept out of loss and metrics as a target; as an input, the last known value (before
    /// the first known one, the first known one).
    case mask
    /// The last known value everywhere; a missing first value of a sequence is an error.
    case ffill
}

/// The missing values of a series: how many per column, what was done, and where they were
/// (so `mask` can keep them out of targets).
public struct MissingValues: Sendable, Equatable {
    public var mode: MissingMode
    /// Per channel, in the series' channel order.
    public var counts: [Int]
    /// `[channel][sequence][step]`: true where the file had no value.
    public var cells: [[[Bool]]]

    public init(mode: MissingMode, counts: [Int], cells: [[[Bool]]]) {
        self.mode = mode
        self.counts = counts
        self.cells = cells
    }

    /// Whether channel `c` of sequence `s` was missing at step `t`.
    public func isMissing(channel c: Int, sequence s: Int, step t: Int) -> Bool {
        c < cells.count && s < cells[c].count && t < cells[c][s].count && cells[c][s][t]
    }
}

/// What `show data` reports of a series, as plain values: per sequence its label, length and
/// time range; per column the missing values and the range of the values.
public struct SeriesSummary: Sendable, Equatable {
    public struct Sequence: Sendable, Equatable {
        public var label: String
        public var length: Int
        /// The first and last time (the time column's text), nil without one.
        public var firstTime: String?
        public var lastTime: String?
    }

    public struct Column: Sendable, Equatable {
        public var name: String
        /// Values the file lacked (0 without missing values).
        public var missing: Int
        public var min: Double
        public var max: Double
        public var mean: Double
    }

    public var sequences: [Sequence]
    public var columns: [Column]
    /// The time column's name and kind, if any.
    public var time: (name: String, kind: TimeKind)?
    /// What was done with missing values (nil when none was missing).
    public var missingMode: MissingMode?

    public static func == (a: SeriesSummary, b: SeriesSummary) -> Bool {
        a.sequences == b.sequences && a.columns == b.columns && a.time?.name == b.time?.name
            && a.time?.kind == b.time?.kind && a.missingMode == b.missingMode
    }
}

extension Series {
    /// The summary `show data` prints.
    public func summary() -> SeriesSummary {
        let sequences = (0..<count).map { s in
            SeriesSummary.Sequence(label: label(s), length: self.sequences[s].count,
                                   firstTime: time?.texts[s].first, lastTime: time?.texts[s].last)
        }
        let columns = channels.enumerated().map { c, channel in
            let all = channel.flatMap { $0 }
            return SeriesSummary.Column(name: channelNames[c], missing: missing?.counts[c] ?? 0, min: all.min() ?? 0,
                                        max: all.max() ?? 0, mean: all.isEmpty ? 0 : all.reduce(0, +) / Double(all.count))
        }
        return SeriesSummary(sequences: sequences, columns: columns, time: time.map { ($0.name, $0.kind) },
                             missingMode: missing?.mode)
    }
}
