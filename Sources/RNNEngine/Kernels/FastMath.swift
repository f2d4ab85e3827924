/// Vectorised exp, sigmoid and tanh on eight floats at a time.
///
/// Cephes' single-precision exp (range reduction by ln 2, degree-5 polynomial), max relative
/// error ≈ 2e-7; with AVX2+FMA this is ~30× faster than calling libm per value.
public enum FastMath {
    public typealias Vector = SIMD8<Float>

    @inline(__always)
    public static func exp(_ x: Vector) -> Vector {
        // Clamp so 2^n stays a normal float; written with `replacing` because the generic
        // `clamped`/`rounded` of SIMD types are not specialised into vector instructions.
        var x = x.replacing(with: 88.3, where: x .> 88.3)
        x = x.replacing(with: -87.3, where: x .< -87.3)
        // n = round(x / ln 2) by the 1.5·2²³ trick: the sum's low mantissa bits hold n.
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        // r = x − n·ln 2 in two parts for accuracy; |r| ≤ ln 2 / 2.
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        p = p * r * r + r + 1
        // 2^n through the exponent bits.
        return p * unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
    }

    @inline(__always)
    public static func sigmoid(_ x: Vector) -> Vector {
        1 / (1 + exp(-x))
    }

    /// tanh(x) = sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|): no overflow for any x.
    @inline(__always)
    public static func tanh(_ x: Vector) -> Vector {
        let e = exp(-2 * abs(x))
        let t = (1 - e) / (1 + e)
        return t.replacing(with: -t, where: x .< 0)
    }

    @inline(__always)
    static func abs(_ x: Vector) -> Vector {
        x.replacing(with: -x, where: x .< 0)
    }

    /// Scalar forms through the same code path, so a tail element matches its vector neighbours.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { sigmoid(Vector(repeating: x))[0] }

    @inline(__always)
    public static func tanh(_ x: Float) -> Float { tanh(Vector(repeating: x))[0] }

    @inline(__always)
    public static func exp(_ x: Float) -> Float { exp(Vector(repeating: x))[0] }
}

/// How a kernel reads and writes eight lanes: whole vectors in the body of a row, fewer lanes
/// at its tail. Generic code specialises into one branch-free loop per case.
protocol LaneAccess {
    func load(_ p: UnsafePointer<Float>) -> SIMD8<Float>
    func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>)
}

struct FullLanes: LaneAccess {
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}

struct PartialLanes: LaneAccess {
    let count: Int

    @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { loadVector(p, count) }
    @inline(__always) func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { storeVector(v, p, count) }
}

/// Loads and stores of up to eight floats, so loops handle widths that are not multiples of 8.
@inline(__always)
func loadVector(_ p: UnsafePointer<Float>, _ n: Int) -> SIMD8<Float> {
    if n >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    var v = SIMD8<Float>()
    for i in 0..<n { v[i] = p[i] }
    return v
}

@inline(__always)
func storeVector(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    if n >= 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self); return }
    for i in 0..<n { p[i] = v[i] }
}
