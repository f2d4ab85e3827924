import Foundation

/// What a random stream is for. Every stream derives from (master seed, purpose, index),
/// never from a run's name or id, so the same script gives the same numbers.
public enum RandomPurpose: UInt64, Sendable, Codable, CaseIterable {
    case data = 0x6461_7461          // "data"
    case initialization = 0x696e_6974 // "init"
    case noise = 0x6e6f_6973         // "nois": Gaussian noise and dropout masks
}

/// A seeded xoshiro256** generator with a Box–Muller Gaussian sampler.
///
/// Its whole state is a plain value (`Codable`), so a checkpoint restores it exactly.
/// Reference: Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2021).
public struct Random: Sendable, Codable, Equatable {
    private var s0, s1, s2, s3: UInt64
    /// The second value of the last Box–Muller pair, not yet handed out.
    private var spareGaussian: Float?

    /// A generator seeded from one 64-bit value through SplitMix64.
    public init(seed: UInt64) {
        var sm = seed
        s0 = Random.splitMix(&sm); s1 = Random.splitMix(&sm)
        s2 = Random.splitMix(&sm); s3 = Random.splitMix(&sm)
        spareGaussian = nil
    }

    /// The stream for `purpose` under `masterSeed`; `index` separates several streams of one purpose.
    public init(masterSeed: UInt64, purpose: RandomPurpose, index: UInt64 = 0) {
        var mix = masterSeed
        var derived = Random.splitMix(&mix) ^ purpose.rawValue
        derived = Random.splitMix(&derived) ^ (index &* 0x9E37_79B9_7F4A_7C15)
        self.init(seed: Random.splitMix(&derived))
    }

    private static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// A standard normal value (Box–Muller; the pair's second value is kept for the next call).
    public mutating func gaussian() -> Float {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        let (a, b) = gaussianPair()
        spareGaussian = Float(b)
        return Float(a)
    }

    /// A standard normal value in double precision (for data generation; uses no spare).
    public mutating func gaussianDouble() -> Double {
        gaussianPair().0
    }

    private mutating func gaussianPair() -> (Double, Double) {
        let u1 = 1 - uniform()          // (0, 1]: log stays finite
        let u2 = uniform()
        let radius = (-2 * Foundation.log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (radius * Foundation.cos(angle), radius * Foundation.sin(angle))
    }

    /// Fills `values` with `mean + std · N(0, 1)` (the fast vectorised sampler).
    public mutating func fillGaussian(_ values: inout [Float], mean: Float = 0, std: Float = 1) {
        for i in values.indices { values[i] = mean }
        addGaussian(to: &values, std: std)
    }

    /// Adds `std · N(0, 1)` to every value (the fast vectorised sampler; draws in blocks of 16).
    public mutating func addGaussian(to values: inout [Float], std: Float) {
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            GaussianKernels.addGaussian(to: base, count: buffer.count, std: std, rng: &self)
        }
    }
}
