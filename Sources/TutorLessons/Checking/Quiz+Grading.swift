extension Quiz {
    /// Whether `answer` is right, judged from the answer alone.
    ///
    /// `computedValue` is the engine's value for a computed answer (ignored otherwise). A number
    /// is read from the text as written (`16`, `4.5`, `1e-5`); anything else is wrong.
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

    /// The characters a decimal number is written with. Swift's `Double` also reads hexadecimal
    /// (`0x10000` is 65536), `nan` and `inf`, none of which a learner's answer means.
    private static let decimalCharacters = Set("0123456789+-.eE".unicodeScalars)

    private static func number(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces
        guard trimmed.unicodeScalars.allSatisfy(decimalCharacters.contains) else { return nil }
        return Double(trimmed).flatMap { $0.isFinite ? $0 : nil }
    }
}
