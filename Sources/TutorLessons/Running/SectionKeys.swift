/// Whether a section's number comes out of running the engine or is known before it runs.
public enum ResultProvenance: Equatable, Sendable {
    /// The engine computed it from what it built: a count of what was stored, an error, a loss.
    case measured
    /// A constant or a formula of the parameters, shown beside the measurements; an `expect:` line
    /// cannot name it, since a check of it could never fail.
    case given
}

/// The numbers a section can produce, declared once as a type: each value is one result.
///
/// A section's `run` fills a `SectionRun` keyed by this type, so it can only produce a result it
/// declared; the name is what lessons write in `expect:` and `compute:`.
public protocol SectionResultKey: Hashable, Sendable, CaseIterable where AllCases == [Self] {
    /// The name lessons use: `mse`, `bits_per_param_b64`.
    var name: String { get }
    /// One line for the authoring guide.
    var summary: String { get }
    /// Measured by the engine, or given.
    var provenance: ResultProvenance { get }
}

/// The outputs a section can show, declared once as a type: each case is one name in `show:`.
public protocol SectionOutputKey: Hashable, Sendable, CaseIterable, RawRepresentable where AllCases == [Self], RawValue == String {
    /// One line for the authoring guide: what the output draws.
    var summary: String { get }
}

extension SectionResultKey {
    public var provenance: ResultProvenance { .measured }
}
