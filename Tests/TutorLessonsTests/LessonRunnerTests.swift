import Foundation
import QLoRAEngine
import Testing
@testable import TutorLessons

/// A section that counts its runs, to see the runner's cache at work.
private final class CountingSection: LessonSection, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var runs: Int { lock.withLock { count } }

    let name = "count"
    let summary = "counts its runs"
    let parameters = [ParameterSpec(name: "x", summary: "a number", domain: .range(0...10, step: 1), defaultValue: .number(1))]
    enum OutputKey: String, SectionOutputKey {
        case value
        var summary: String { "the value" }
    }

    enum ResultKey: String, SectionResultKey {
        case x, twice
        var name: String { rawValue }
        var summary: String { self == .x ? "the value" : "twice the value" }
    }

    func run(
        _ parameters: ParameterValues, request: SectionRequest<CountingSection>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<CountingSection> {
        lock.withLock { count += 1 }
        let x = try parameters.number("x")
        var run = SectionRun<CountingSection>()
        run.outputs = [.value: [.text("x = \(x)")]]
        run.results = [.x: x, .twice: 2 * x]
        return run
    }
}

@Suite struct LessonRunnerTests {
    private func validBlock() throws -> (LiveBlock, Lesson) {
        let lesson = try LessonParser().parse(LessonFixtures.valid, id: "t", sourcePath: "t.md")
        return (try #require(lesson.liveBlocks.first), lesson)
    }

    @Test func runsABlockIntoItsOutputsAndCheckedExpectations() throws {
        let (block, _) = try validBlock()
        let run = try LessonRunner().run(block)
        #expect(run.outputs.count == 2)
        guard case .table(let stats) = run.outputs.first, case .heatmap(let error) = run.outputs.last else {
            Issue.record("expected the stats table, then the error heatmap")
            return
        }
        #expect(stats.rows.contains { $0.first == "weights" && $0.last == "128" })
        #expect(error.rows == 8 && error.columns == 16 && error.values.count == 128)
        #expect(run.results["bits_per_param"] == 5)
        #expect(run.expectations.map(\.passed) == [true, true])
        #expect(run.passed)
    }

    @Test func identicalOnEveryRun() throws {
        let (block, _) = try validBlock()
        let first = try LessonRunner().run(block)
        let second = try LessonRunner().run(block)
        #expect(first.parameters == second.parameters)
        #expect(first.results == second.results)
        #expect(first.outputs == second.outputs)
        #expect(first.expectations == second.expectations)
    }

    @Test func codeEntropyDoesNotDependOnTheOrderOfTheCounts() {
        let counts = (0..<16).map { ($0, 1 + $0 * $0 * 7 % 23) }
        let expected = CodeUsage(counts: Dictionary(uniqueKeysWithValues: counts)).entropyBits
        for capacity in stride(from: 16, through: 512, by: 31) {
            var usage = [Int: Int](minimumCapacity: capacity)
            for (code, count) in counts.reversed() { usage[code] = count }
            #expect(CodeUsage(counts: usage).entropyBits == expected)
        }
    }

    @Test func tweaksChangeTheResultWithinWhatTheBlockAllows() throws {
        let (block, _) = try validBlock()
        let runner = LessonRunner()
        let nf4 = try runner.run(block)
        let fp4 = try runner.run(block, tweaks: ["type": .word("fp4")])
        #expect(fp4.parameters["type"] == .word("fp4"))
        #expect(fp4.results["mse"] != nf4.results["mse"])
        let notOffered = #expect(throws: InputError.self) { try runner.run(block, tweaks: ["blocksize": .number(64)]) }
        #expect(notOffered?.source == "tweak `blocksize`")
        let outOfRange = #expect(throws: InputError.self) { try runner.run(block, tweaks: ["matrix.seed": .number(6)]) }
        #expect(outOfRange?.message.contains("from 1 to 5") == true)
    }

    @Test func cachesOneRunPerParameterSet() throws {
        let section = CountingSection()
        let registry = SectionRegistry([section])
        let text = LessonFixtures.withBlock("run: count\nshow: [value]\ntweak: {x: [1, 2]}\nexpect:\n  - twice == 2 * x")
        let lesson = try LessonParser(registry: registry).parse(text, id: "t", sourcePath: "t.md")
        let block = try #require(lesson.liveBlocks.first)
        let runner = LessonRunner(registry: registry)
        _ = try runner.run(block)
        _ = try runner.run(block)
        _ = try runner.run(block, tweaks: ["x": .number(1)])
        #expect(section.runs == 1)
        let two = try runner.run(block, tweaks: ["x": .number(2)])
        #expect(section.runs == 2)
        #expect(two.outputs == [.text("x = 2.0")])
        #expect(two.passed)
    }

    @Test func plainTextOfAStepRangeReachingPastTheLessonStopsAtItsEnd() throws {
        let (_, lesson) = try validBlock()
        let text = PlainTextRenderer().render(lesson, steps: 1..<Int.max, runner: LessonRunner())
        #expect(!text.contains("Step 1/3"))
        #expect(text.contains("Step 2/3") && text.contains("Step 3/3"))
        #expect(!PlainTextRenderer().render(lesson, steps: -5..<0, runner: LessonRunner()).contains("Step"))
    }

    @Test func aNegativeSeedPassedInCodeRunsAsSeedZero() throws {
        let section = QLoRALayerSection()
        var negative = section.defaultParameters, zero = section.defaultParameters
        negative["seed"] = .number(-1)
        zero["seed"] = .number(0)
        #expect(try section.run(negative).results == section.run(zero).results)
    }

    @Test func computesAQuizAnswerFromTheBlockItNames() throws {
        let (_, lesson) = try validBlock()
        let quizzes = lesson.quizzes
        let runner = LessonRunner()
        #expect(try runner.computedAnswer(to: quizzes[2], in: lesson) == 5)
        #expect(try runner.computedAnswer(to: quizzes[0], in: lesson) == nil)
    }
}

@Suite struct ResultCacheTests {
    @Test func keepsAtMostItsCapacityAndEvictsTheLeastRecentlyUsed() {
        var cache = ResultCache<Int, String>(capacity: 2)
        cache.insert("one", for: 1)
        cache.insert("two", for: 2)
        #expect(cache.value(for: 1) == "one", "1 is now the most recently used")
        cache.insert("three", for: 3)
        #expect(cache.count == 2)
        #expect(!cache.contains(2) && cache.contains(1) && cache.contains(3))
    }

    @Test func aRunnerRunsAnEvictedParameterSetAgain() throws {
        let section = CountingSection()
        let registry = SectionRegistry([section])
        let text = LessonFixtures.withBlock("run: count\nshow: [value]\ntweak: {x: [1, 2, 3]}\nexpect:\n  - twice == 2 * x")
        let block = try #require(try LessonParser(registry: registry).parse(text, id: "t", sourcePath: "t.md").liveBlocks.first)
        let runner = LessonRunner(registry: registry, cacheCapacity: 2)
        for x in [1.0, 2, 3] { _ = try runner.run(block, tweaks: ["x": .number(x)]) }
        #expect(section.runs == 3 && runner.cachedRunCount == 2)
        _ = try runner.run(block, tweaks: ["x": .number(3)])
        #expect(section.runs == 3, "the newest set is still cached")
        _ = try runner.run(block, tweaks: ["x": .number(1)])
        #expect(section.runs == 4, "the oldest set was evicted and runs again")
        #expect(runner.cachedRunCount == 2)
    }
}
