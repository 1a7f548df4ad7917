import Foundation

extension Expression {
    /// The value of an expression: a number, or a condition's truth.
    public enum Value: Equatable, Sendable {
        case number(Double)
        case boolean(Bool)
    }

    /// Evaluates the expression over `results`; a name missing from `results` counts as NaN,
    /// which makes every comparison with it false.
    public func evaluate(_ results: [String: Double]) -> Value {
        switch self {
        case .number(let value): return .number(value)
        case .name(let name): return .number(results[name] ?? .nan)
        case .negate(let operand): return .number(-operand.number(results))
        case .not(let operand): return .boolean(!operand.truth(results))
        case .and(let left, let right): return .boolean(left.truth(results) && right.truth(results))
        case .or(let left, let right): return .boolean(left.truth(results) || right.truth(results))
        case .arithmetic(let operation, let left, let right):
            let (a, b) = (left.number(results), right.number(results))
            switch operation {
            case .add: return .number(a + b)
            case .subtract: return .number(a - b)
            case .multiply: return .number(a * b)
            case .divide: return .number(a / b)
            }
        case .comparison(let comparison, let left, let right):
            let (a, b) = (left.number(results), right.number(results))
            switch comparison {
            case .less: return .boolean(a < b)
            case .lessOrEqual: return .boolean(a <= b)
            case .greater: return .boolean(a > b)
            case .greaterOrEqual: return .boolean(a >= b)
            case .equal: return .boolean(a == b)
            case .notEqual: return .boolean(a != b)
            }
        case .approximately(let left, let right, let tolerance):
            return .boolean(abs(left.number(results) - right.number(results)) <= tolerance.number(results))
        case .call(let function, let arguments):
            let values = arguments.map { $0.number(results) }
            switch function {
            case .abs: return .number(Swift.abs(values[0]))
            case .min: return .number(Swift.min(values[0], values[1]))
            case .max: return .number(Swift.max(values[0], values[1]))
            case .log2: return .number(Foundation.log2(values[0]))
            case .sqrt: return .number(values[0].squareRoot())
            }
        }
    }

    /// The expression's value as a number (NaN for a condition).
    public func number(_ results: [String: Double]) -> Double {
        if case .number(let value) = evaluate(results) { value } else { .nan }
    }

    /// The expression's value as a condition (false for a number).
    public func truth(_ results: [String: Double]) -> Bool {
        if case .boolean(let value) = evaluate(results) { value } else { false }
    }

    /// The result names the expression reads, sorted.
    public var names: [String] {
        var found = Set<String>()
        func collect(_ expression: Expression) {
            switch expression {
            case .number: break
            case .name(let name): found.insert(name)
            case .negate(let operand), .not(let operand): collect(operand)
            case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .comparison(_, let a, let b):
                collect(a)
                collect(b)
            case .approximately(let a, let b, let tolerance):
                collect(a)
                collect(b)
                collect(tolerance)
            case .call(_, let arguments): arguments.forEach(collect)
            }
        }
        collect(self)
        return found.sorted()
    }
}
