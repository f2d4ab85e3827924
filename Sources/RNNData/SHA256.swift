import Crypto

/// SHA-256 (FIPS 180-4) as hex, for the content hash of data files: swift-crypto's digest
/// (Foundation on Linux has no CryptoKit), under the name the callers and the stored hashes use.
public enum SHA256: Sendable {
    /// The 32-byte digest of `bytes`.
    public static func digest(of bytes: [UInt8]) -> [UInt8] {
        Array(Crypto.SHA256.hash(data: bytes))
    }

    /// The digest as 64 lowercase hex digits.
    public static func hex(of bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(digest(of: bytes).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }
}
