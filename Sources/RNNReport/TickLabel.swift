import Foundation

/// Short, consistent number text for axis ticks: `0.001`, `0.25`, `40`, `1e-5`, `2.5e6`.
public enum TickLabel {
    /// Labels for evenly spaced linear ticks: every label with the step's decimals, or all in
    /// scientific notation when the step is below 10⁻⁴ or a tick reaches 10⁶.
    public static func linear(_ ticks: [Double], step: Double) -> [String] {
        let largest = ticks.map(abs).max() ?? 0
        if step >= 1e-4, largest < 1e6 {
            let decimals = max(0, Int(-Foundation.floor(Foundation.log10(step) + 1e-9)))
            return ticks.map { fixed($0, decimals: decimals) }
        }
        // Enough significant digits to tell neighbouring ticks apart at this step.
        let digits = largest > 0 ? Int(Foundation.floor(Foundation.log10(largest)) - Foundation.floor(Foundation.log10(step))) + 1 : 1
        return ticks.map { scientific($0, significantDigits: min(max(digits, 1), 15)) }
    }

    /// The shortest readable text for one value: plain decimals for 0.001 ≤ |v| < 10⁴,
    /// scientific notation otherwise, at most 6 significant digits.
    public static func shortest(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-3, magnitude < 1e4 {
            let decimals = max(0, 5 - Int(Foundation.floor(Foundation.log10(magnitude))))
            return trimmingZeros(fixed(value, decimals: decimals))
        }
        return scientific(value, significantDigits: 6)
    }

    /// `value` with exactly `decimals` decimals, and never `-0`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text.allSatisfy({ "-0.".contains($0) }) ? String(text.drop { $0 == "-" }) : text
    }

    /// `2.5e-5` rather than C's `2.50000e-05`.
    static func scientific(_ value: Double, significantDigits: Int) -> String {
        if value == 0 { return "0" }
        let text = String(format: "%.\(max(significantDigits - 1, 0))e", value)
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return text }
        return trimmingZeros(String(text[..<e])) + "e\(exponent)"
    }

    /// `0.2500` → `0.25`, `3.000` → `3`; integers are left alone.
    private static func trimmingZeros(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var trimmed = text
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed == "-0" ? "0" : trimmed
    }
}
