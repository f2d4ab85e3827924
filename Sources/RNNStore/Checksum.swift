import Foundation

/// The checkpoint checksum: 64-bit FNV-1a over the state bytes, written as
/// "fnv1a64:" and 16 lowercase hex digits. It guards against accidental damage
/// (a flipped byte, a truncated blob), not against tampering; the prefix lets a later
/// format version name another algorithm. (Foundation has no SHA-256 on Linux, and
/// the store must not depend on RNNData's.)
public enum Checksum {
    static let prefix = "fnv1a64:"

    public static func fnv1a64(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            for byte in raw {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        return hash
    }

    public static func of(_ data: Data) -> String {
        let hex = String(fnv1a64(data), radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
