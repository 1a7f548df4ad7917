/// An expression over a live block's named results, as written in `expect:` lines and quiz answers.
///
/// The grammar is small on purpose (see `Lessons/README.md`): numbers, result names, arithmetic,
/// comparisons, `~=` with `within` for floats, `and`/`or`/`not`, and `abs`, `min`, `max`, `log2`, `sqrt`.
public indirect enum Expression: Equatable {
    case number(Double)
    /// A result of the section, such as `mse` or `bits_per_param`.
    case name(String)
    case negate(Expression)
    case not(Expression)
    case arithmetic(ArithmeticOperator, Expression, Expression)
    case comparison(ComparisonOperator, Expression, Expression)
    /// `lhs ~= rhs within tolerance`: `|lhs - rhs| <= tolerance`.
    case approximately(Expression, Expression, within: Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    case call(Function, [Expression])

    /// `+ - * /`.
    public enum ArithmeticOperator: String, Equatable, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/"
    }

    /// `< <= > >= == !=`; `==` on numbers is exact.
    public enum ComparisonOperator: String, Equatable, Sendable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case equal = "==", notEqual = "!="
    }

    /// The functions an expression may call, with the number of arguments each takes.
    public enum Function: String, Equatable, Sendable, CaseIterable {
        case abs, min, max, log2, sqrt

        /// How many arguments the function takes.
        public var arity: Int {
            switch self {
            case .abs, .log2, .sqrt: 1
            case .min, .max: 2
            }
        }
    }
}

extension Expression: Sendable {}
