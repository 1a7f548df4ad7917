/// One `expect:` line of a live block: a condition over the block's results that must hold.
public struct Expectation: Equatable {
    /// Where an expectation must hold.
    public enum Scope: Equatable, Sendable {
        /// At the block's parameters as written and at every value its tweaks offer (a plain `- condition`).
        case everyTweak
        /// At the block's parameters as written only (`- at-default: condition`): after a tweak it
        /// is shown as holding at the default, with what it reads now, never as a failure.
        case atDefault
    }

    /// The condition as the author wrote it (without `at-default:`).
    public var text: String
    /// The line of the lesson file it is written on.
    public var line: Int
    /// The parsed condition; always a boolean expression.
    public var condition: Expression
    /// Where it must hold.
    public var scope: Scope

    public init(text: String, line: Int, condition: Expression, scope: Scope = .everyTweak) {
        self.text = text
        self.line = line
        self.condition = condition
        self.scope = scope
    }
}

extension Expectation: Sendable {}
