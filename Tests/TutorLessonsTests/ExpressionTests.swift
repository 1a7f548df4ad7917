import Testing
@testable import TutorLessons

@Suite struct ExpressionTests {
    private let names: Set<String> = ["mse", "bits", "scale", "max_error"]
    private let results = ["mse": 1e-5, "bits": 4.5, "scale": 0.01, "max_error": 0.004]

    private func truth(_ text: String) throws -> Bool {
        try Expression.parse(text, names: names, kind: .boolean).truth(results)
    }

    @Test(arguments: [
        ("mse < 2e-5", true),
        ("mse < 1e-5", false),
        ("bits == 4.5", true),
        ("bits != 4.5", false),
        ("bits ~= 4.4999 within 1e-3", true),
        ("bits ~= 4.4 within 1e-3", false),
        ("max_error <= scale / 2", true),
        ("-bits < -4 and not (bits > 5)", true),
        ("bits > 5 or mse >= 1e-5", true),
        ("abs(-bits) == 4.5 and min(bits, 3) == 3 and max(1, 2) == 2", true),
        ("sqrt(4) == 2 and log2(8) == 3", true),
        ("1 + 2 * 3 == 7 and (1 + 2) * 3 == 9 and 8 / 2 / 2 == 2 and 5 - 2 - 1 == 2", true),
        (".5 == 0.5 and 1E3 == 1000", true),
    ])
    func evaluates(text: String, expected: Bool) throws {
        #expect(try truth(text) == expected)
    }

    @Test(arguments: [
        ("mse <", 6, "expected a number, a result name or `(`, found the end"),
        ("mse < 1 <  2", 9, "comparisons do not chain"),
        ("sqnr > 3", 1, "unknown result `sqnr`"),
        ("mse + (bits < 1) > 0", 7, "expected a number after `+`"),
        ("bits and mse < 1", 1, "expected a condition before `and`"),
        ("mse < 1 and bits", 13, "expected a condition after `and`"),
        ("bits or mse < 1", 1, "expected a condition before `or`"),
        ("mse < 1 or bits > 1 and scale", 25, "expected a condition after `and`"),
        ("bits ~= 4", 10, "`within`"),
        ("frob(1) > 0", 1, "unknown function `frob`"),
        ("min(1) > 0", 1, "`min` takes 2 arguments"),
        ("mse < 1e-5 $", 12, "unexpected character `$`"),
        ("(mse < 1", 9, "expected `)`"),
        ("mse", 1, "expected a condition"),
    ])
    func rejects(text: String, column: Int, message: String) {
        let error = #expect(throws: ExpressionError.self) { try Expression.parse(text, names: names, kind: .boolean) }
        #expect(error?.column == column)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
    }

    @Test func andBindsTighterThanOr() throws {
        let expression = try Expression.parse("mse < 1 or bits < 1 and scale < 1", names: names, kind: .boolean)
        guard case .or(_, .and) = expression else {
            Issue.record("expected `a or (b and c)`, got \(expression)")
            return
        }
        #expect(try truth("bits < 1 and mse < 1 or scale < 1"))
    }

    @Test func numbersAreNumbersNotConditions() throws {
        let expression = try Expression.parse("bits * 2", names: names, kind: .number)
        #expect(try expression.number(results) == 9)
        #expect(throws: ExpressionError.self) { try Expression.parse("bits > 2", names: names, kind: .number) }
    }

    @Test func namesAreCollectedAndAMissingResultIsAnErrorNamingIt() throws {
        let expression = try Expression.parse("mse < scale or scale > mse", names: names, kind: .boolean)
        #expect(expression.names == ["mse", "scale"])
        #expect(throws: Expression.MissingResult(name: "mse", isNaN: false)) { try expression.truth(["scale": 1]) }
    }

    /// `!=` is true on NaN and `<` false: either would give a verdict on a value never computed.
    @Test(arguments: ["mse != 0", "mse < 1", "not (mse > 1)", "abs(mse) >= 0 or bits > 0"])
    func aNaNResultIsAnErrorNamingIt(_ text: String) throws {
        let expression = try Expression.parse(text, names: names, kind: .boolean)
        var withNaN = results
        withNaN["mse"] = .nan
        #expect(throws: Expression.MissingResult(name: "mse", isNaN: true)) { try expression.truth(withNaN) }
        #expect(throws: Never.self) { try expression.truth(results) }
    }

    /// A flat chain never nests, but evaluating one of 60,000 terms overflowed the stack.
    @Test(arguments: [" + ", " * ", " - "])
    func longFlatArithmeticChainsAreRefusedWithTheLimit(joiner: String) {
        let text = Array(repeating: "mse", count: 60_000).joined(separator: joiner) + " < 1"
        let error = #expect(throws: ExpressionError.self) { try Expression.parse(text, names: names, kind: .boolean) }
        #expect(error?.message.contains("more than 256 terms") == true, "\(error?.message ?? "no error")")
    }

    @Test(arguments: [" and ", " or "])
    func longFlatConditionChainsAreRefusedWithTheLimit(joiner: String) {
        let text = Array(repeating: "mse < 1", count: 30_000).joined(separator: joiner)
        let error = #expect(throws: ExpressionError.self) { try Expression.parse(text, names: names, kind: .boolean) }
        #expect(error?.message.contains("more than 256 terms") == true, "\(error?.message ?? "no error")")
    }

    @Test func aChainAtTheLimitStillEvaluates() throws {
        let sum = Array(repeating: "bits", count: 255).joined(separator: " + ")
        #expect(try truth("\(sum) == \(255 * 4.5)"))
        #expect(throws: ExpressionError.self) { try truth("\(sum) + bits == 0") }
    }
}
