/// A parameter of a live block the learner may change, and the values they may choose from.
public struct Tweak: Equatable {
    /// The parameter's name, as the section spells it (`blocksize`, `matrix.seed`).
    public var parameter: String
    /// The values allowed; always inside the section's own domain for the parameter, and, from a
    /// lesson file, always values a learner can step through (`steppedValues` is not nil).
    public var allowed: ParameterDomain

    public init(parameter: String, allowed: ParameterDomain) {
        self.parameter = parameter
        self.allowed = allowed
    }
}

extension Tweak: Sendable {}
