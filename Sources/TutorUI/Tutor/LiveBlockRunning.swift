import TutorLessons

/// What the tutor needs to run live blocks and judge computed answers, off the UI thread.
///
/// `progress` lets a long block (training) stream what it has so far, such as the loss curve up to
/// the current step; `isCancelled` turns true when the learner presses Esc, and a block that checks
/// it stops early. A section that does neither still works: its result simply arrives at the end,
/// and a cancelled run's result is ignored.
public protocol LiveBlockRunning: Sendable {
    /// Runs `block` with `tweaks` on the calling (worker) thread, measuring the results its
    /// expectations and `extraResults` read, handing `progress` the outputs so far; throws
    /// `CancellationError` when it stopped because `isCancelled` turned true.
    func run(
        _ block: LiveBlock, tweaks: [String: ParameterValue], reading extraResults: Set<String>, progress: ([Output]) -> Void,
        isCancelled: () -> Bool
    ) throws -> LiveRun

    /// The engine's value for a quiz whose answer is computed; nil for a fixed answer.
    func computedAnswer(to quiz: Quiz, in lesson: Lesson) throws -> Double?
}

extension LessonRunner: LiveBlockRunning {}
