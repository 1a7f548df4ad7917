/// What one run of a section gives: named outputs to show and named numbers to check.
public struct SectionResult: Equatable {
    /// Every output the section can show, by the names in `LessonSection.outputs`.
    public var outputs: [String: [Output]]
    /// Every numeric result, by the names in `LessonSection.results`.
    public var results: [String: Double]

    public init(outputs: [String: [Output]], results: [String: Double]) {
        self.outputs = outputs
        self.results = results
    }
}

extension SectionResult: Sendable {}
