/// A vector of float lanes the kernels are written over once: eight lanes (AVX2) or sixteen
/// (AVX-512). Every operation works lane by lane, so a kernel computes each value by the same
/// operations in the same order whatever the width: its results are bit for bit the same at
/// either width, and only the number of values per instruction changes.
///
/// The requirements are answered by the concrete SIMD types' own operators, which compile to
/// vector instructions; the generic SIMD operators would compile lane by lane.
public protocol FloatLanes: BitwiseCopyable {
    /// The number of lanes.
    static var width: Int { get }
    init()
    init(repeating: Float)
    subscript(index: Int) -> Float { get set }
    static func + (l: Self, r: Self) -> Self
    static func - (l: Self, r: Self) -> Self
    static func * (l: Self, r: Self) -> Self
    static func / (l: Self, r: Self) -> Self
    static func + (l: Self, r: Float) -> Self
    static func - (l: Self, r: Float) -> Self
    static func * (l: Self, r: Float) -> Self
    static func + (l: Float, r: Self) -> Self
    static func - (l: Float, r: Self) -> Self
    static func * (l: Float, r: Self) -> Self
    static func / (l: Float, r: Self) -> Self
    static prefix func - (x: Self) -> Self
    /// `self += a · b`, one fused multiply-add per lane.
    mutating func addProduct(_ a: Self, _ b: Self)
    // The next two work on minimum, maximum and sign bits, not `replacing(with:where:)`: at
    // sixteen lanes a select compiles to four-lane pieces of AVX-512's mask registers.
    /// Each lane above `upper` set to `upper`, then each below `lower` to `lower`. NaN stays NaN:
    /// `pointwiseMin`/`Max` return the number where a lane is NaN, so NaN lanes are put back.
    func clamped(lower: Float, upper: Float) -> Self
    /// Each lane's sign flipped where `sign`'s sign bit is set (−0 included).
    func flippingSign(bySignOf sign: Self) -> Self
    /// `self · 2ⁿ`, with n read from the low mantissa bits of `shifted` = x + 1.5·2²³ (`LaneMath.exp`).
    func timesPowerOfTwo(shifted: Self) -> Self
}

extension SIMD8: FloatLanes where Scalar == Float {
    @inlinable public static var width: Int { 8 }
    @inlinable @inline(__always) public func clamped(lower: Float, upper: Float) -> Self {
        let limited = pointwiseMax(pointwiseMin(self, Self(repeating: upper)), Self(repeating: lower))
        let bits = unsafeBitCast(self, to: SIMD8<Int32>.self)
        let nan = (0x7F80_0000 &- (bits & 0x7FFF_FFFF)) &>> 31          // all ones where NaN
        let kept = (unsafeBitCast(limited, to: SIMD8<Int32>.self) & ~nan) | (bits & nan)
        return unsafeBitCast(kept, to: Self.self)
    }
    @inlinable @inline(__always) public func flippingSign(bySignOf sign: Self) -> Self {
        let bit = unsafeBitCast(sign, to: SIMD8<UInt32>.self) & 0x8000_0000
        return unsafeBitCast(unsafeBitCast(self, to: SIMD8<UInt32>.self) ^ bit, to: Self.self)
    }
    @inlinable @inline(__always) public func timesPowerOfTwo(shifted: Self) -> Self {
        let n = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        return self * unsafeBitCast((n &+ 127) &<< 23, to: Self.self)
    }
}

extension SIMD16: FloatLanes where Scalar == Float {
    @inlinable public static var width: Int { 16 }
    @inlinable @inline(__always) public func clamped(lower: Float, upper: Float) -> Self {
        let limited = pointwiseMax(pointwiseMin(self, Self(repeating: upper)), Self(repeating: lower))
        let bits = unsafeBitCast(self, to: SIMD16<Int32>.self)
        let nan = (0x7F80_0000 &- (bits & 0x7FFF_FFFF)) &>> 31          // all ones where NaN
        let kept = (unsafeBitCast(limited, to: SIMD16<Int32>.self) & ~nan) | (bits & nan)
        return unsafeBitCast(kept, to: Self.self)
    }
    @inlinable @inline(__always) public func flippingSign(bySignOf sign: Self) -> Self {
        let bit = unsafeBitCast(sign, to: SIMD16<UInt32>.self) & 0x8000_0000
        return unsafeBitCast(unsafeBitCast(self, to: SIMD16<UInt32>.self) ^ bit, to: Self.self)
    }
    @inlinable @inline(__always) public func timesPowerOfTwo(shifted: Self) -> Self {
        let n = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        return self * unsafeBitCast((n &+ 127) &<< 23, to: Self.self)
    }
}

/// How a kernel reads and writes one vector of lanes: whole vectors in the body of a row, fewer
/// lanes at its tail. Generic code specialises into one branch-free loop per case.
public protocol LaneAccess<Vector> {
    associatedtype Vector: FloatLanes
    func load(_ p: UnsafePointer<Float>) -> Vector
    func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>)
}

public struct WholeLanes<Vector: FloatLanes>: LaneAccess {
    @inlinable @inline(__always) public init() {}

    @inlinable @inline(__always) public func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inlinable @inline(__always) public func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }
}

/// The first `count` lanes (fewer than a vector); the others read as zero and are not written.
public struct TailLanes<Vector: FloatLanes>: LaneAccess {
    public let count: Int

    @inlinable @inline(__always) public init(count: Int) { self.count = count }

    @inlinable @inline(__always) public func load(_ p: UnsafePointer<Float>) -> Vector {
        var v = Vector()
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    @inlinable @inline(__always) public func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        for i in 0..<count { p[i] = v[i] }
    }
}
