import Foundation
import QLoRAEngine
import Testing
@testable import TutorLessons

/// A section that adds up `n` ones, one per step: it reports the running total after every step
/// and checks for cancellation between steps, as the training section does.
private final class SteppingSection: LessonSection, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var runs: Int { lock.withLock { count } }

    let name = "steps"
    let summary = "adds up ones, step by step"
    let parameters = [ParameterSpec(name: "n", summary: "steps", domain: .range(1...20, step: 1), defaultValue: .number(10))]

    enum OutputKey: String, SectionOutputKey {
        case total, note
        var summary: String { self == .total ? "the running total" : "a note only the end has" }
    }

    enum ResultKey: String, SectionResultKey {
        case total
        var name: String { rawValue }
        var summary: String { "the sum" }
    }

    func run(
        _ parameters: ParameterValues, request: SectionRequest<SteppingSection>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<SteppingSection> {
        lock.withLock { count += 1 }
        var total = 0
        for _ in 0..<(try parameters.integer("n")) {
            total += 1
            progress(SectionProgress(outputs: ["total": [.text("total \(total)")]]))
            if isCancelled() { throw CancellationError() }
        }
        var run = SectionRun<SteppingSection>()
        run.outputs = [.total: [.text("total \(total)")], .note: [.text("done")]]
        run.results = [.total: Double(total)]
        return run
    }
}

@Suite struct LessonRunnerProgressTests {
    private func block(in registry: SectionRegistry, show: String = "[note, total]") throws -> LiveBlock {
        let text = LessonFixtures.withBlock("run: steps\nn: 10\nshow: \(show)\nexpect:\n  - total == 10")
        let lesson = try LessonParser(registry: registry).parse(text, id: "t", sourcePath: "t.md")
        return try #require(lesson.liveBlocks.first)
    }

    @Test func reportsLeaveTheFinishedRunAsItIs() throws {
        let registry = SectionRegistry([SteppingSection()])
        let block = try block(in: registry)
        var reports: [[Output]] = []
        let streamed = try LessonRunner(registry: registry).run(block, progress: { reports.append($0) }, isCancelled: { false })
        #expect(streamed == (try LessonRunner(registry: registry).run(block)))
        #expect(streamed.passed)
        // Each report holds what the block shows and the section has so far: the total, not the note.
        #expect(reports.count == 10)
        #expect(reports.first == [.text("total 1")] && reports.last == [.text("total 10")])
        // A block that shows nothing the section has so far hears nothing until the end.
        var noteReports = 0
        let note = try LessonRunner(registry: registry).run(try self.block(in: registry, show: "[note]"), progress: { _ in noteReports += 1 }, isCancelled: { false })
        #expect(noteReports == 0 && note.outputs == [.text("done")])
    }

    @Test func aStoppedRunThrowsAndIsNotCached() throws {
        let section = SteppingSection()
        let registry = SectionRegistry([section])
        let block = try block(in: registry)
        let runner = LessonRunner(registry: registry)
        var checks = 0
        #expect(throws: CancellationError.self) {
            _ = try runner.run(block, progress: { _ in }, isCancelled: { checks += 1; return checks == 3 })
        }
        #expect(checks == 3, "the section stops at the first check that says so")
        // The next run computes afresh and finishes; only a finished run is cached.
        #expect(try runner.run(block).results["total"] == 10)
        _ = try runner.run(block)
        #expect(section.runs == 2)
    }

    @Test func aSectionWithoutProgressReportsNothingAndStillStopsWhenAsked() throws {
        let section = CodebookSection()
        let text = LessonFixtures.withBlock("run: codebook\nshow: [levels]")
        let lesson = try LessonParser().parse(text, id: "t", sourcePath: "t.md")
        let block = try #require(lesson.liveBlocks.first)
        var reports = 0
        let run = try LessonRunner().run(block, progress: { _ in reports += 1 }, isCancelled: { false })
        #expect(reports == 0)
        #expect(run == (try LessonRunner().run(block)))
        #expect(throws: CancellationError.self) {
            try LessonRunner().run(block, progress: { _ in reports += 1 }, isCancelled: { true })
        }
        #expect(throws: CancellationError.self) {
            try section.run(section.defaultParameters, request: .everything, progress: { _ in }, isCancelled: { true })
        }
    }

    @Test func spacingReportsTheFirstCallAndThenNoMoreOftenThanItsInterval() {
        var everyCall = ReportSpacing(interval: .zero)
        let due = (0..<5).map { _ in everyCall.isDue() }
        #expect(due == [true, true, true, true, true])
        var rarely = ReportSpacing(interval: .seconds(3600))
        let first = rarely.isDue(), second = rarely.isDue()
        #expect(first && !second)
    }
}
