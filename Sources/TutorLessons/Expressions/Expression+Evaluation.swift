import Foundation

extension Expression {
    /// The value of an expression: a number, or a condition's truth.
    public enum Value: Equatable, Sendable {
        case number(Double)
        case boolean(Bool)
    }

    /// A result an expression names that the run did not give a number for.
    public struct MissingResult: Error, Equatable, Sendable, CustomStringConvertible {
        /// The result's name.
        public var name: String
        /// Whether the run produced it as NaN rather than not at all.
        public var isNaN: Bool

        public var description: String {
            isNaN ? "result `\(name)` is not a number (NaN)" : "result `\(name)` was not produced by this run"
        }
    }

    /// Evaluates the expression over `results`.
    ///
    /// A name missing from `results`, or whose value is NaN, throws `MissingResult` naming it: a
    /// comparison with it would be silently false (or, for `!=`, silently true).
    public func evaluate(_ results: [String: Double]) throws(MissingResult) -> Value {
        switch self {
        case .number(let value): return .number(value)
        case .name(let name):
            guard let value = results[name] else { throw MissingResult(name: name, isNaN: false) }
            guard !value.isNaN else { throw MissingResult(name: name, isNaN: true) }
            return .number(value)
        case .negate(let operand): return .number(-(try operand.number(results)))
        case .not(let operand): return .boolean(!(try operand.truth(results)))
        case .and(let left, let right):
            guard try left.truth(results) else { return .boolean(false) }
            return .boolean(try right.truth(results))
        case .or(let left, let right):
            if try left.truth(results) { return .boolean(true) }
            return .boolean(try right.truth(results))
        case .arithmetic(let operation, let left, let right):
            let (a, b) = (try left.number(results), try right.number(results))
            switch operation {
            case .add: return .number(a + b)
            case .subtract: return .number(a - b)
            case .multiply: return .number(a * b)
            case .divide: return .number(a / b)
            }
        case .comparison(let comparison, let left, let right):
            let (a, b) = (try left.number(results), try right.number(results))
            switch comparison {
            case .less: return .boolean(a < b)
            case .lessOrEqual: return .boolean(a <= b)
            case .greater: return .boolean(a > b)
            case .greaterOrEqual: return .boolean(a >= b)
            case .equal: return .boolean(a == b)
            case .notEqual: return .boolean(a != b)
            }
        case .approximately(let left, let right, let tolerance):
            let (a, b, within) = (try left.number(results), try right.number(results), try tolerance.number(results))
            return .boolean(abs(a - b) <= within)
        case .call(let function, let arguments):
            var values: [Double] = []
            for argument in arguments { values.append(try argument.number(results)) }
            switch function {
            case .abs: return .number(Swift.abs(values[0]))
            case .min: return .number(Swift.min(values[0], values[1]))
            case .max: return .number(Swift.max(values[0], values[1]))
            case .log2: return .number(Foundation.log2(values[0]))
            case .sqrt: return .number(values[0].squareRoot())
            }
        }
    }

    /// The expression's value as a number (NaN for a condition, which the parser never lets through).
    public func number(_ results: [String: Double]) throws(MissingResult) -> Double {
        if case .number(let value) = try evaluate(results) { value } else { .nan }
    }

    /// The expression's value as a condition (false for a number, which the parser never lets through).
    public func truth(_ results: [String: Double]) throws(MissingResult) -> Bool {
        if case .boolean(let value) = try evaluate(results) { value } else { false }
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
