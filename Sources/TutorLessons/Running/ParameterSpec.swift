/// A parameter an engine section takes: its name, what it means, the values it accepts, its default.
public struct ParameterSpec: Equatable {
    /// The name a lesson uses; a nested value such as the matrix's seed is `matrix.seed`.
    public var name: String
    /// One line for the authoring guide and the tutor's tweak panel.
    public var summary: String
    /// Every value the section accepts.
    public var domain: ParameterDomain
    /// The value used when a block does not set the parameter.
    public var defaultValue: ParameterValue

    public init(name: String, summary: String, domain: ParameterDomain, defaultValue: ParameterValue) {
        self.name = name
        self.summary = summary
        self.domain = domain
        self.defaultValue = defaultValue
    }
}

extension ParameterSpec: Sendable {}

extension ParameterSpec {
    /// A yes-or-no parameter: every section spells it `true` or `false`.
    public static func flag(name: String, summary: String, defaultValue: Bool) -> ParameterSpec {
        ParameterSpec(name: name, summary: summary, domain: .choices(["true", "false"]), defaultValue: .word(defaultValue ? "true" : "false"))
    }
}
