/// A fenced `qlora` block: an engine section run with parameters, what to show, and what must hold.
public struct LiveBlock: Equatable {
    /// The block's `id`, or `<lesson>#<n>` for the n-th live block of a lesson when none is given.
    public var id: String
    /// The line of the opening fence.
    public var line: Int
    /// The name of the engine section to run (`run:`).
    public var section: String
    /// The section's parameters: those the block sets, completed with the section's defaults.
    public var parameters: ParameterValues
    /// The section's outputs to show, in order (`show:`).
    public var show: [String]
    /// The parameters a learner may change, with the values allowed (`tweak:`).
    public var tweaks: [Tweak]
    /// What must hold for the block's results (`expect:`).
    public var expectations: [Expectation]

    public init(
        id: String, line: Int, section: String, parameters: ParameterValues, show: [String],
        tweaks: [Tweak], expectations: [Expectation]
    ) {
        self.id = id
        self.line = line
        self.section = section
        self.parameters = parameters
        self.show = show
        self.tweaks = tweaks
        self.expectations = expectations
    }
}

extension LiveBlock: Sendable {}
