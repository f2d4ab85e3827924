import Foundation
import Testing
@testable import RNNData
import RNNEngine

/// The error text a throwing call gives, or nil when it succeeds.
func errorText<T>(_ body: () throws(DataError) -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.description
    }
}

/// The error a throwing call gives, or nil when it succeeds.
func dataError<T>(_ body: () throws(DataError) -> T) -> DataError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// The values of a (L, S, …) tensor for sequence `s`, one row per step.
func rows(_ tensor: Tensor, sequence s: Int) -> [[Float]] {
    let steps = tensor.shape[0], count = tensor.shape[1]
    let width = tensor.shape.count > 2 ? tensor.shape[2] : 1
    return (0..<steps).map { t in
        let base = (t * count + s) * width
        return Array(tensor.values[base..<(base + width)])
    }
}

/// The values of a (L, S) mask for sequence `s`.
func column(_ mask: Tensor, sequence s: Int) -> [Float] {
    rows(mask, sequence: s).map { $0[0] }
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rnndata-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
