/// A mistake in an expression: the column (from 1) where it was found and what was expected there.
public struct ExpressionError: Error, Equatable, Sendable {
    public var column: Int
    public var message: String
}

extension Expression {
    /// The kind of value an expression gives.
    public enum Kind: Equatable, Sendable {
        case number, boolean
    }

    /// Parses `text`, allowing only result names in `names`, and checks that it gives a value of `kind`.
    public static func parse(_ text: String, names: Set<String>, kind: Kind) throws(ExpressionError) -> Expression {
        var parser = ExpressionParser(text: text, names: names)
        let (expression, found) = try parser.parseExpression()
        try parser.expectEnd()
        guard found == kind else {
            throw ExpressionError(
                column: 1,
                message: kind == .boolean
                    ? "expected a condition such as `mse < 1e-4`, found a number"
                    : "expected a number, found a condition")
        }
        return expression
    }
}

/// A recursive-descent parser over the grammar in `Lessons/README.md`, lowest precedence first:
/// `or`, `and`, `not`, a comparison (not chained), `+ -`, `* /`, unary `-`, then numbers, names,
/// calls and parentheses. It tracks each subexpression's kind so `mse + (a < b)` fails at parse time.
private struct ExpressionParser {
    private enum Token: Equatable {
        case number(Double)
        case word(String)
        case symbol(String)
        case end
    }

    private let names: Set<String>
    /// How deep the parser has recursed; bounded so a hostile lesson cannot exhaust the stack.
    private var nesting = 0
    private static let maximumNesting = 64
    /// How many numbers and names one expression may hold. A flat chain such as `a + a + ... + a`
    /// never nests, but its tree is as deep as it is long and evaluating it recurses that deep.
    static let maximumTerms = 256
    private var terms = 0
    private var tokens: [(token: Token, column: Int)] = []
    private var position = 0
    private var tokenizeError: ExpressionError?

    init(text: String, names: Set<String>) {
        self.names = names
        tokenize(Array(text.unicodeScalars))
    }

    private mutating func tokenize(_ scalars: [Unicode.Scalar]) {
        tokenizeScalars(scalars)
        // Always end with `.end`, even after an error, so `current` has a token to read.
        tokens.append((.end, scalars.count + 1))
    }

    private mutating func tokenizeScalars(_ scalars: [Unicode.Scalar]) {
        var index = 0
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
        func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let column = index + 1
            if scalar == " " || scalar == "\t" {
                index += 1
            } else if isDigit(scalar) || (scalar == "." && index + 1 < scalars.count && isDigit(scalars[index + 1])) {
                var end = index
                while end < scalars.count, isDigit(scalars[end]) || scalars[end] == "." { end += 1 }
                if end < scalars.count, scalars[end] == "e" || scalars[end] == "E" {
                    var exponentEnd = end + 1
                    if exponentEnd < scalars.count, scalars[exponentEnd] == "+" || scalars[exponentEnd] == "-" { exponentEnd += 1 }
                    if exponentEnd < scalars.count, isDigit(scalars[exponentEnd]) {
                        while exponentEnd < scalars.count, isDigit(scalars[exponentEnd]) { exponentEnd += 1 }
                        end = exponentEnd
                    }
                }
                let literal = String(String.UnicodeScalarView(scalars[index..<end]))
                guard let value = Double(literal), value.isFinite else {
                    tokenizeError = ExpressionError(column: column, message: "expected a number, found `\(literal)`")
                    return
                }
                tokens.append((.number(value), column))
                index = end
                guard countTerm(at: column) else { return }
            } else if isWordStart(scalar) {
                var end = index
                while end < scalars.count, isWordStart(scalars[end]) || isDigit(scalars[end]) { end += 1 }
                let word = String(String.UnicodeScalarView(scalars[index..<end]))
                tokens.append((.word(word), column))
                index = end
                if !Self.keywords.contains(word) {
                    guard countTerm(at: column) else { return }
                }
            } else {
                let pair = index + 1 < scalars.count ? String(scalar) + String(scalars[index + 1]) : ""
                if ["<=", ">=", "==", "!=", "~="].contains(pair) {
                    tokens.append((.symbol(pair), column))
                    index += 2
                } else if "+-*/()<>,".unicodeScalars.contains(scalar) {
                    tokens.append((.symbol(String(scalar)), column))
                    index += 1
                } else {
                    tokenizeError = ExpressionError(column: column, message: "unexpected character `\(scalar)`")
                    return
                }
            }
        }
    }

    /// The words of the grammar itself, which are not terms.
    private static let keywords: Set<String> = ["and", "or", "not", "within"]

    /// Counts one number or name, failing past `maximumTerms`.
    private mutating func countTerm(at column: Int) -> Bool {
        terms += 1
        guard terms <= Self.maximumTerms else {
            tokenizeError = ExpressionError(
                column: column, message: "expression has more than \(Self.maximumTerms) terms (numbers and names); expected at most \(Self.maximumTerms)")
            return false
        }
        return true
    }

    private var current: Token { tokens[min(position, tokens.count - 1)].token }
    private var column: Int { tokens[min(position, tokens.count - 1)].column }

    private var currentText: String {
        switch current {
        case .number(let value): "`\(ParameterValue.number(value))`"
        case .word(let word): "`\(word)`"
        case .symbol(let symbol): "`\(symbol)`"
        case .end: "the end"
        }
    }

    private mutating func accept(_ token: Token) -> Bool {
        guard current == token else { return false }
        position += 1
        return true
    }

    /// Counts one level of recursion, failing past `maximumNesting`.
    private mutating func enter() throws(ExpressionError) {
        nesting += 1
        guard nesting <= Self.maximumNesting else {
            throw ExpressionError(column: column, message: "expression nested more than \(Self.maximumNesting) levels deep")
        }
    }

    private func failure(_ expected: String) -> ExpressionError {
        ExpressionError(column: column, message: "expected \(expected), found \(currentText)")
    }

    private func require(_ kind: Expression.Kind, _ found: Expression.Kind, at column: Int, for role: String) throws(ExpressionError) {
        guard kind == found else {
            let wanted = kind == .number ? "a number" : "a condition"
            throw ExpressionError(column: column, message: "expected \(wanted) \(role)")
        }
    }

    mutating func expectEnd() throws(ExpressionError) {
        if let tokenizeError { throw tokenizeError }
        guard current == .end else { throw failure("an operator or the end") }
    }

    mutating func parseExpression() throws(ExpressionError) -> (Expression, Expression.Kind) {
        if let tokenizeError { throw tokenizeError }
        if current == .end { throw failure("an expression") }
        return try parseConditions(joinedBy: .or)
    }

    /// The words that join conditions, loosest first: `a or b and c` is `a or (b and c)`.
    private enum Junction: String {
        case or, and

        /// The junction that binds tighter than this one; below the last, `not`.
        var tighter: Junction? {
            switch self {
            case .or: .and
            case .and: nil
            }
        }

        func join(_ left: Expression, _ right: Expression) -> Expression {
            switch self {
            case .or: Expression.or(left, right)
            case .and: Expression.and(left, right)
            }
        }
    }

    /// One precedence-climbing step: operands that bind tighter than `junction`, joined by it from left to right.
    private mutating func parseConditions(joinedBy junction: Junction) throws(ExpressionError) -> (Expression, Expression.Kind) {
        let start = column
        var (left, kind) = try parseOperand(of: junction)
        while current == .word(junction.rawValue) {
            try require(.boolean, kind, at: start, for: "before `\(junction.rawValue)`")
            position += 1
            let rightColumn = column
            let (right, rightKind) = try parseOperand(of: junction)
            try require(.boolean, rightKind, at: rightColumn, for: "after `\(junction.rawValue)`")
            left = junction.join(left, right)
            kind = .boolean
        }
        return (left, kind)
    }

    private mutating func parseOperand(of junction: Junction) throws(ExpressionError) -> (Expression, Expression.Kind) {
        guard let tighter = junction.tighter else { return try parseNot() }
        return try parseConditions(joinedBy: tighter)
    }

    private mutating func parseNot() throws(ExpressionError) -> (Expression, Expression.Kind) {
        try enter()
        defer { nesting -= 1 }
        guard accept(.word("not")) else { return try parseComparison() }
        let operandColumn = column
        let (operand, kind) = try parseNot()
        try require(.boolean, kind, at: operandColumn, for: "after `not`")
        return (.not(operand), .boolean)
    }

    private mutating func parseComparison() throws(ExpressionError) -> (Expression, Expression.Kind) {
        let start = column
        let (left, kind) = try parseSum()
        guard case .symbol(let symbol) = current else { return (left, kind) }
        if symbol == "~=" {
            try require(.number, kind, at: start, for: "before `~=`")
            position += 1
            let right = try parseNumber(role: "after `~=`")
            guard accept(.word("within")) else { throw failure("`within` and a tolerance after `~=`") }
            let tolerance = try parseNumber(role: "after `within`")
            return try finishComparison(.approximately(left, right, within: tolerance))
        }
        guard let comparison = Expression.ComparisonOperator(rawValue: symbol) else { return (left, kind) }
        try require(.number, kind, at: start, for: "before `\(symbol)`")
        position += 1
        let right = try parseNumber(role: "after `\(symbol)`")
        return try finishComparison(.comparison(comparison, left, right))
    }

    private mutating func finishComparison(_ expression: Expression) throws(ExpressionError) -> (Expression, Expression.Kind) {
        if case .symbol(let next) = current, Expression.ComparisonOperator(rawValue: next) != nil || next == "~=" {
            throw ExpressionError(column: column, message: "comparisons do not chain; join them with `and`")
        }
        return (expression, .boolean)
    }

    private mutating func parseNumber(role: String) throws(ExpressionError) -> Expression {
        let start = column
        let (expression, kind) = try parseSum()
        try require(.number, kind, at: start, for: role)
        return expression
    }

    private mutating func parseSum() throws(ExpressionError) -> (Expression, Expression.Kind) {
        let start = column
        var (left, kind) = try parseProduct()
        while case .symbol(let symbol) = current, symbol == "+" || symbol == "-",
              let operation = Expression.ArithmeticOperator(rawValue: symbol) {
            try require(.number, kind, at: start, for: "before `\(symbol)`")
            position += 1
            let right = try parseNumberFactor(role: "after `\(symbol)`", parse: { (parser: inout ExpressionParser) throws(ExpressionError) in try parser.parseProduct() })
            left = .arithmetic(operation, left, right)
            kind = .number
        }
        return (left, kind)
    }

    private mutating func parseProduct() throws(ExpressionError) -> (Expression, Expression.Kind) {
        let start = column
        var (left, kind) = try parseUnary()
        while case .symbol(let symbol) = current, symbol == "*" || symbol == "/",
              let operation = Expression.ArithmeticOperator(rawValue: symbol) {
            try require(.number, kind, at: start, for: "before `\(symbol)`")
            position += 1
            let right = try parseNumberFactor(role: "after `\(symbol)`", parse: { (parser: inout ExpressionParser) throws(ExpressionError) in try parser.parseUnary() })
            left = .arithmetic(operation, left, right)
            kind = .number
        }
        return (left, kind)
    }

    private mutating func parseNumberFactor(
        role: String, parse: (inout ExpressionParser) throws(ExpressionError) -> (Expression, Expression.Kind)
    ) throws(ExpressionError) -> Expression {
        let start = column
        let (expression, kind) = try parse(&self)
        try require(.number, kind, at: start, for: role)
        return expression
    }

    private mutating func parseUnary() throws(ExpressionError) -> (Expression, Expression.Kind) {
        try enter()
        defer { nesting -= 1 }
        guard accept(.symbol("-")) else { return try parsePrimary() }
        let operand = try parseNumberFactor(role: "after unary `-`", parse: { (parser: inout ExpressionParser) throws(ExpressionError) in try parser.parseUnary() })
        return (.negate(operand), .number)
    }

    private mutating func parsePrimary() throws(ExpressionError) -> (Expression, Expression.Kind) {
        let start = column
        switch current {
        case .number(let value):
            position += 1
            return (.number(value), .number)
        case .symbol("("):
            position += 1
            let inner = try parseExpression()
            guard accept(.symbol(")")) else { throw failure("`)`") }
            return inner
        case .word(let word) where !Self.keywords.contains(word):
            position += 1
            if accept(.symbol("(")) {
                guard let function = Expression.Function(rawValue: word) else {
                    let known = Expression.Function.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ExpressionError(column: start, message: "unknown function `\(word)`; expected one of \(known)")
                }
                var arguments: [Expression] = []
                repeat {
                    arguments.append(try parseNumber(role: "as an argument of `\(word)`"))
                } while accept(.symbol(","))
                guard accept(.symbol(")")) else { throw failure("`,` or `)`") }
                guard arguments.count == function.arity else {
                    throw ExpressionError(
                        column: start, message: "`\(word)` takes \(function.arity) argument\(function.arity == 1 ? "" : "s"), found \(arguments.count)")
                }
                return (.call(function, arguments), .number)
            }
            guard names.contains(word) else {
                let known = names.sorted().joined(separator: ", ")
                throw ExpressionError(column: start, message: "unknown result `\(word)`; expected one of \(known)")
            }
            return (.name(word), .number)
        default:
            throw failure("a number, a result name or `(`")
        }
    }
}
