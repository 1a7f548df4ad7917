/// One `expect:` line of a live block: a condition over the block's results that must hold.
public struct Expectation: Equatable {
    /// The condition as the author wrote it.
    public var text: String
    /// The line of the lesson file it is written on.
    public var line: Int
    /// The parsed condition; always a boolean expression.
    public var condition: Expression

    public init(text: String, line: Int, condition: Expression) {
        self.text = text
        self.line = line
        self.condition = condition
    }
}

extension Expectation: Sendable {}
