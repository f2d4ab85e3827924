import RNNLanes
/// Vectorised Box–Muller: sixteen standard normal values from eight 64-bit random words.
///
/// Each block gives uniforms u₁ ∈ (0, 1], u₂ ∈ [0, 1) with 23 random bits each; then
/// z₁ = √(−2 ln u₁)·cos 2πu₂ and z₂ = √(−2 ln u₁)·sin 2πu₂, with a Cephes-style log and
/// sin/cos polynomials on [−π/4, π/4] (errors below 1e-6, far under the noise's own scale).
enum GaussianKernels {
    typealias Vector = SIMD8<Float>

    /// Adds `std · N(0, 1)` to each of `count` values. Eight xoshiro256** lanes, seeded from
    /// `rng` (which advances by 32 words), produce the bits in parallel.
    static func addGaussian(to values: UnsafeMutablePointer<Float>, count: Int, std: Float, rng: inout Random) {
        var stream = GaussianStream(std: std, seededFrom: &rng)
        stream.add(to: values, count: count)
    }
}

/// One call's worth of Gaussian noise, drawn in pieces: adding to `n₁` values and then to the
/// next `n₂` gives exactly what one addition to `n₁ + n₂` values gives. A noise layer applied
/// segment by segment (recomputation) draws what it drew over the whole chunk.
struct GaussianStream: Sendable {
    private var lanes: GaussianKernels.XoshiroLanes
    private let std: Float
    /// The last block of sixteen drawn and how many of its values are used (16: all).
    private var block: (SIMD8<Float>, SIMD8<Float>) = (.zero, .zero)
    private var used = 16

    /// Seeds the lanes from `rng`, which advances by 32 words.
    init(std: Float, seededFrom rng: inout Random) {
        self.std = std
        lanes = GaussianKernels.XoshiroLanes(seededFrom: &rng)
    }

    /// Adds the stream's next `count` values `std · N(0, 1)` to `values`.
    mutating func add(to values: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while used < 16, i < count {
            values[i] += used < 8 ? block.0[used] : block.1[used - 8]
            used += 1
            i += 1
        }
        while i + 16 <= count {
            let (a, b) = GaussianKernels.sixteen(&lanes, std: std)
            let full = FullLanes()
            full.store(full.load(values + i) + a, values + i)
            full.store(full.load(values + i + 8) + b, values + i + 8)
            i += 16
        }
        if i < count {
            block = GaussianKernels.sixteen(&lanes, std: std)
            used = 0
            while i < count {
                values[i] += used < 8 ? block.0[used] : block.1[used - 8]
                used += 1
                i += 1
            }
        }
    }
}

extension GaussianKernels {
    /// Sixteen values `std · N(0, 1)`.
    @inline(__always)
    static func sixteen(_ lanes: inout XoshiroLanes, std: Float) -> (Vector, Vector) {
        // 16 × 32 random bits; 23 mantissa bits under the exponent of 1.0 give [1, 2) with
        // no int→float conversion (Swift's generic SIMD conversions go lane by lane).
        let bits = unsafeBitCast(lanes.next(), to: SIMD16<UInt32>.self)
        let u1 = 2 - unsafeBitCast((bits.lowHalf &>> 9) | 0x3F80_0000, to: Vector.self)     // (0, 1]
        let u2 = unsafeBitCast((bits.highHalf &>> 9) | 0x3F80_0000, to: Vector.self) - 1    // [0, 1)
        let radius = squareRoot(-2 * log(u1)) * std
        let (sine, cosine) = sinCosOfTurns(u2)
        return (radius * cosine, radius * sine)
    }

    /// Eight independent xoshiro256** generators in SIMD lanes (multiplications by 5 and 9
    /// written as shifts and adds, which AVX2 has for 64-bit lanes).
    struct XoshiroLanes {
        var s0, s1, s2, s3: SIMD8<UInt64>

        init(seededFrom rng: inout Random) {
            func word() -> SIMD8<UInt64> {
                var v = SIMD8<UInt64>()
                for lane in 0..<8 { v[lane] = rng.next() }
                return v
            }
            s0 = word(); s1 = word(); s2 = word(); s3 = word()
        }

        @inline(__always)
        mutating func next() -> SIMD8<UInt64> {
            let times5 = s1 &+ (s1 &<< 2)
            let rotated = (times5 &<< 7) | (times5 &>> 57)
            let result = rotated &+ (rotated &<< 3)
            let t = s1 &<< 17
            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
            s2 ^= t
            s3 = (s3 &<< 45) | (s3 &>> 19)
            return result
        }
    }

    /// Natural log for x in (0, 1] (musl's `logf`: x = 2ᵏ·(1+f) with 1+f in [√½, √2), then a
    /// rational approximation in s = f/(2+f)). Integer offsets instead of masks, so it vectorises.
    @inline(__always)
    static func log(_ x: Vector) -> Vector {
        let shifted = unsafeBitCast(x, to: SIMD8<Int32>.self) &+ (0x3F80_0000 - 0x3F35_04F3)
        let k = integerToFloat((shifted &>> 23) &- 0x7F)
        let f = unsafeBitCast((shifted & 0x007F_FFFF) &+ 0x3F35_04F3, to: Vector.self) - 1
        let s = f / (2 + f)
        let z = s * s, w = z * z
        let t1 = w * (0.400_009_72 + w * 0.242_790_79)
        let t2 = z * (0.666_666_63 + w * 0.284_987_87)
        let halfSquare = 0.5 * f * f
        return s * (halfSquare + t1 + t2) + k * 9.058_000_6e-6 - halfSquare + f + k * 0.693_138_12
    }

    /// sin and cos of 2π·t for t in [0, 1): reduce to the nearest quarter turn, evaluate Taylor
    /// polynomials on [−π/4, π/4], and rotate by the quarter turns.
    @inline(__always)
    static func sinCosOfTurns(_ t: Vector) -> (sin: Vector, cos: Vector) {
        let quarterTurns = (t * 4 + 12_582_912) - 12_582_912            // round(4t) ∈ 0…4
        let a = (t - quarterTurns * 0.25) * (2 * Float.pi)               // [−π/4, π/4]
        let a2 = a * a
        var s = Vector(repeating: 1.0 / 362_880)
        s = s * a2 - 1.0 / 5_040
        s = s * a2 + 1.0 / 120
        s = s * a2 - 1.0 / 6
        s = (s * a2 + 1) * a
        var c = Vector(repeating: 1.0 / 3_628_800)
        c = c * a2 + 1.0 / 40_320
        c = c * a2 - 1.0 / 720
        c = c * a2 + 1.0 / 24
        c = c * a2 - 0.5
        c = c * a2 + 1
        // Rotation by q quarter turns (q = 4 is q = 0): (cos, sin) → q=1: (−sin, cos),
        // q=2: (−cos, −sin), q=3: (sin, −cos). Float masks only: they vectorise.
        let q = quarterTurns.replacing(with: 0, where: quarterTurns .== 4)
        let swap = (q .== 1) .| (q .== 3)
        var sine = s.replacing(with: c, where: swap)
        var cosine = c.replacing(with: s, where: swap)
        sine = sine.replacing(with: -sine, where: q .>= 2)
        cosine = cosine.replacing(with: -cosine, where: (q .== 1) .| (q .== 2))
        return (sine, cosine)
    }

    /// √x for x ≥ 0: the reciprocal square root's bit-level first guess and three Newton steps
    /// (relative error ~1e-7). SIMD's own `squareRoot()` compiles to one scalar sqrt per lane.
    @inline(__always)
    static func squareRoot(_ x: Vector) -> Vector {
        var y = unsafeBitCast(0x5F37_59DF &- (unsafeBitCast(x, to: SIMD8<Int32>.self) &>> 1), to: Vector.self)
        let half = 0.5 * x
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        return x * y
    }

    /// Small integers (|i| < 2²²) to floats through the 1.5·2²³ trick, lane-parallel.
    @inline(__always)
    static func integerToFloat(_ i: SIMD8<Int32>) -> Vector {
        unsafeBitCast(i &+ 0x4B40_0000, to: Vector.self) - 12_582_912
    }
}
