/// What a long-running section may do while it runs: hand over its outputs so far, and learn
/// that the learner no longer wants the result.
public struct SectionProgress: Sendable {
    /// Receives outputs so far, by output name (a loss curve up to the current step).
    public var report: @Sendable ([String: [Output]]) -> Void
    /// True once the run should stop; a section that sees it throws `CancellationError`.
    public var isCancelled: @Sendable () -> Bool

    public init(report: @escaping @Sendable ([String: [Output]]) -> Void, isCancelled: @escaping @Sendable () -> Bool) {
        self.report = report
        self.isCancelled = isCancelled
    }
}

/// A section whose runs take long enough to show as they go, such as training.
public protocol ProgressReportingSection: LessonSection {
    /// Runs the section as `run(_:)` does, reporting outputs so far through `progress`.
    func run(_ parameters: ParameterValues, progress: SectionProgress) throws -> SectionResult
}
