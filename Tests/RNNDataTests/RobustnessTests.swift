import Testing
@testable import RNNData
import RNNEngine

/// Seeded random bytes into the CSV reader (and what it accepts into the preparation):
/// every input either parses into a valid series or throws a `DataError` with a sane place.
struct RobustnessTests {
    static let alphabet = Array(",,,\"\"\n\n\r0123456789.-+eE aclosx\t".utf8)
    static let valid = Array("date,sym,close\nd1,A,1.5\nd2,B,2\nd3,A,\"3\"\nd4,B,4e-1\n\"d\n5\",A,5\n".utf8)

    /// A random input: CSV-flavoured bytes, arbitrary bytes, or a valid file with a few bytes changed.
    static func input(_ rng: inout Random) -> [UInt8] {
        let style = rng.next() % 4
        if style == 3 {
            var bytes = valid
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let position = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[position] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
                }
            }
            return bytes
        }
        let count = Int(rng.next() % 120)
        var bytes: [UInt8] = style == 0 ? Array("a,close,k\n".utf8) : []
        for _ in 0..<count {
            bytes.append(style == 2 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))])
        }
        return bytes
    }

    @Test func randomBytesNeverTrap() {
        var rng = Random(masterSeed: 2024, purpose: .data)
        let columns: [CSVColumn] = [.name("close"), .index(1), .index(2), .index(3)]
        let keys: [CSVColumn?] = [nil, nil, .index(1), .index(2), .name("sym")]
        var parsed = 0, refused = 0
        for _ in 0..<4000 {
            let bytes = Self.input(&rng)
            let column = columns[Int(rng.next() % UInt64(columns.count))]
            let key = keys[Int(rng.next() % UInt64(keys.count))]
            do {
                let series = try Series.csv(bytes: bytes, fileName: "fuzz.csv", column: column, key: key)
                parsed += 1
                #expect(!series.sequences.isEmpty)
                #expect(series.sequences.allSatisfy { $0.count >= 2 && $0.allSatisfy(\.isFinite) })
                #expect(series.names == nil ? key == nil : series.names?.count == series.count)
                // What parses also prepares (or is refused with a DataError).
                do {
                    let data = try Preparation.prepare(series, features: FeatureSpec(window: 3, scale: .zscore),
                                                       targets: .defaultQ, validation: nil)
                    #expect(data.inputs.shape == [series.longest, series.count, 3])
                } catch {
                    #expect(!error.description.isEmpty)
                }
            } catch {
                refused += 1
                let place = error.place
                #expect(place?.file == "fuzz.csv")
                #expect((place?.line ?? 1) >= 1 && (place?.column ?? 1) >= 1)
                #expect(error.description.hasPrefix("fuzz.csv"))
            }
        }
        // Both outcomes occur: the inputs reach past the header checks.
        #expect(parsed > 100 && refused > 100, "parsed \(parsed), refused \(refused)")
    }

    @Test func randomUnicodeTextNeverTraps() {
        var rng = Random(masterSeed: 7, purpose: .data)
        let pieces = ["a", "close", ",", "\"", "\n", "\r\n", "1", "-2.5", "é", "😀", "\u{0}", "\u{FEFF}", "\u{301}", " ", "e9"]
        for _ in 0..<1000 {
            var text = "a,close\n"
            for _ in 0..<Int(rng.next() % 40) { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            do {
                let series = try Series.csv(text: text, fileName: "fuzz.csv", column: .name("close"), key: nil)
                #expect(series.sequences[0].count >= 2)
            } catch {
                #expect(error.description.hasPrefix("fuzz.csv"))
            }
        }
    }
}
