import QLoRAEngine

/// A full set of parameters for one section run, by name.
///
/// Reads are typed and never fall back: a name the set does not hold, or a value of another kind,
/// is an `InputError` naming the parameter. The parser has already checked every name and value a
/// lesson gives against the section's specs, so a failing read points at the section's own code.
public struct ParameterValues: Hashable {
    /// The values by parameter name.
    public var values: [String: ParameterValue]

    public init(_ values: [String: ParameterValue] = [:]) {
        self.values = values
    }

    public subscript(name: String) -> ParameterValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// The parameter as a number.
    public func number(_ name: String) throws -> Double {
        guard case .number(let number) = values[name] else { throw mismatch(name, expected: "a number") }
        return number
    }

    /// The parameter as a whole number.
    public func integer(_ name: String) throws -> Int {
        let number = try number(name)
        guard number == number.rounded(), abs(number) < 1e15 else { throw mismatch(name, expected: "a whole number") }
        return Int(number)
    }

    /// The parameter as a word.
    public func word(_ name: String) throws -> String {
        guard case .word(let word) = values[name] else { throw mismatch(name, expected: "a word") }
        return word
    }

    /// The parameter as one of the cases of `type`, spelt as its raw value.
    public func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, as type: Choice.Type) throws -> Choice
    where Choice.RawValue == String {
        let word = try word(name)
        guard let choice = Choice(rawValue: word) else {
            throw mismatch(name, expected: "one of " + Choice.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return choice
    }

    /// The parameter as a boolean, written `true` or `false` (see `ParameterSpec.flag`).
    public func flag(_ name: String) throws -> Bool {
        switch try word(name) {
        case "true": return true
        case "false": return false
        default: throw mismatch(name, expected: "true or false")
        }
    }

    private func mismatch(_ name: String, expected: String) -> InputError {
        InputError("parameter `\(name)`", "expected \(expected), found \(values[name]?.description ?? "nothing")")
    }

    /// The values with `changes` applied on top.
    public func merging(_ changes: [String: ParameterValue]) -> ParameterValues {
        ParameterValues(values.merging(changes) { _, new in new })
    }

    /// A stable text form, `name=value` sorted by name, used in reports.
    public var canonicalText: String {
        values.keys.sorted().map { "\($0)=\(values[$0]?.description ?? "")" }.joined(separator: " ")
    }
}

extension ParameterValues: Sendable {}
