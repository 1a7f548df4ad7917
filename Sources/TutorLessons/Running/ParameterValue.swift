/// The value of one parameter: a number or a word.
public enum ParameterValue: Hashable {
    case number(Double)
    case word(String)
}

extension ParameterValue: CustomStringConvertible {
    /// The value as a lesson author writes it: `64`, `0.02`, `1e-05`, `nf4`.
    public var description: String {
        switch self {
        case .word(let word): return word
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        }
    }
}

extension ParameterValue: Sendable {}
