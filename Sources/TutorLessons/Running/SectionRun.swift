/// What a section is asked for: the outputs a block shows and the results its expressions read.
///
/// A section computes at least these; it may skip work that serves neither.
public struct SectionRequest<Section: LessonSection>: Sendable {
    /// The outputs to build.
    public var outputs: Set<Section.OutputKey>
    /// The results to produce.
    public var results: Set<Section.ResultKey>

    public init(outputs: Set<Section.OutputKey>, results: Set<Section.ResultKey>) {
        self.outputs = outputs
        self.results = results
    }

    /// Every output and every result the section declares.
    public static var everything: SectionRequest {
        SectionRequest(outputs: Set(Section.OutputKey.allCases), results: Set(Section.ResultKey.allCases))
    }

    /// Whether `output` was asked for.
    public func wants(_ output: Section.OutputKey) -> Bool { outputs.contains(output) }

    /// Whether any of `results` was asked for.
    public func wants(any results: some Sequence<Section.ResultKey>) -> Bool {
        results.contains { self.results.contains($0) }
    }
}

/// One run of a section: outputs and results keyed by the section's own declared types.
public struct SectionRun<Section: LessonSection> {
    /// The outputs built, by key.
    public var outputs: [Section.OutputKey: [Output]] = [:]
    /// The results produced, by key.
    public var results: [Section.ResultKey: Double] = [:]

    public init() {}

    /// The value of `key`, NaN when the run did not produce it (shown as `nan` in a table, never
    /// read by an expression: the runner reports a missing result by name).
    public func value(_ key: Section.ResultKey) -> Double { results[key] ?? .nan }

    /// The run with names for keys, keeping only measured results: what expressions may read.
    var erased: SectionResult {
        SectionResult(
            outputs: Dictionary(uniqueKeysWithValues: outputs.map { ($0.key.rawValue, $0.value) }),
            results: Dictionary(uniqueKeysWithValues: results.filter { $0.key.provenance == .measured }.map { ($0.key.name, $0.value) }))
    }
}

extension SectionRun: Sendable {}

/// Throws `CancellationError` once `isCancelled` turns true: what a section calls between units of work.
public func checkCancellation(_ isCancelled: () -> Bool) throws {
    if isCancelled() { throw CancellationError() }
}
