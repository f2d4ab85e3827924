import Foundation
@testable import RNNReport

/// Deterministic stand-ins for training curves: decaying losses with a little ripple.
enum Samples {
    static func loss(scale: Double, decay: Double, floor: Double, ripple: Double, frequency: Double,
                     epochs: Int = 100) -> [Double] {
        (1...epochs).map { epoch in
            let x = Double(epoch)
            return scale * exp(-x / decay) + floor + ripple * sin(x * frequency)
        }
    }

    static let sgd = PlotSeries(name: "opt-sgd", values: loss(scale: 0.5, decay: 60, floor: 0.02, ripple: 0.01, frequency: 1.7))
    static let rmsprop = PlotSeries(name: "opt-rmsprop",
                                    values: loss(scale: 0.4, decay: 25, floor: 0.01, ripple: 0.005, frequency: 2.3))
    /// The article's point: the schedule moved K from 100 to 50 at epoch 21 and to 10 at 48.
    static let adam = PlotSeries(name: "opt-adam",
                                 values: loss(scale: 0.35, decay: 12, floor: 0.004, ripple: 0.003, frequency: 3.1),
                                 markers: [PlotMarker(x: 21, label: "K=50"), PlotMarker(x: 48, label: "K=10")])
    static let optimizers = [sgd, rmsprop, adam]

    /// A noisy curve that smoothing visibly calms.
    static let noisy = PlotSeries(name: "noisy", values: (1...80).map { epoch in
        let x = Double(epoch)
        return 1 / x + 0.08 * sin(x * 2.9) * sin(x * 0.7)
    })
}

/// `text` without ANSI escape sequences.
func strippingEscapes(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
}
