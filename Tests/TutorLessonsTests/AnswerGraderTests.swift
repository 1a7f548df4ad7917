import Foundation
import Testing
@testable import TutorLessons

@Suite struct AnswerGraderTests {
    private func grader() throws -> AnswerGrader {
        let lesson = try LessonParser().parse(LessonFixtures.valid, id: "t", sourcePath: "t.md")
        return AnswerGrader(course: Course(lessons: [lesson]))
    }

    /// A learner who answered `levels` wrong (the file claims right), `kind` and `bits` right,
    /// and a quiz the course does not have.
    static func learner(_ name: String = "ada") -> LearnerProgress {
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        return LearnerProgress(learner: name, created: date, lessons: [
            "t": LessonProgress(currentStep: 2, quizzes: [
                "levels": QuizAttempt(answer: "15", verdict: .correct, answeredAt: date),
                "kind": QuizAttempt(answer: " nf4 ", verdict: .wrong, answeredAt: date),
                "bits": QuizAttempt(answer: "5.005", answeredAt: date),
                "ghost": QuizAttempt(answer: "1", verdict: .correct, answeredAt: date),
            ], updated: date)
        ])
    }

    @Test func judgesEveryAnswerAgainIgnoringStoredVerdicts() throws {
        let suite = try grader().grade(Self.learner(), source: "ada.json")
        let verdicts = Dictionary(uniqueKeysWithValues: suite.cases.map { ($0.name, $0.passed) })
        #expect(verdicts["t/levels"] == false, "stored as correct, but 15 is wrong")
        #expect(verdicts["t/kind"] == true, "stored as wrong, but nf4 is right")
        #expect(verdicts["t/bits"] == true, "within the tolerance of the engine's value")
        #expect(suite.score == CheckSuite.Score(correct: 2, total: 3))
        let levels = try #require(suite.cases.first { $0.name == "t/levels" })
        #expect(levels.message.contains("expected 16"))
    }

    /// Swift's `Double` reads `0x10` as 16; a learner who writes that did not answer in decimal.
    @Test(arguments: [("16", true), (" 16 ", true), ("1.6e1", true), ("0x10", false), ("0x1p4", false), ("nan", false), ("inf", false)])
    func onlyADecimalNumberIsANumericAnswer(answer: String, right: Bool) throws {
        let lesson = try LessonParser().parse(LessonFixtures.valid, id: "t", sourcePath: "t.md")
        let levels = try #require(lesson.quizzes.first { $0.id == "levels" })
        #expect(levels.isCorrect(answer, computedValue: nil) == right)
    }

    @Test func reportsAnUnknownQuizID() throws {
        let suite = try grader().grade(Self.learner(), source: "ada.json")
        let unknown = suite.cases.filter { $0.kind == .unknownQuiz }
        #expect(unknown.map(\.name) == ["t/ghost"])
        #expect(unknown.first?.passed == false)
    }

    @Test func anUnansweredQuizIsWrong() throws {
        let suite = try grader().grade(LearnerProgress(learner: "new"), source: "new.json")
        #expect(suite.score == CheckSuite.Score(correct: 0, total: 3))
        #expect(suite.cases.allSatisfy { !$0.passed && $0.message == "not answered" })
    }

    @Test func aCorruptFileIsAnErrorForThatLearnerOnly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("grader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = try ProgressStore.encode(Self.learner())
        try good.write(to: folder.appendingPathComponent("a.json"))
        try good.prefix(good.count / 2).write(to: folder.appendingPathComponent("b.json"))
        try Data(#"{"format": "something-else", "version": 1}"#.utf8).write(to: folder.appendingPathComponent("c.json"))

        let files = try AnswerGrader.progressFiles([folder.path])
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["a.json", "b.json", "c.json"])
        let report = try grader().grade(files: files)
        #expect(report.suites.map { $0.error == nil } == [true, false, false])
        #expect(report.suites[0].score == CheckSuite.Score(correct: 2, total: 3))
        #expect(report.suites[1].error?.contains("b.json") == true)
        #expect(report.suites[2].error?.contains("something-else") == true)
        #expect(report.exitStatus == 2)
        #expect(report.text.contains("ada"))
    }

    /// A quiz nobody answered needs no answer: its block does not run.
    @Test func onlyTheBlocksOfAnsweredQuizzesRun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("grader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var partway = Self.learner("bo")
        partway.lessons["t"]?.quizzes["bits"] = nil
        let first = folder.appendingPathComponent("a.json"), second = folder.appendingPathComponent("b.json")
        try ProgressStore.encode(partway).write(to: first)
        try ProgressStore.encode(Self.learner()).write(to: second)

        let grader = try grader()
        _ = grader.grade(files: [first.path])
        #expect(grader.runner.cachedRunCount == 0)
        let report = grader.grade(files: [first.path, second.path])
        #expect(grader.runner.cachedRunCount == 1)
        #expect(report.suites.map(\.score) == [CheckSuite.Score(correct: 1, total: 3), CheckSuite.Score(correct: 2, total: 3)])
    }

    @Test func allRightExitsZero() throws {
        var progress = Self.learner()
        progress.lessons["t"]?.quizzes["levels"]?.answer = "16"
        progress.lessons["t"]?.quizzes["ghost"] = nil
        let report = CheckReport(mode: .answers, suites: [try grader().grade(progress, source: "ada.json")])
        #expect(report.exitStatus == 0)
        #expect(report.summaryLine == "3 passed, 0 failed")
    }
}
