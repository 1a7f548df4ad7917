import TutorLessons

/// What the tutor needs to run live blocks and judge computed answers, off the UI thread.
///
/// `report` lets a long block (training) stream what it has so far, such as the loss curve up to
/// the current step; `isCancelled` turns true when the learner presses Esc, and a block that checks
/// it can stop early. A runner that does neither still works: its result simply arrives at the end,
/// and a cancelled run's result is ignored.
public protocol LiveBlockRunning: Sendable {
    func run(
        _ block: LiveBlock, tweaks: [String: ParameterValue],
        report: @escaping @Sendable ([Output]) -> Void, isCancelled: @escaping @Sendable () -> Bool
    ) throws -> LiveRun

    /// The engine's value for a quiz whose answer is computed; nil for a fixed answer.
    func computedAnswer(to quiz: Quiz, in lesson: Lesson) throws -> Double?
}

extension LessonRunner: LiveBlockRunning {
    /// Runs the block; a section that reports as it goes (training) streams the block's outputs so far.
    public func run(
        _ block: LiveBlock, tweaks: [String: ParameterValue],
        report: @escaping @Sendable ([Output]) -> Void, isCancelled: @escaping @Sendable () -> Bool
    ) throws -> LiveRun {
        let progress = SectionProgress(
            report: { outputs in report(block.show.flatMap { outputs[$0] ?? [] }) }, isCancelled: isCancelled)
        return try run(block, tweaks: tweaks, progress: progress)
    }
}
