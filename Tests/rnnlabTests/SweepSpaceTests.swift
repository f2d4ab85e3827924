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

    /// Run names differ across trials when every `name=` reads a swept value; else `-tN` is added.
    @Test func runNamesDifferWhenEveryNameReadsASweptValue() {
        #expect(RunNaming.namesDiffer(in: "train name=\"opt-$optimizer\"\ntrain name = \"b-${clip}\"", swept: ["optimizer", "clip"]))
        #expect(RunNaming.namesDiffer(in: "train epochs=2 name=$optimizer", swept: ["optimizer"]))
        #expect(!RunNaming.namesDiffer(in: "train name=\"g\"", swept: ["optimizer"]))
        #expect(!RunNaming.namesDiffer(in: "train name='opt-$optimizer'", swept: ["optimizer"]), "a literal string reads no variable")
        #expect(!RunNaming.namesDiffer(in: "# train name=\"opt-$optimizer\"\ntrain epochs=1", swept: ["optimizer"]), "a comment")
        #expect(!RunNaming.namesDiffer(in: "train name=\"a-$optimizer\"\ntrain name=b", swept: ["optimizer"]), "one name is fixed")
    }
}

