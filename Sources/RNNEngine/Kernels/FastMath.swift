import RNNLanes

/// exp, sigmoid and tanh on eight floats at a time (`LaneMath` at eight lanes), and scalar
/// forms through the same code, so a tail element matches its vector neighbours.
public enum FastMath {
    public typealias Vector = SIMD8<Float>

    @inline(__always) public static func exp(_ x: Vector) -> Vector { LaneMath.exp(x) }
    @inline(__always) public static func sigmoid(_ x: Vector) -> Vector { LaneMath.sigmoid(x) }
    @inline(__always) public static func tanh(_ x: Vector) -> Vector { LaneMath.tanh(x) }

    @inline(__always) public static func sigmoid(_ x: Float) -> Float { sigmoid(Vector(repeating: x))[0] }
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanh(Vector(repeating: x))[0] }
    @inline(__always) public static func exp(_ x: Float) -> Float { exp(Vector(repeating: x))[0] }
}

/// The engine's own elementwise loops run at eight lanes.
typealias FullLanes = WholeLanes<SIMD8<Float>>
typealias PartialLanes = TailLanes<SIMD8<Float>>

/// Loads and stores of up to eight floats, so loops handle widths that are not multiples of 8.
@inline(__always)
func loadVector(_ p: UnsafePointer<Float>, _ n: Int) -> SIMD8<Float> {
    n >= 8 ? FullLanes().load(p) : PartialLanes(count: n).load(p)
}

@inline(__always)
func storeVector(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    n >= 8 ? FullLanes().store(v, p) : PartialLanes(count: n).store(v, p)
}
