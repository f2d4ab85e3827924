/// Vectorised Box–Muller: sixteen standard normal values from eight 64-bit random words.
///
/// Each word gives two 24-bit uniforms u₁ ∈ (0, 1], u₂ ∈ [0, 1); then
/// z₁ = √(−2 ln u₁)·cos 2πu₂ and z₂ = √(−2 ln u₁)·sin 2πu₂, with a Cephes-style log and
/// sin/cos polynomials on [−π/4, π/4] (errors below 1e-6, far under the noise's own scale).
enum GaussianKernels {
    typealias Vector = SIMD8<Float>

    /// Adds `std · N(0, 1)` to each of `count` values, drawing from `rng`.
    static func addGaussian(to values: UnsafeMutablePointer<Float>, count: Int, std: Float, rng: inout Random) {
        var i = 0
        while i < count {
            var low = SIMD8<UInt32>(), high = SIMD8<UInt32>()
            for lane in 0..<8 {
                let word = rng.next()
                low[lane] = UInt32(truncatingIfNeeded: word)
                high[lane] = UInt32(truncatingIfNeeded: word >> 32)
            }
            let u1 = 1 - Vector(SIMD8<Int32>(truncatingIfNeeded: low &>> 8)) * 0x1p-24   // (0, 1]
            let u2 = Vector(SIMD8<Int32>(truncatingIfNeeded: high &>> 8)) * 0x1p-24      // [0, 1)
            let radius = (-2 * log(u1)).squareRoot() * std
            let (sine, cosine) = sinCosOfTurns(u2)
            let n1 = min(8, count - i)
            storeVector(loadVector(values + i, n1) + radius * cosine, values + i, n1)
            i += n1
            guard i < count else { break }
            let n2 = min(8, count - i)
            storeVector(loadVector(values + i, n2) + radius * sine, values + i, n2)
            i += n2
        }
    }

    /// Natural log for x in (0, 1] (Cephes `logf`).
    @inline(__always)
    static func log(_ x: Vector) -> Vector {
        let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
        var e = Vector((bits &>> 23) &- 126)
        // Mantissa in [0.5, 1).
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: Vector.self)
        let small = m .< 0.707_106_78
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var y = Vector(repeating: 7.037_683_6e-2)
        y = y * m - 1.151_461_03e-1
        y = y * m + 1.167_699_87e-1
        y = y * m - 1.242_014_08e-1
        y = y * m + 1.424_932_28e-1
        y = y * m - 1.666_805_77e-1
        y = y * m + 2.000_071_48e-1
        y = y * m - 2.499_999_4e-1
        y = y * m + 3.333_333_1e-1
        y = y * m * z
        y = y + e * -2.121_944_4e-4 - 0.5 * z
        return m + y + e * 0.693_359_375
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
        let q = SIMD8<Int32>(truncatingIfNeeded: unsafeBitCast(quarterTurns + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000) & 3
        // Rotation by q quarter turns: (cos, sin) → q=1: (−sin, cos), q=2: (−cos, −sin), q=3: (sin, −cos).
        let swap = (q & 1) .== 1
        var sine = s.replacing(with: c, where: swap)
        var cosine = c.replacing(with: s, where: swap)
        sine = sine.replacing(with: -sine, where: q .>= 2)
        cosine = cosine.replacing(with: -cosine, where: (q .== 1) .| (q .== 2))
        return (sine, cosine)
    }
}
