import Foundation
@testable import RNNEngine

/// A tensor of seeded standard-normal values times `scale`.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = Random(seed: seed)
    var t = Tensor(zeros: shape)
    rng.fillGaussian(&t.values, std: scale)
    return t
}

/// max |a − b| / max |b|: the relative error of a whole tensor.
func relativeError(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    let diff = zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
    let scale = b.map { abs(Double($0)) }.max() ?? 0
    return scale == 0 ? diff : diff / scale
}

/// Σ out·dOut in double: the scalar whose gradient with respect to `out` is `dOut`.
func dot(_ out: Tensor, _ dOut: Tensor) -> Double {
    zip(out.values, dOut.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// A JSON fixture tensor: `{"shape": [...], "data": [...]}`.
struct FixtureTensor: Decodable {
    let shape: [Int]
    let data: [Float]
    var tensor: Tensor { Tensor(shape: shape, values: data) }
}

/// The path of a committed fixture file.
func fixtureURL(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
}
