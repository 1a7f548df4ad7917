extension Quiz {
    /// Whether `answer` is right, judged from the answer alone.
    ///
    /// `computedValue` is the engine's value for a computed answer (ignored otherwise). A number
    /// is read from the text as written (`16`, `4.5`, `1e-5`), a unit after it allowed (`2 bytes`,
    /// `75%`); anything else is wrong.
    public func isCorrect(_ answer: String, computedValue: Double?) -> Bool {
        switch self.answer {
        case .choice(let choice):
            return Self.normalized(answer) == Self.normalized(choice)
        case .number(let expected, let tolerance):
            return Self.number(answer).map { abs($0 - expected) <= tolerance } ?? false
        case .computed(_, _, _, let tolerance):
            guard let computedValue, let given = Self.number(answer) else { return false }
            return abs(given - computedValue) <= tolerance
        }
    }

    /// Text compared without case and without spaces at either end.
    static func normalized(_ text: String) -> String {
        text.trimmingSpaces.lowercased()
    }

    /// Whether the quiz wants a number (fixed or computed) rather than one of its choices.
    public var wantsNumber: Bool {
        if case .choice = answer { return false }
        return true
    }

    /// The number an answer gives: a decimal number (`16`, `-4.5`, `1e-5`), then, optionally, a
    /// unit in letters or `%` (`2 bytes`, `75%`, `4.5 bits`); nil for anything else.
    public static func number(_ text: String) -> Double? {
        let scalars = Array(text.trimmingSpaces.unicodeScalars)
        var end = 0
        func digits() -> Int {
            let start = end
            while end < scalars.count, ("0"..."9").contains(scalars[end]) { end += 1 }
            return end - start
        }
        if end < scalars.count, scalars[end] == "-" || scalars[end] == "+" { end += 1 }
        var mantissa = digits()
        if end < scalars.count, scalars[end] == "." {
            end += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return nil }
        if end < scalars.count, scalars[end] == "e" || scalars[end] == "E" {
            let mark = end
            end += 1
            if end < scalars.count, scalars[end] == "-" || scalars[end] == "+" { end += 1 }
            if digits() == 0 { end = mark }
        }
        let unit = String(String.UnicodeScalarView(scalars[end...])).trimmingSpaces
        guard unit.isEmpty || unit == "%" || unit.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == " " }) else { return nil }
        return Double(String(String.UnicodeScalarView(scalars[..<end]))).flatMap { $0.isFinite ? $0 : nil }
    }
}
