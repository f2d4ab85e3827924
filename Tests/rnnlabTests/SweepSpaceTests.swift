import Foundation
import Testing
@testable import rnnlab

/// `--random N --range NAME=LO:HI[:log] --seed S`: the points come from the engine's seeded
/// generator, so one seed gives the same sweep on every machine, inside the ranges.
struct SweepSpaceTests {
    static func points(seed: UInt64) throws -> [[SweepPlan.Setting]] {
        var space = SweepSpace()
        space.ranges = [try SweepSpace.range(parsing: "lr=0.001:0.1:log"), try SweepSpace.range(parsing: "clip=0.5:2")]
        space.randomCount = 200
        space.seed = seed
        return try space.points()
    }

    @Test func randomPointsAreReproducibleAndInsideTheirRanges() throws {
        let points = try Self.points(seed: 4)
        #expect(points == (try Self.points(seed: 4)))
        #expect(points != (try Self.points(seed: 5)))
        let lr = points.map { Double($0[0].value)! }, clip = points.map { Double($0[1].value)! }
        #expect(lr.allSatisfy { (0.001..<0.1).contains($0) } && clip.allSatisfy { (0.5..<2).contains($0) })
        // Log-uniform: about half the draws below the geometric middle (0.01), far from the linear middle's share.
        let below = lr.filter { $0 < 0.01 }.count
        #expect((70...130).contains(below), "\(below) of 200 below 0.01")
    }
}
