import Foundation
import QLoRAEngine

/// Turns live blocks into outputs and checked expectations: the one code path that computes what
/// every front end shows.
///
/// A block's run asks its section for what the block shows and the results its expectations read,
/// nothing more. Results are cached per section, parameter set and request, up to `cacheCapacity`
/// runs (the least recently used make room), so stepping back and forth through tweaks, or checking
/// a course where blocks share parameters, runs the engine once per distinct set.
public final class LessonRunner {
    /// The sections blocks may run.
    public let registry: SectionRegistry
    /// The most section runs the cache keeps.
    public let cacheCapacity: Int
    private let lock = NSLock()
    private var cache: ResultCache<CacheKey, SectionResult>

    /// A run as the cache knows it: the full parameter set (compared as values, never as text) and
    /// what was asked of the section.
    private struct CacheKey: Hashable {
        var section: String
        var parameters: ParameterValues
        var outputs: [String]
        var results: Set<String>
    }

    /// Enough for every block of a lesson and a few dozen tweaks; a run keeps its outputs, which are
    /// at most a few hundred kilobytes of heatmaps.
    public static let defaultCacheCapacity = 64

    public init(registry: SectionRegistry = .standard, cacheCapacity: Int = defaultCacheCapacity) {
        self.registry = registry
        self.cacheCapacity = cacheCapacity
        cache = ResultCache(capacity: cacheCapacity)
    }

    /// How many section runs the cache holds now.
    public var cachedRunCount: Int { lock.withLock { cache.count } }

    /// Runs `block` with the learner's `tweaks` applied.
    ///
    /// A tweak of a parameter the block does not offer, or to a value it does not allow, is an
    /// `InputError`; so is a failure the engine reports. An expectation that names a result the run
    /// gave no number for fails with that result named in its outcome.
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
        try run(block, tweaks: tweaks, reading: [], progress: progress, isCancelled: isCancelled)
    }

    /// The engine's value for a quiz whose answer is computed, from the block it names run as written;
    /// nil for a quiz with a fixed answer.
    public func computedAnswer(to quiz: Quiz, in lesson: Lesson) throws -> Double? {
        guard case .computed(let blockID, let expression, let text, _) = quiz.answer else { return nil }
        guard let block = lesson.liveBlocks.first(where: { $0.id == blockID }) else {
            throw InputError("\(lesson.sourcePath):\(quiz.line)", "quiz `\(quiz.id)` reads unknown live block `\(blockID)`")
        }
        // Reading every result the lesson's quizzes read of this block makes one run serve them all,
        // and it is the run the tutor makes when the block is shown, so either finds the other cached.
        let run = try run(
            block, reading: lesson.resultsReadByQuizzes(of: blockID).union(expression.names), progress: { _ in }, isCancelled: { false })
        do throws(Expression.MissingResult) {
            return try expression.number(run.results)
        } catch {
            throw UnmeasuredResultError(blockID: blockID, line: quiz.line, text: text, missing: error)
        }
    }

    /// Runs `block` as `run(_:tweaks:progress:isCancelled:)` does, asking its section for the
    /// results `extraResults` names as well as those its expectations read.
    ///
    /// A run that reads the results its lesson's computed quizzes read is the run
    /// `computedAnswer(to:in:)` looks for in the cache, so a quiz about a block that has just run as
    /// written is answered without running it again.
    public func run(
        _ block: LiveBlock, tweaks: [String: ParameterValue] = [:], reading extraResults: Set<String>,
        progress: ([Output]) -> Void, isCancelled: () -> Bool
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
        let key = CacheKey(
            section: section.name, parameters: parameters, outputs: block.show,
            results: extraResults.union(block.expectations.flatMap(\.condition.names)))
        let result = try sectionResult(section, key, isCancelled: isCancelled) { partial in
            let shown = block.show.flatMap { partial.outputs[$0] ?? [] }
            if !shown.isEmpty { progress(shown) }
        }
        let outputs = block.show.flatMap { result.outputs[$0] ?? [] }
        let isAsWritten = parameters == block.parameters
        let outcomes = block.expectations.map { expectation in
            let values = expectation.condition.names.map { ($0, result.results[$0] ?? .nan) }
            let applies = expectation.scope == .everyTweak || isAsWritten
            do throws(Expression.MissingResult) {
                return ExpectationOutcome(
                    expectation: expectation, passed: try expectation.condition.truth(result.results), values: values, appliesToRun: applies)
            } catch {
                return ExpectationOutcome(expectation: expectation, passed: false, values: values, unmeasured: error, appliesToRun: applies)
            }
        }
        return LiveRun(blockID: block.id, parameters: parameters, outputs: outputs, results: result.results, expectations: outcomes)
    }

    /// The section's result for `key`, from the cache or computed (and then cached).
    private func sectionResult(
        _ section: any LessonSection, _ key: CacheKey, isCancelled: () -> Bool, progress: (SectionProgress) -> Void
    ) throws -> SectionResult {
        if let cached = lock.withLock({ cache.value(for: key) }) { return cached }
        let result = try section.run(key.parameters, outputs: key.outputs, results: key.results, progress: progress, isCancelled: isCancelled)
        lock.withLock { cache.insert(result, for: key) }
        return result
    }
}

// The cache is only touched under the lock, and sections are Sendable and deterministic.
extension LessonRunner: @unchecked Sendable {}
