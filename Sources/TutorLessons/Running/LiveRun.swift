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

    /// Whether every expectation held where it is meant to (an `at-default:` one after a tweak is not counted).
    public var passed: Bool { !expectations.contains(where: \.fails) }
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
    /// Whether the run had the parameters the expectation is meant for: always for a plain one; for
    /// an `at-default:` one only when the run had the block's parameters as written.
    public var appliesToRun: Bool

    public init(
        expectation: Expectation, passed: Bool, values: [(name: String, value: Double)], unmeasured: Expression.MissingResult? = nil,
        appliesToRun: Bool = true
    ) {
        self.expectation = expectation
        self.passed = passed
        self.appliesToRun = appliesToRun
        self.values = values
        self.unmeasured = unmeasured
    }

    public static func == (lhs: ExpectationOutcome, rhs: ExpectationOutcome) -> Bool {
        lhs.expectation == rhs.expectation && lhs.passed == rhs.passed && lhs.unmeasured == rhs.unmeasured
            && lhs.appliesToRun == rhs.appliesToRun
            && lhs.values.map(\.name) == rhs.values.map(\.name)
            && zip(lhs.values, rhs.values).allSatisfy { $0.value == $1.value || ($0.value.isNaN && $1.value.isNaN) }
    }
}

extension ExpectationOutcome {
    /// Whether the outcome is a failure to show and count: the condition does not hold where it is meant to.
    public var fails: Bool { !passed && appliesToRun }

    /// Whether the expectation is one for the block as written, read after a tweak: front ends show
    /// it as "holds at the default; now <values>", neither a pass nor a failure.
    public var isHeldAtDefaultOnly: Bool { !appliesToRun }

    /// What the expectation read, as every front end prints it: `mse = 1.2e-05, blocks = 1,024`, or
    /// the result it could not read and why.
    public var valuesText: String {
        unmeasured.map(String.init(describing:))
            ?? values.map { "\($0.name) = \(NumberFormat.result($0.value))" }.joined(separator: ", ")
    }
}

extension LiveRun: Sendable {}
extension ExpectationOutcome: Sendable {}
