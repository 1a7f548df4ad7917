import Foundation
import QLoRAEngine

/// Turns live blocks into outputs and checked expectations: the one code path that computes what
/// every front end shows.
///
/// Results are cached per section and parameter set, so stepping back and forth through tweaks,
/// or checking a course where blocks share parameters, runs the engine once per distinct set.
public final class LessonRunner {
    /// The sections blocks may run.
    public let registry: SectionRegistry
    private let lock = NSLock()
    /// Results by section name and the full parameter set (compared as values, never as text).
    private var cache: [CacheKey: SectionResult] = [:]

    private struct CacheKey: Hashable {
        var section: String
        var parameters: ParameterValues
    }

    public init(registry: SectionRegistry = .standard) {
        self.registry = registry
    }

    /// Runs `block` with the learner's `tweaks` applied.
    ///
    /// A tweak of a parameter the block does not offer, or to a value it does not allow, is an
    /// `InputError`; so is a failure the engine reports.
    public func run(_ block: LiveBlock, tweaks: [String: ParameterValue] = [:]) throws -> LiveRun {
        try run(block, tweaks: tweaks, progress: { _ in }, isCancelled: { false })
    }

    /// Runs `block` as `run(_:tweaks:)` does, handing `progress` the outputs of its `show` that the
    /// section can draw so far, in that order (a report with none of them is not passed on), and
    /// stopping once `isCancelled` turns true.
    ///
    /// The run, when it finishes, equals `run(_:tweaks:)`'s. A stopped run throws
    /// `CancellationError` and is not cached, so the next run of the same parameters starts afresh.
    public func run(
        _ block: LiveBlock, tweaks: [String: ParameterValue] = [:], progress: ([Output]) -> Void, isCancelled: () -> Bool
    ) throws -> LiveRun {
        for (name, value) in tweaks.sorted(by: { $0.key < $1.key }) {
            guard let tweak = block.tweaks.first(where: { $0.parameter == name }) else {
                throw InputError("tweak `\(name)`", "block `\(block.id)` does not offer `\(name)`; expected one of \(block.tweaks.map(\.parameter).joined(separator: ", "))")
            }
            guard tweak.allowed.contains(value) else {
                throw InputError("tweak `\(name)`", "expected \(tweak.allowed.description), found \(value)")
            }
        }
        guard let section = registry.section(named: block.section) else {
            throw InputError("block `\(block.id)`", "unknown section `\(block.section)`")
        }
        let parameters = block.parameters.merging(tweaks)
        let result = try sectionResult(section, parameters, isCancelled: isCancelled) { partial in
            let shown = block.show.flatMap { partial.outputs[$0] ?? [] }
            if !shown.isEmpty { progress(shown) }
        }
        let outputs = block.show.flatMap { result.outputs[$0] ?? [] }
        let outcomes = block.expectations.map { expectation in
            ExpectationOutcome(
                expectation: expectation,
                passed: expectation.condition.truth(result.results),
                values: expectation.condition.names.map { ($0, result.results[$0] ?? .nan) })
        }
        return LiveRun(blockID: block.id, parameters: parameters, outputs: outputs, results: result.results, expectations: outcomes)
    }

    /// The engine's value for a quiz whose answer is computed, from the block it names run as written;
    /// nil for a quiz with a fixed answer.
    public func computedAnswer(to quiz: Quiz, in lesson: Lesson) throws -> Double? {
        guard case .computed(let blockID, let expression, _, _) = quiz.answer else { return nil }
        guard let block = lesson.liveBlocks.first(where: { $0.id == blockID }) else {
            throw InputError("\(lesson.sourcePath):\(quiz.line)", "quiz `\(quiz.id)` reads unknown live block `\(blockID)`")
        }
        return expression.number(try run(block).results)
    }

    /// The section's result for `parameters`, from the cache or computed (and then cached).
    private func sectionResult(
        _ section: any LessonSection, _ parameters: ParameterValues, isCancelled: () -> Bool, progress: (SectionProgress) -> Void
    ) throws -> SectionResult {
        let key = CacheKey(section: section.name, parameters: parameters)
        if let cached = lock.withLock({ cache[key] }) { return cached }
        let result = try section.run(parameters, progress: progress, isCancelled: isCancelled)
        lock.withLock { cache[key] = result }
        return result
    }
}

// The cache is only touched under the lock, and sections are Sendable and deterministic.
extension LessonRunner: @unchecked Sendable {}
