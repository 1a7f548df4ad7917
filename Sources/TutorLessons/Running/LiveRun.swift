import QLoRAEngine

/// One run of a live block: what to show, the numbers measured, and whether each expectation held.
public struct LiveRun: Equatable {
    /// The block that ran.
    public var blockID: String
    /// The parameters it ran with, tweaks applied.
    public var parameters: ParameterValues
    /// The outputs named in the block's `show`, in that order.
    public var outputs: [Output]
    /// Every numeric result of the section.
    public var results: [String: Double]
    /// Each expectation with its verdict.
    public var expectations: [ExpectationOutcome]

    public init(blockID: String, parameters: ParameterValues, outputs: [Output], results: [String: Double], expectations: [ExpectationOutcome]) {
        self.blockID = blockID
        self.parameters = parameters
        self.outputs = outputs
        self.results = results
        self.expectations = expectations
    }

    /// Whether every expectation held.
    public var passed: Bool { expectations.allSatisfy(\.passed) }
}

/// An expectation and whether it held, with the values of the results it reads.
public struct ExpectationOutcome: Equatable {
    /// The expectation as the lesson writes it.
    public var expectation: Expectation
    /// Whether its condition held over the run's results; false when it could not be evaluated.
    public var passed: Bool
    /// The results the condition names and their values, sorted by name (NaN for one not produced).
    public var values: [(name: String, value: Double)]
    /// The result the condition names that the run gave no number for, when there was one: the
    /// expectation is then neither true nor false, and `--check` reports the lesson as unusable.
    public var unmeasured: Expression.MissingResult?

    public init(expectation: Expectation, passed: Bool, values: [(name: String, value: Double)], unmeasured: Expression.MissingResult? = nil) {
        self.expectation = expectation
        self.passed = passed
        self.values = values
        self.unmeasured = unmeasured
    }

    public static func == (lhs: ExpectationOutcome, rhs: ExpectationOutcome) -> Bool {
        lhs.expectation == rhs.expectation && lhs.passed == rhs.passed && lhs.unmeasured == rhs.unmeasured
            && lhs.values.map(\.name) == rhs.values.map(\.name)
            && zip(lhs.values, rhs.values).allSatisfy { $0.value == $1.value || ($0.value.isNaN && $1.value.isNaN) }
    }
}

extension ExpectationOutcome {
    /// What the expectation read, as every front end prints it: `mse = 1.2e-05, blocks = 1,024`, or
    /// the result it could not read and why.
    public var valuesText: String {
        unmeasured.map(String.init(describing:))
            ?? values.map { "\($0.name) = \(NumberFormat.result($0.value))" }.joined(separator: ", ")
    }
}

extension LiveRun: Sendable {}
extension ExpectationOutcome: Sendable {}
