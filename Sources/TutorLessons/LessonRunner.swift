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
    private var cache: [String: SectionResult] = [:]

    public init(registry: SectionRegistry = .standard) {
        self.registry = registry
    }

    /// Runs `block` with the learner's `tweaks` applied.
    ///
    /// A tweak of a parameter the block does not offer, or to a value it does not allow, is an
    /// `InputError`; so is a failure the engine reports. With `progress`, a section that reports
    /// as it goes (`ProgressReportingSection`) hands over the block's outputs so far.
    public func run(
        _ block: LiveBlock, tweaks: [String: ParameterValue] = [:], progress: SectionProgress? = nil
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
        let result = try sectionResult(section, parameters, progress: progress.map { progress in
            SectionProgress(
                report: { outputs in progress.report(Dictionary(uniqueKeysWithValues: block.show.map { ($0, outputs[$0] ?? []) })) },
                isCancelled: progress.isCancelled)
        })
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

    private func sectionResult(
        _ section: any LessonSection, _ parameters: ParameterValues, progress: SectionProgress? = nil
    ) throws -> SectionResult {
        let key = section.name + " " + parameters.canonicalText
        if let cached = lock.withLock({ cache[key] }) { return cached }
        let result: SectionResult
        if let progress, let reporting = section as? any ProgressReportingSection {
            result = try reporting.run(parameters, progress: progress)
        } else {
            result = try section.run(parameters)
        }
        lock.withLock { cache[key] = result }
        return result
    }
}

// The cache is only touched under the lock, and sections are Sendable and deterministic.
extension LessonRunner: @unchecked Sendable {}
