/// A full set of parameters for one section run, by name.
///
/// Lookups by a name the section does not declare are programming errors in the section, so the
/// accessors fall back to neutral values instead of throwing; the parser has already checked every
/// name and value a lesson gives against the section's specs.
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

    /// The parameter as a number (0 when it is missing or a word).
    public func number(_ name: String) -> Double {
        if case .number(let number) = values[name] { number } else { 0 }
    }

    /// The parameter as an integer; the parser only lets whole numbers through where a section
    /// asks for one, and the clamp keeps the conversion from trapping.
    public func integer(_ name: String) -> Int {
        Int(max(-1e15, min(1e15, number(name).rounded())))
    }

    /// The parameter as a word ("" when it is missing or a number).
    public func word(_ name: String) -> String {
        if case .word(let word) = values[name] { word } else { "" }
    }

    /// The values with `changes` applied on top.
    public func merging(_ changes: [String: ParameterValue]) -> ParameterValues {
        ParameterValues(values.merging(changes) { _, new in new })
    }

    /// A stable text form, `name=value` sorted by name, used as a cache key and in reports.
    public var canonicalText: String {
        values.keys.sorted().map { "\($0)=\(values[$0]?.description ?? "")" }.joined(separator: " ")
    }
}

extension ParameterValues: Sendable {}
