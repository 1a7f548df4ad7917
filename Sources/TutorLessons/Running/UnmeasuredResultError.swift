/// An expression of a lesson named a result its block's run gave no number for: an authoring or
/// section mistake, never a verdict, so `--check` reports it as input it could not use.
public struct UnmeasuredResultError: Error, Equatable, Sendable {
    /// The block whose run it read.
    public var blockID: String
    /// The line of the `expect:` entry or quiz that holds the expression.
    public var line: Int
    /// The expression as written.
    public var text: String
    /// The result and what was wrong with it.
    public var missing: Expression.MissingResult

    public init(blockID: String, line: Int, text: String, missing: Expression.MissingResult) {
        self.blockID = blockID
        self.line = line
        self.text = text
        self.missing = missing
    }
}

extension UnmeasuredResultError: CustomStringConvertible {
    public var description: String { "in `\(text)` over block `\(blockID)`: \(missing)" }
}
