import Foundation
import Synchronization
import RNNLanes
import RNNLanes16

/// The lane width of the time loop's kernels (the recurrent products and the LSTM gate math):
/// sixteen where the CPU has AVX-512, eight (AVX2) otherwise. Both widths compute every value
/// by the same operations in the same order (`FloatLanes`), so a run's numbers do not depend
/// on which one ran; only its speed does.
public enum KernelLanes: Int, Sendable, CustomStringConvertible {
    case eight = 8, sixteen = 16

    /// The widest this CPU runs: sixteen when /proc/cpuinfo lists the AVX-512 subset the wide
    /// kernels are compiled for (F, CD, BW, DQ, VL; the kernel lists them only when the OS saves
    /// the registers).
    public static let widest: KernelLanes = {
        #if os(Linux) && arch(x86_64)
        let needed = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        return needed.allSatisfy { CPUFlags.current.contains(Substring($0)) } ? .sixteen : .eight
        #else
        return .eight
        #endif
    }()

    private static let forced = Atomic<Int>(0)
    private static let exclusive = NSLock()

    /// The width the kernels use now: the widest, unless `with` holds another.
    public static var inForce: KernelLanes {
        KernelLanes(rawValue: forced.load(ordering: .relaxed)) ?? widest
    }

    /// Runs `body` with the kernels at `lanes` (at most `widest`): for comparing the widths.
    public static func with<T>(_ lanes: KernelLanes, _ body: () throws -> T) rethrows -> T {
        precondition(lanes.rawValue <= widest.rawValue, "this CPU has no \(lanes) kernels")
        exclusive.lock()
        defer { forced.store(0, ordering: .relaxed); exclusive.unlock() }
        forced.store(lanes.rawValue, ordering: .relaxed)
        return try body()
    }

    public var description: String { self == .sixteen ? "16 lanes (AVX-512)" : "8 lanes (AVX2)" }

    // The kernels at this width.

    /// `RecurrentProduct.multiply` at this width.
    func multiply(_ a: UnsafePointer<Float>, rowStride: Int, columnStride: Int, _ b: UnsafePointer<Float>, ldb: Int,
                  rows: Int, inner: Int, columns: Int, into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        switch self {
        case .sixteen:
            Lanes16.multiply(a, rowStride: rowStride, columnStride: columnStride, b, ldb: ldb, rows: rows, inner: inner,
                             columns: columns, into: c, ldc: ldc, accumulate: accumulate)
        case .eight:
            RecurrentProduct.multiply(SIMD8<Float>.self, maxRows: 3, a, rowStride: rowStride, columnStride: columnStride,
                                      b, ldb: ldb, rows: rows, inner: inner, columns: columns, into: c, ldc: ldc,
                                      accumulate: accumulate)
        }
    }

    func lstmForwardStep(gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
                         cells: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, batch: Int, width: Int) {
        switch self {
        case .sixteen:
            Lanes16.lstmForwardStep(gates: gates, cPrev: cPrev, cells: cells, hidden: hidden, batch: batch, width: width)
        case .eight:
            LSTMLanes.forwardStep(SIMD8<Float>.self, gates: gates, cPrev: cPrev, cells: cells, hidden: hidden,
                                  batch: batch, width: width)
        }
    }

    func lstmActivateStep(gates: UnsafeMutablePointer<Float>, batch: Int, width: Int) {
        switch self {
        case .sixteen: Lanes16.lstmActivateStep(gates: gates, batch: batch, width: width)
        case .eight: LSTMLanes.activateStep(SIMD8<Float>.self, gates: gates, batch: batch, width: width)
        }
    }

    func lstmBackwardStep(gates: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, cells: UnsafePointer<Float>,
                          dh: UnsafePointer<Float>, dcNext: UnsafeMutablePointer<Float>, batch: Int, width: Int) {
        switch self {
        case .sixteen:
            Lanes16.lstmBackwardStep(gates: gates, cPrev: cPrev, cells: cells, dh: dh, dcNext: dcNext, batch: batch,
                                     width: width)
        case .eight:
            LSTMLanes.backwardStep(SIMD8<Float>.self, gates: gates, cPrev: cPrev, cells: cells, dh: dh, dcNext: dcNext,
                                   batch: batch, width: width)
        }
    }
}
