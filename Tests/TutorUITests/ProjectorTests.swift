import Foundation
import Testing
import TutorLessons
@testable import TutorUI

/// The projector: a clicker that walks the whole course, big type, checks kept off the screen.
@Suite struct ProjectorTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func projector(_ lessons: [Lesson] = sampleLessons(), width: Int = 80, height: Int = 24) -> TutorState {
        TutorState(lessons: lessons, progress: LearnerProgress(learner: "ada", created: start), width: width, height: height, theme: Theme(depth: .xterm256, projector: true), now: start)
    }

    func press(_ state: inout TutorState, _ keys: Key...) {
        for key in keys { _ = state.update(.terminal(.key(key)), now: start) }
    }

    /// A lesson whose one step is much taller than a screen, with a quiz at the bottom.
    func tallLesson() -> Lesson {
        let prose = (1...20).map { LessonBlock.markdown(.paragraph([.text("Point \($0).")]), line: $0) }
        let quiz = Quiz(id: "last", line: 30, question: [.text("Down here?")], choices: [], answer: .number(1, tolerance: 0), hints: [])
        return Lesson(id: "00-tall", title: "Tall", section: "s", steps: [Step(title: "Tall", line: 1, blocks: prose + [.quiz(quiz)])], sourcePath: "00-tall.md")
    }

    @Test func theClickerScrollsToTheQuizBelowTheFoldBeforeStepping() {
        var state = projector([tallLesson()] + sampleLessons())
        press(&state, .enter)
        var clicks = 0
        while !TutorView(state: state).render().lines.contains(where: { $0.contains("Down here?") }) && clicks < 10 {
            press(&state, .pageDown)
            clicks += 1
        }
        #expect(state.lessonIndex == 0 && clicks > 0 && clicks < 10, "the quiz came into view within the step")
        press(&state, .character(" "))
        #expect(state.lessonIndex == 1 && state.stepIndex == 0, "at the bottom of the last step, the next click opens the next lesson")
        press(&state, .pageUp)
        #expect(state.lessonIndex == 0 && state.stepIndex == 0, "and back goes to the previous lesson's last step")
    }

    @Test func theClickerWalksFromTheLastStepIntoTheNextLesson() {
        var state = projector()
        press(&state, .enter, .pageDown)
        #expect(TutorView(state: state).render().lines.contains { $0.contains("→ Next lesson: 2. Second") })
        press(&state, .pageDown)
        #expect(state.lessonIndex == 1 && state.stepIndex == 0)
        press(&state, .pageDown)
        #expect(state.message?.contains("end of the course") == true)
    }

    @Test func runningKeepsTheHeadingUpWhenTheBlockFits() {
        var state = projector(height: 60)
        press(&state, .enter, .character("r"))
        _ = state.update(.runFinished(token: 1, LiveRun(blockID: "blocks", parameters: ParameterValues(), outputs: [errorHeatmap(1)], results: [:], expectations: [])), now: start)
        #expect(state.scroll == 0)
        #expect(TutorView(state: state).render().lines[1].hasPrefix(" █▀▄ █   ▄▀▄ ▄▀▀ █ █ ▄▀▀"))
    }

    @Test func aLongHeadingWrapsInBigLetters() {
        let rows = BlockLetters.wrappedRows("Blocks of sixty four", width: 40, maximumLines: 3)
        #expect(rows?.count == 7, "two lines of big letters with a blank row between")
        #expect(rows?.allSatisfy { $0.count <= 40 } == true)
        #expect(BlockLetters.wrappedRows("Supercalifragilistic", width: 40, maximumLines: 3) == nil, "a word too wide falls back to plain text")
    }

    @Test func theAudienceSeesHeadlineNumbersNotTheChecks() throws {
        let expectation = try Expectation(text: "sqnr_db > 19", line: 4, condition: Expression.parse("sqnr_db > 19", names: ["sqnr_db"], kind: .boolean))
        let run = LiveRun(
            blockID: "blocks", parameters: ParameterValues(), outputs: [], results: ["sqnr_db": 19.84],
            expectations: [ExpectationOutcome(expectation: expectation, passed: true, values: [("sqnr_db", 19.84)])])
        var state = projector(height: 40)
        press(&state, .enter, .character("r"))
        _ = state.update(.runFinished(token: 1, run), now: start)
        let lines = TutorView(state: state).render().lines
        #expect(!lines.contains { $0.contains("sqnr_db > 19") }, "the expectation itself goes to the presenter")
        let name = try #require(lines.firstIndex { $0.contains("sqnr_db") && !$0.contains("=") })
        #expect(lines[name + 1].contains(BlockLetters.rows("19.8")[0]), "the value in big digits under its name")
        // The learner's screen keeps the full line.
        var learner = TutorState(lessons: sampleLessons(), progress: LearnerProgress(learner: "ada", created: start), width: 80, height: 40, theme: Theme(depth: .xterm256), now: start)
        press(&learner, .enter, .enter)
        _ = learner.update(.runFinished(token: 1, run), now: start)
        #expect(TutorView(state: learner).render().lines.contains { $0.contains("✓ sqnr_db > 19   sqnr_db = 19.8") })
    }

    @Test func headlineNumbersWrapAndFallBackToPlainText() {
        let numbers = HeadlineNumbers([("mse", "1.2e-05"), ("sqnr_db", "19.8"), ("bits", "4.5")], theme: Theme(depth: .ansi16, projector: true))
        #expect(numbers.height(forWidth: 80) == 4)
        #expect(numbers.height(forWidth: 30) == 9, "three rows of four when only one number fits a row")
        let narrow = render(HeadlineNumbers([("mse", "1.2e-05")], theme: Theme(depth: .ansi16)), width: 12, height: 1)
        #expect(narrow.lines == ["mse 1.2e-05"])
    }
}

extension TutorStateTests {
    @Test func aFocusedChoiceQuizTakesADigitAtOnce() {
        let quiz = Quiz(id: "pick", line: 2, question: [.text("Which?")], choices: ["fp4", "nf4"], answer: .choice("nf4"), hints: [], explanation: "NF4's levels follow the normal curve.")
        let lesson = Lesson(id: "03-choice", title: "Choice", section: "s", steps: [Step(title: "Pick", line: 1, blocks: [.quiz(quiz)])], sourcePath: "03-choice.md")
        var state = TutorState(lessons: [lesson], progress: LearnerProgress(learner: "ada", created: start), width: 60, height: 20, theme: Theme(depth: .ansi16), now: start)
        _ = keys(&state, .enter)
        #expect(!state.isEditingAnswer && state.focusedQuiz?.id == "pick")
        #expect(keys(&state, .character("2")) == [.saveProgress])
        #expect(state.progress.lessons["03-choice"]?.quizzes["pick"]?.verdict == .correct)
        #expect(TutorView(state: state).render().lines.contains { $0.contains("why: NF4's levels follow the normal curve.") })
    }

    @Test func anAnswerThatIsNotANumberSaysWhatIsExpected() {
        var state = state()
        _ = keys(&state, .enter, .tab, .enter, .character("a"), .character("l"), .character("l"))
        #expect(keys(&state, .enter).isEmpty)
        #expect(state.isEditingAnswer && state.message?.contains("Expected a number") == true)
        #expect(state.progress.lessons["01-first"]?.quizzes["levels"] == nil, "not counted as an attempt")
        _ = keys(&state, .backspace, .backspace, .backspace)
        for character in "16 levels" { _ = keys(&state, .character(character)) }
        #expect(keys(&state, .enter) == [.saveProgress])
        #expect(state.progress.lessons["01-first"]?.quizzes["levels"]?.verdict == .correct)
    }
}
