import Testing
@testable import RNNReport

@Suite struct AxisTests {
    struct LinearCase: Sendable, CustomTestStringConvertible {
        let lower: Double, upper: Double, maxTicks: Int
        let ticks: [Double], labels: [String]
        var testDescription: String { "\(lower)…\(upper) ≤\(maxTicks)" }
    }

    static let linearCases: [LinearCase] = [
        LinearCase(lower: 0, upper: 100, maxTicks: 6, ticks: [0, 20, 40, 60, 80, 100],
                   labels: ["0", "20", "40", "60", "80", "100"]),
        LinearCase(lower: 1, upper: 100, maxTicks: 5, ticks: [0, 50, 100], labels: ["0", "50", "100"]),
        LinearCase(lower: 0.3, upper: 2.7, maxTicks: 6, ticks: [0, 1, 2, 3], labels: ["0", "1", "2", "3"]),
        // Rounding out to 0…0.015 would waste half the height: ticks inside the data instead.
        LinearCase(lower: 0.0042, upper: 0.0121, maxTicks: 5, ticks: [0.004, 0.006, 0.008, 0.01, 0.012],
                   labels: ["0.004", "0.006", "0.008", "0.010", "0.012"]),
        LinearCase(lower: -0.05, upper: 1.02, maxTicks: 4, ticks: [0, 0.5, 1], labels: ["0.0", "0.5", "1.0"]),
        LinearCase(lower: 0, upper: 3e-5, maxTicks: 6, ticks: [0, 1e-5, 2e-5, 3e-5],
                   labels: ["0", "1e-5", "2e-5", "3e-5"]),
        LinearCase(lower: 0, upper: 2.4e6, maxTicks: 6, ticks: [0, 5e5, 1e6, 1.5e6, 2e6, 2.5e6],
                   labels: ["0", "5e5", "1e6", "1.5e6", "2e6", "2.5e6"]),
        // A constant is widened by a tenth of itself each way.
        LinearCase(lower: 5, upper: 5, maxTicks: 5, ticks: [4.5, 5, 5.5], labels: ["4.5", "5.0", "5.5"]),
        LinearCase(lower: 0, upper: 0, maxTicks: 5, ticks: [-1, -0.5, 0, 0.5, 1],
                   labels: ["-1.0", "-0.5", "0.0", "0.5", "1.0"]),
    ]

    @Test(arguments: linearCases)
    func linearTicks(_ c: LinearCase) {
        let axis = Axis.linear(covering: c.lower, c.upper, maxTicks: c.maxTicks)
        #expect(axis.ticks.count == c.ticks.count)
        for (tick, expected) in zip(axis.ticks, c.ticks) {
            #expect(abs(tick - expected) <= 1e-12 * max(1, abs(expected)))
        }
        #expect(axis.labels == c.labels)
        #expect(axis.lower <= min(c.lower, axis.ticks[0]) && axis.upper >= max(c.upper, axis.ticks[axis.ticks.count - 1]))
    }

    @Test func linearTicksStayWithinTheLimitAndCoverTheData() {
        for (lower, upper) in [(-0.8, 0.3), (0.001, 0.0013), (17.0, 18_000.0), (-5e-9, 5e-9), (0.5, 0.51)] {
            for maxTicks in 3...8 {
                let axis = Axis.linear(covering: lower, upper, maxTicks: maxTicks)
                #expect(axis.ticks.count >= 2 && axis.ticks.count <= maxTicks, "\(lower)…\(upper) max \(maxTicks)")
                #expect(axis.lower <= lower && axis.upper >= upper)
                #expect(Set(axis.labels).count == axis.labels.count, "labels must tell ticks apart: \(axis.labels)")
            }
        }
    }

    @Test func hugeAndInvalidRangesNeverTrap() {
        let huge = Axis.linear(covering: -1e308, 1.7e308, maxTicks: 6)
        #expect(huge.ticks.allSatisfy { $0.isFinite })
        #expect(huge.lower <= -1e308 && huge.upper >= 1.7e308)
        #expect(huge.fraction(of: 0) > 0 && huge.fraction(of: 0) < 1)

        let invalid = Axis.linear(covering: .nan, .infinity, maxTicks: 5)
        #expect(invalid.lower == 0 && invalid.upper == 1)

        let extreme = Axis.linear(covering: .greatestFiniteMagnitude, .greatestFiniteMagnitude, maxTicks: 5)
        #expect(extreme.ticks.allSatisfy { $0.isFinite })
    }

    @Test func logTicksAreDecadesOverManyDecades() {
        let axis = Axis.logarithmic(covering: 2e-4, 0.5, maxTicks: 6)
        #expect(axis.ticks == [1e-4, 1e-3, 1e-2, 1e-1, 1])
        #expect(axis.labels == ["1e-4", "0.001", "0.01", "0.1", "1"])
        #expect(axis.scale == .logarithmic)
    }

    @Test func logTicksSkipDecadesToStayWithinTheLimit() {
        let axis = Axis.logarithmic(covering: 1e-300, 1e300, maxTicks: 6)
        #expect(axis.ticks.count == 6)
        #expect(axis.ticks.first == 1e-300)
        #expect(axis.labels.first == "1e-300" && axis.labels.last == "1e300")
    }

    @Test func logTicksAddTwoAndFiveWithinFewDecades() {
        let axis = Axis.logarithmic(covering: 0.02, 0.7, maxTicks: 6)
        #expect(axis.labels == ["0.02", "0.05", "0.1", "0.2", "0.5", "1"])
    }

    @Test func logTicksUseEveryDigitWithinOneDecade() {
        let axis = Axis.logarithmic(covering: 0.003, 0.0045, maxTicks: 6)
        #expect(axis.labels == ["0.003", "0.004", "0.005"])
        let constant = Axis.logarithmic(covering: 0.01, 0.01, maxTicks: 6)
        #expect(constant.labels == ["0.005", "0.01", "0.02"])
    }

    @Test func logAxisRefusesNonPositiveBoundsGracefully() {
        let axis = Axis.logarithmic(covering: 0, -3, maxTicks: 5)
        #expect(axis.lower == 1 && axis.upper == 10)
        #expect(Axis.logarithmic(covering: .leastNonzeroMagnitude, 1, maxTicks: 5).ticks.allSatisfy { $0 > 0 && $0.isFinite })
    }

    @Test func fractionMapsTheDomain() {
        let linear = Axis.linear(covering: 0, 100, maxTicks: 6)
        #expect(linear.fraction(of: 0) == 0 && linear.fraction(of: 50) == 0.5 && linear.fraction(of: 100) == 1)
        let log = Axis.logarithmic(covering: 0.001, 1, maxTicks: 6)
        #expect(abs(log.fraction(of: 0.01) - 1.0 / 3) < 1e-12)
    }

    @Test(arguments: [
        (0.001, "0.001"), (0.01, "0.01"), (1e-5, "1e-5"), (2.5, "2.5"), (2.5e-5, "2.5e-5"), (0.0, "0"),
        (-0.0, "0"), (10_000.0, "1e4"), (1234.5678, "1234.57"), (0.30000000000000004, "0.3"), (-42.0, "-42"),
        (Double.nan, "nan"), (Double.infinity, "inf"),
    ])
    func shortestLabels(_ value: Double, _ expected: String) {
        #expect(TickLabel.shortest(value) == expected)
    }
}

@Suite struct IntegerAxisTests {
    /// Two or three epochs are ticked 1, 2, 3 — never 1.5.
    @Test func anAxisOfEpochsHasWholeTicks() {
        for upper in [2.0, 3.0, 7.0, 150.0] {
            let axis = Axis.linear(covering: 1, upper, maxTicks: 10, integers: true)
            #expect(axis.ticks.allSatisfy { $0 == $0.rounded() }, "1…\(upper): \(axis.ticks)")
            #expect(axis.ticks.count >= 2)
        }
        #expect(Axis.linear(covering: 1, 2, maxTicks: 10).ticks.contains { $0 != $0.rounded() },
                "without integers the same range gets fractional ticks")
    }

    @Test func plotsOfWholeXUseWholeTicks() {
        let text = TerminalPlot.render([PlotSeries(name: "a", values: [0.5, 0.3])], options: TerminalPlotOptions(width: 60))
        #expect(!text.contains("1.5"))
        let svg = SVGFigure.render([PlotSeries(name: "a", values: [0.5, 0.3, 0.2])])
        #expect(!svg.contains(">1.5<") && !svg.contains(">2.5<"))
    }
}
