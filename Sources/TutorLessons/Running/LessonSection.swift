/// An engine section a live block can run: the parameters it takes, what it shows, what it measures.
///
/// Sections are registered in a `SectionRegistry`; adding one there is all a new kind of live block needs.
/// A section must be deterministic: the same parameters give the same results, bit for bit, and the
/// same outputs, save a timing an output presents as measured on this machine (`train`'s `speed`).
public protocol LessonSection: Sendable {
    /// The name a block gives in `run:`.
    var name: String { get }
    /// One line for the authoring guide.
    var summary: String { get }
    /// Every parameter the section takes.
    var parameters: [ParameterSpec] { get }
    /// The outputs a block may `show`, by name, with what each draws.
    var outputs: [(name: String, summary: String)] { get }
    /// The numeric results expectations and computed quiz answers may name, with what each means.
    var results: [(name: String, summary: String)] { get }
    /// Runs the section on a full, valid parameter set.
    func run(_ parameters: ParameterValues) throws -> SectionResult
    /// Runs the section as `run(_:)` does, handing `progress` what it can show so far and stopping
    /// early, by throwing `CancellationError`, once `isCancelled` turns true.
    ///
    /// The result must equal `run(_:)`'s: reports and cancellation checks change when the caller
    /// hears about the work, never what it computes. The default runs in one go and reports nothing.
    func run(
        _ parameters: ParameterValues, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionResult
}

extension LessonSection {
    public func run(
        _ parameters: ParameterValues, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionResult {
        try run(parameters)
    }

    /// The spec of the parameter called `name`, if the section takes one.
    public func parameter(named name: String) -> ParameterSpec? {
        parameters.first { $0.name == name }
    }

    /// The section's defaults for every parameter.
    public var defaultParameters: ParameterValues {
        ParameterValues(Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.defaultValue) }))
    }
}
