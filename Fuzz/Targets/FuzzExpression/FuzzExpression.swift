import FuzzDriver
import TutorLessons

/// The result names the expressions may read, with values to evaluate them over.
private let results: [String: Double] = [
    "mse": 1e-5, "mae": 2e-3, "bits_per_param": 4.5, "sqnr_db": 20, "max_error": 0.1, "fp16_max": 65504,
    "int4_levels": 16, "trainable": 8192, "total_gb": 5.2, "scaling": 2, "saving_percent": 71.5,
]

/// Any bytes as an expectation (first byte even) or a numeric answer expression (odd): parsing and
/// evaluating must end, without a trap, whatever the shape of the expression.
@main
enum FuzzExpression {
    static func main() {
        FuzzDriver.run { input in
            let kind: Expression.Kind = (input.first ?? 0) % 2 == 0 ? .boolean : .number
            let text = String(decoding: input.dropFirst(), as: UTF8.self)
            if let expression = try? Expression.parse(text, names: Set(results.keys), kind: kind) {
                _ = try? expression.evaluate(results)
                _ = expression.names
            }
        }
    }
}
