import Testing
@testable import RNNReport

@Suite struct SmoothingTests {
    /// Hand-computed: last = 0.5, 1.25, 2.125; debias by 1 − 0.5ⁿ = 0.5, 0.75, 0.875.
    @Test func matchesTensorBoardByHand() {
        let smoothed = Smoothing.debiasedEMA([1, 2, 3], weight: 0.5)
        #expect(smoothed.count == 3)
        #expect(abs(smoothed[0] - 1) < 1e-12)
        #expect(abs(smoothed[1] - 5.0 / 3) < 1e-12)
        #expect(abs(smoothed[2] - 17.0 / 7) < 1e-12)
    }

    /// The command's default weight, 0.6: 10 then 0 gives (0.6·4 + 0)/(1 − 0.36) = 3.75.
    @Test func commandDefaultWeight() {
        let smoothed = Smoothing.debiasedEMA([10, 0], weight: 0.6)
        #expect(abs(smoothed[0] - 10) < 1e-12)
        #expect(abs(smoothed[1] - 3.75) < 1e-12)
    }

    @Test func weightZeroIsIdentity() {
        let values = [3.0, -1, .nan, 7]
        let smoothed = Smoothing.debiasedEMA(values, weight: 0)
        #expect(smoothed[0] == 3 && smoothed[1] == -1 && smoothed[2].isNaN && smoothed[3] == 7)
    }

    /// A NaN or infinity is passed through and neither updates the average nor counts for the debias.
    @Test func nonFiniteValuesPassThroughWithoutUpdating() {
        let smoothed = Smoothing.debiasedEMA([1, .nan, 2, .infinity, 3], weight: 0.5)
        let plain = Smoothing.debiasedEMA([1, 2, 3], weight: 0.5)
        #expect(smoothed[1].isNaN)
        #expect(smoothed[3] == .infinity)
        #expect(smoothed[0] == plain[0] && smoothed[2] == plain[1] && smoothed[4] == plain[2])
    }

    @Test func constantSeriesStaysExact() {
        #expect(Smoothing.debiasedEMA([0.1, 0.1, 0.1, 0.1], weight: 0.9) == [0.1, 0.1, 0.1, 0.1])
    }

    @Test func outOfRangeWeightsAreClamped() {
        #expect(Smoothing.debiasedEMA([1, 2], weight: -3) == [1, 2])
        let heavy = Smoothing.debiasedEMA([1, 2], weight: 1)
        #expect(heavy.allSatisfy { $0.isFinite })
        #expect(heavy[0] == 1 && heavy[1] > 1 && heavy[1] < 2)
        #expect(Smoothing.debiasedEMA([], weight: 0.6).isEmpty)
    }

    @Test func seriesSmoothingKeepsXAndMarkers() {
        let series = PlotSeries(name: "a", values: [1, 2, 3], markers: [PlotMarker(x: 2, label: "K=50")])
        let smoothed = series.smoothed(weight: 0.5)
        #expect(smoothed.points.map(\.x) == [1, 2, 3])
        #expect(smoothed.markers == series.markers)
        #expect(abs(smoothed.points[2].y - 17.0 / 7) < 1e-12)
    }
}
