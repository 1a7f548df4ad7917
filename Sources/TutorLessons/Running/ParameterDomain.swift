/// The values a parameter may take.
public enum ParameterDomain: Equatable {
    /// One of these words, such as `nf4` or `fp4`.
    case choices([String])
    /// One of these numbers, such as the blocksizes bitsandbytes supports.
    case numbers([Double])
    /// A number in `bounds`; with a `step`, only `lowerBound + k * step` (a whole number of steps).
    case range(ClosedRange<Double>, step: Double?)
}

extension ParameterDomain {
    /// Whether `value` is one of the values the domain allows.
    public func contains(_ value: ParameterValue) -> Bool {
        switch (self, value) {
        case (.choices(let words), .word(let word)):
            return words.contains(word)
        case (.numbers(let numbers), .number(let number)):
            return numbers.contains(number)
        case (.range(let bounds, let step), .number(let number)):
            guard bounds.contains(number) else { return false }
            guard let step else { return true }
            let steps = (number - bounds.lowerBound) / step
            return abs(steps - steps.rounded()) <= 1e-9 * max(1, abs(steps))
        default:
            return false
        }
    }

    /// Whether every value this domain allows is also allowed by `other`.
    public func isInside(_ other: ParameterDomain) -> Bool {
        switch self {
        case .choices(let words): return words.allSatisfy { other.contains(.word($0)) }
        case .numbers(let numbers): return numbers.allSatisfy { other.contains(.number($0)) }
        case .range(let bounds, let step):
            switch other {
            case .range(let outer, let outerStep):
                guard outer.contains(bounds.lowerBound), outer.contains(bounds.upperBound) else { return false }
                guard let outerStep else { return true }
                guard let step else { return false }
                let ratio = step / outerStep
                return other.contains(.number(bounds.lowerBound)) && abs(ratio - ratio.rounded()) <= 1e-9 * ratio
            case .numbers, .choices:
                return false
            }
        }
    }

    /// The values in order when a learner steps through them, or nil for a range without a step.
    public var steppedValues: [ParameterValue]? {
        switch self {
        case .choices(let words): return words.map(ParameterValue.word)
        case .numbers(let numbers): return numbers.map(ParameterValue.number)
        case .range(let bounds, let step):
            guard let step, step > 0 else { return nil }
            // Checked as a Double first: a huge range over a tiny step must not overflow `Int`.
            let steps = ((bounds.upperBound - bounds.lowerBound) / step + 1e-9).rounded(.down)
            guard steps.isFinite, steps < 10_000 else { return nil }
            return (0...Int(steps)).map { .number(bounds.lowerBound + Double($0) * step) }
        }
    }

    /// The allowed values as a lesson author writes them, for error messages and the guide.
    public var description: String {
        switch self {
        case .choices(let words): return "one of " + words.joined(separator: ", ")
        case .numbers(let numbers): return "one of " + numbers.map { ParameterValue.number($0).description }.joined(separator: ", ")
        case .range(let bounds, let step):
            let lower = ParameterValue.number(bounds.lowerBound).description
            let upper = ParameterValue.number(bounds.upperBound).description
            if let step { return "a number from \(lower) to \(upper) in steps of \(ParameterValue.number(step).description)" }
            return "a number from \(lower) to \(upper)"
        }
    }
}

extension ParameterDomain: Sendable {}
