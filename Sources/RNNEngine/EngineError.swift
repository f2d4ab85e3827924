/// What the engine refuses, with the data a front end needs to say where and what would be right.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A layer width, rate or size outside what the engine accepts.
    case invalidLayer(index: Int, kind: String, reason: String)
    /// The input width of a model must be positive.
    case invalidInputWidth(Int)
    /// The model would need more parameters or memory than the engine allows.
    case tooLarge(what: String, limit: Int)
    /// A tensor handed to the engine has the wrong shape.
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// Imported weights lack a tensor the model needs.
    case missingTensor(String)
    /// Imported weights carry a tensor the model does not have.
    case unexpectedTensor(String)
    /// A thread count outside 1…256.
    case invalidThreadCount(Int)
    /// An optimizer or clipping hyperparameter out of range.
    case invalidHyperparameter(name: String, value: Double, expected: String)
    /// A carried state of the wrong kind for its layer (an LSTM's state handed to a GRU).
    case stateMismatch(layer: Int, expected: String, found: String)
    /// The caller's cancellation check asked the computation to stop.
    case cancelled

    public var description: String {
        switch self {
        case let .invalidLayer(index, kind, reason):
            return "layer \(index) (\(kind)): \(reason)"
        case let .invalidInputWidth(width):
            return "input width must be at least 1 (found \(width))"
        case let .tooLarge(what, limit):
            return "\(what) exceeds the limit of \(limit)"
        case let .shapeMismatch(tensor, expected, found):
            return "tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .missingTensor(name):
            return "tensor '\(name)' is missing"
        case let .unexpectedTensor(name):
            return "tensor '\(name)' is not part of this model"
        case let .invalidThreadCount(n):
            return "thread count must be between 1 and 256 (found \(n))"
        case let .invalidHyperparameter(name, value, expected):
            return "\(name)=\(value) is out of range (expected \(expected))"
        case let .stateMismatch(layer, expected, found):
            return "layer \(layer) carries \(expected) state, was given \(found) state"
        case .cancelled:
            return "cancelled"
        }
    }
}
