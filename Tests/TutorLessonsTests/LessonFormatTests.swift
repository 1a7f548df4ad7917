import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import QLoRAEngine
import Testing
@testable import TutorLessons

/// The two lesson-format additions: `at-default:` expectations and prediction quizzes, read by the
/// parser, run by the runner and checked by `--check` with its tweak sweep.
@Suite struct LessonFormatTests {
    /// A block of 8 x 64 weights: 16 blocks of 32 as written, 8 at the tweak `blocksize: 64`.
    static let sweptLesson = """
        ---
        title: T
        section: s
        ---

        ## Predict, then measure

        ```qlora-quiz
        id: guess
        ask: How many blocks of 32 weights does 8 x 64 make?
        predict: blocks
        compute: blocks
        ```

        ```qlora
        id: blocks
        run: quantize
        matrix: {rows: 8, cols: 64}
        blocksize: 32
        show: [stats]
        tweak:
          blocksize: [32, 64]
        expect:
          - blocks == 16
          - at-default: blocks > 15
          - bits_per_param < 6
        ```
        """

    private func lesson(_ text: String = sweptLesson) throws -> Lesson {
        try LessonParser().parse(text, id: "t", sourcePath: "t.md")
    }

    @Test func anAtDefaultExpectationKeepsItsConditionLineAndScope() throws {
        let block = try #require(try lesson().liveBlocks.first)
        #expect(block.expectations.map(\.text) == ["blocks == 16", "blocks > 15", "bits_per_param < 6"])
        #expect(block.expectations.map(\.scope) == [.everyTweak, .atDefault, .everyTweak])
        #expect(block.expectations.map(\.line) == [24, 25, 26])
    }

    @Test func aPredictionNamesTheBlockBelowAndIsAComputedAnswerOverIt() throws {
        let lesson = try lesson()
        let quiz = try #require(lesson.quizzes.first)
        #expect(quiz.isPrediction && quiz.predictedBlock == "blocks")
        guard case .computed(let block, _, let text, let tolerance) = quiz.answer else {
            Issue.record("expected a computed answer")
            return
        }
        #expect(block == "blocks" && text == "blocks" && tolerance == 0)
        #expect(lesson.predictions(of: "blocks") == [quiz])
        #expect(lesson.predictions(of: "other").isEmpty)
        // A quiz after its block is no prediction.
        let after = try self.lesson(LessonFixtures.valid).quizzes.last
        #expect(after?.isPrediction == false && after?.predictedBlock == nil)
        // A block's default id (`<lesson>#<n>`) can be predicted too, and is the same id the block gets.
        let unnamed = Self.sweptLesson.replacingOccurrences(of: "id: blocks\n", with: "").replacingOccurrences(of: "predict: blocks", with: "predict: t#1")
        #expect(try self.lesson(unnamed).liveBlocks.first?.id == "t#1")
    }

    @Test func anAtDefaultExpectationAppliesOnlyToTheBlockAsWritten() throws {
        let block = try #require(try lesson().liveBlocks.first)
        let runner = LessonRunner()
        let written = try runner.run(block)
        #expect(written.expectations.map(\.appliesToRun) == [true, true, true])
        #expect(written.expectations.map(\.passed) == [true, true, true] && written.passed)

        let tweaked = try runner.run(block, tweaks: ["blocksize": .number(64)])
        #expect(tweaked.expectations.map(\.passed) == [false, false, true])
        #expect(tweaked.expectations.map(\.fails) == [true, false, false])
        #expect(tweaked.expectations.map(\.isHeldAtDefaultOnly) == [false, true, false])
        #expect(!tweaked.passed, "the plain expectation fails")
        // Tweaking back to the block's own value is the block as written again.
        let back = try runner.run(block, tweaks: ["blocksize": .number(32)])
        #expect(back.expectations.map(\.appliesToRun) == [true, true, true])
    }

    @Test func theSweepReportsAPlainExpectationThatFailsUnderATweakValueAndNotAnAtDefaultOne() throws {
        let suite = CourseChecker().check(try lesson())
        let failed = suite.cases.filter { !$0.passed }
        #expect(failed.map(\.name) == ["blocks with blocksize=64: blocks == 16", "blocks under every tweak"])
        #expect(failed.map(\.kind) == [.tweak, .tweak])
        #expect(failed.first?.source == "t.md:24")
        #expect(failed.first?.message == "blocks = 8")
        #expect(failed.last?.message == "1 runs over blocksize (2 values); failures: 1")
        // The prediction is graded as any computed quiz.
        let quiz = try #require(suite.cases.first { $0.kind == .quiz })
        #expect(quiz.passed && quiz.message == "answer: blocks over blocks = 16 within 0")

        let report = CheckReport(mode: .course, suites: [suite])
        #expect(report.exitStatus == 1)
        #expect(report.text.contains("FAIL t.md:24  blocks with blocksize=64: blocks == 16  (blocks = 8)"))
        let json = try #require(try JSONSerialization.jsonObject(with: report.json) as? [String: Any])
        let cases = try #require((json["suites"] as? [[String: Any]])?.first?["cases"] as? [[String: Any]])
        #expect(cases.contains { $0["kind"] as? String == "tweak" && $0["name"] as? String == "blocks with blocksize=64: blocks == 16" && $0["passed"] as? Bool == false })
        let junit = try XMLDocument(data: Data(report.junitXML.utf8))
        let testcase = try #require(try junit.nodes(forXPath: "//testcase[@name='blocks with blocksize=64: blocks == 16']").first as? XMLElement)
        #expect(testcase.attribute(forName: "line")?.stringValue == "24")
        #expect((testcase.elements(forName: "failure").first)?.attribute(forName: "message")?.stringValue == "blocks = 8")
    }

    @Test func aSweepThatHoldsIsOnePassedCaseSayingWhatItRan() throws {
        let holding = Self.sweptLesson.replacingOccurrences(of: "  - blocks == 16\n", with: "  - at-default: blocks == 16\n")
        let suite = CourseChecker().check(try lesson(holding))
        #expect(suite.failed == 0)
        let summary = try #require(suite.cases.first { $0.kind == .tweak })
        #expect(summary.name == "blocks under every tweak" && summary.source == "t.md:15")
        #expect(summary.message == "1 runs over blocksize (2 values); plain expectations holding at each: 1")
    }

    @Test func anExpectationFailingAsWrittenIsReportedOnceNotAgainPerTweak() throws {
        let failing = Self.sweptLesson.replacingOccurrences(of: "  - bits_per_param < 6\n", with: "  - bits_per_param > 6\n")
        let suite = CourseChecker().check(try lesson(failing))
        #expect(suite.cases.filter { !$0.passed }.map(\.name) == [
            "blocks: bits_per_param > 6", "blocks with blocksize=64: blocks == 16", "blocks under every tweak",
        ])
    }

    @Test func aHugeTweakIsSweptAtEvenlySpacedValuesFirstAndLastIncluded() {
        let seeds = Tweak(parameter: "matrix.seed", allowed: .range(0...9999, step: 1))
        let values = CourseChecker.sweptValues(of: seeds)
        #expect(values.count == CourseChecker.mostSweptValuesPerTweak)
        #expect(values.first == .number(0) && values.last == .number(9999))
        #expect(values[1] == .number(322), "9999 / 31, rounded down")
        let few = Tweak(parameter: "blocksize", allowed: .numbers([32, 64, 128]))
        #expect(CourseChecker.sweptValues(of: few) == [.number(32), .number(64), .number(128)])
    }
}
