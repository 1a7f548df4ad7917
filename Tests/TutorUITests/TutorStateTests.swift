import Foundation
import Testing
import TutorLessons
@testable import TutorUI

/// A two-lesson course built in code: prose, a live block with a tweak, and a quiz.
func sampleLessons() -> [Lesson] {
    let block = LiveBlock(
        id: "blocks", line: 3, section: "quantize", parameters: ParameterValues(["type": .word("nf4"), "blocksize": .number(64)]),
        show: ["error"], tweaks: [Tweak(parameter: "type", allowed: .choices(["nf4", "fp4"])), Tweak(parameter: "blocksize", allowed: .numbers([32, 64, 128]))],
        expectations: [])
    let quiz = Quiz(id: "levels", line: 9, question: [.text("How many levels?")], choices: [], answer: .number(16, tolerance: 0), hints: ["Four bits.", "Two to the fourth."])
    let first = Lesson(
        id: "01-first", title: "First", section: "quantizer",
        steps: [
            Step(title: "Blocks", line: 1, blocks: [.markdown(.paragraph([.text("Weights in blocks.")]), line: 2), .live(block), .quiz(quiz)]),
            Step(title: "After", line: 12, blocks: [.markdown(.paragraph([.text("The end.")]), line: 13)]),
        ], sourcePath: "Lessons/01-first.md")
    let second = Lesson(id: "02-second", title: "Second", section: "quantizer", steps: [Step(title: "Only", line: 1, blocks: [])], sourcePath: "Lessons/02-second.md")
    return [first, second]
}

func errorHeatmap(_ scale: Float) -> Output {
    .heatmap(Heatmap(title: "error", rows: 8, columns: 16, values: (0..<128).map { Float($0 % 7 - 3) * scale }, scale: .signed(limit: 3 * scale)))
}

@Suite struct TutorStateTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func state(projector: Bool = false, width: Int = 80, height: Int = 30) -> TutorState {
        TutorState(lessons: sampleLessons(), progress: LearnerProgress(learner: "ada", created: start), width: width, height: height, theme: Theme(depth: .xterm256, projector: projector), now: start)
    }

    func keys(_ state: inout TutorState, _ keys: Key...) -> [TutorEffect] {
        keys.flatMap { state.update(.terminal(.key($0)), now: start) }
    }

    @Test func aProgressFileWithAStepBeyondTheLessonOpensItsLastStep() {
        let progress = LearnerProgress(learner: "ada", created: start, lessons: ["01-first": LessonProgress(currentStep: Int.max, updated: start)])
        var state = TutorState(lessons: sampleLessons(), progress: progress, width: 80, height: 30, theme: Theme(depth: .xterm256), now: start)
        #expect(state.lessonEntries.first?.stepsSeen == 2)
        state.resume()
        #expect(state.page == .lesson && state.stepIndex == 1)
        #expect(TutorView(state: state).render().lines.contains { $0.contains("step 2/2") })
    }

    @Test func anAnswerAfterAProgressFileAtTheLargestAttemptCountKeepsThatCount() {
        let saved = LessonProgress(quizzes: ["levels": QuizAttempt(answer: "4", verdict: .wrong, attempts: Int.max, answeredAt: start)], updated: start)
        var state = TutorState(
            lessons: sampleLessons(), progress: LearnerProgress(learner: "ada", created: start, lessons: ["01-first": saved]),
            width: 80, height: 30, theme: Theme(depth: .xterm256), now: start)
        #expect(state.recordAnswer(lessonIndex: 0, quizID: "levels", answer: "16", isCorrect: true) == [.saveProgress])
        #expect(state.progress.lessons["01-first"]?.quizzes["levels"]?.attempts == Int.max)
    }

    @Test func openingALessonAndMovingRecordsTheStep() {
        var state = state()
        #expect(keys(&state, .enter) == [.saveProgress])
        #expect(state.page == .lesson)
        #expect(state.focusedBlock == 1, "the live block takes the focus")
        #expect(keys(&state, .right) == [.saveProgress])
        #expect(state.progress.lessons["01-first"]?.currentStep == 1)
        #expect(TutorView(state: state).render().lines.contains { $0.contains("→ Next lesson: 2. Second") })
        _ = keys(&state, .left, .escape)
        #expect(state.page == .browser && state.lessonIndex == 1, "a finished lesson hands the cursor to the next one")
        _ = keys(&state, .up, .enter)
        #expect(state.stepIndex == 0, "reopening resumes at the saved step")
        _ = keys(&state, .right, .right)
        #expect(state.lessonIndex == 1 && state.stepIndex == 0, "past the last step comes the next lesson")
        _ = keys(&state, .right)
        #expect(state.lessonIndex == 1 && state.message?.contains("end of the course") == true)
    }

    @Test func resumeOpensTheLessonTouchedLast() {
        var state = state()
        state.progress.lessons["02-second"] = LessonProgress(currentStep: 0, updated: start)
        state.progress.lessons["01-first"] = LessonProgress(currentStep: 1, updated: start.addingTimeInterval(60))
        state.resume()
        #expect(state.page == .lesson && state.lessonIndex == 0 && state.stepIndex == 1)
    }

    @Test func runningATweakingAndFinishing() throws {
        var state = state()
        _ = keys(&state, .enter)
        let effects = keys(&state, .enter)
        #expect(effects == [.run(token: 1, lessonIndex: 0, blockID: "blocks", tweaks: [:])])
        #expect(TutorView(state: state).render().lines.contains { $0.contains("running…") })
        _ = state.update(.runFinished(token: 1, LiveRun(blockID: "blocks", parameters: ParameterValues(), outputs: [errorHeatmap(1)], results: [:], expectations: [])), now: start)
        let screen = TutorView(state: state).render()
        #expect(screen.lines.contains { $0.contains("error 8×16") })
        // Tweaks: `2` picks blocksize, `+` moves it to 128 and reruns at once, cancelling nothing (the run finished).
        #expect(keys(&state, .character("2"), .character("+")) == [.run(token: 2, lessonIndex: 0, blockID: "blocks", tweaks: ["blocksize": .number(128)])])
        #expect(TutorView(state: state).render().lines.contains { $0.contains("blocksize: 128") })
        // A result for an old token is ignored; the new one replaces the outputs.
        _ = state.update(.runFinished(token: 1, LiveRun(blockID: "blocks", parameters: ParameterValues(), outputs: [], results: [:], expectations: [])), now: start)
        #expect(state.runs["blocks"]?.isRunning == true)
        // Esc stops a run instead of leaving the lesson.
        #expect(keys(&state, .escape) == [.cancel(token: 2)])
        #expect(state.page == .lesson)
    }

    @Test func aTweakWhileRunningCancelsTheOldRun() {
        var state = state()
        _ = keys(&state, .enter, .enter)
        #expect(keys(&state, .character("+")) == [.cancel(token: 1), .run(token: 2, lessonIndex: 0, blockID: "blocks", tweaks: ["type": .word("fp4")])])
    }

    @Test func quizAnswersAreTypedInPlaceWithHints() {
        var state = state()
        _ = keys(&state, .enter, .tab)
        #expect(state.focusedQuiz?.id == "levels")
        _ = keys(&state, .enter, .character("1"), .character("5"))
        #expect(TutorView(state: state).render().lines.contains { $0.contains("answer: 15▏") })
        #expect(keys(&state, .enter) == [.saveProgress])
        #expect(state.progress.lessons["01-first"]?.quizzes["levels"]?.verdict == .wrong)
        #expect(TutorView(state: state).render().lines.contains { $0.contains("hint: Four bits.") }, "a wrong answer shows a hint")
        _ = keys(&state, .enter, .backspace, .character("6"), .enter)
        let attempt = state.progress.lessons["01-first"]?.quizzes["levels"]
        #expect(attempt?.answer == "16" && attempt?.verdict == .correct && attempt?.attempts == 2)
        _ = keys(&state, .character("h"))
        #expect(state.hintsShown["01-first/levels"] == 2)
    }

    @Test func projectorKeysStepBlankAndJump() {
        var state = state(projector: true, width: 80, height: 24)
        _ = keys(&state, .enter)
        _ = keys(&state, .pageDown)
        #expect(state.stepIndex == 1)
        _ = keys(&state, .pageUp, .character(" "))
        #expect(state.stepIndex == 1)
        _ = keys(&state, .character("b"))
        #expect(TutorView(state: state).render().lines.allSatisfy { $0.isEmpty })
        _ = keys(&state, .character("b"))
        #expect(!TutorView(state: state).render().lines.allSatisfy { $0.isEmpty })
        _ = keys(&state, .character("g"), .character("2"), .enter)
        #expect(state.lessonIndex == 1 && state.page == .lesson)
        let status = TutorView(state: state).render().lines.last ?? ""
        #expect(status.contains("lesson 2/2 · step 1/1 · 00:00"))
        _ = state.update(.tick, now: start.addingTimeInterval(75))
        #expect(TutorView(state: state).render().lines.last?.contains("01:15") == true)
        _ = keys(&state, .character("t"))
        #expect(TutorView(state: state).render().lines.last?.contains("00:00") == true)
    }

    @Test func projectorHeadingsAreBlockLetters() {
        var state = state(projector: true, width: 80, height: 24)
        _ = keys(&state, .enter)
        let lines = TutorView(state: state).render().lines
        #expect(lines[1].hasPrefix(" █▀▄ █   ▄▀▄ ▄▀▀ █ █ ▄▀▀"))
    }

    @Test func mouseWheelAndClickInTheBrowser() {
        var state = state()
        _ = state.update(.terminal(.mouse(.wheelDown(x: 3, y: 3))), now: start)
        #expect(state.lessonIndex == 1)
        _ = state.update(.terminal(.mouse(.click(x: 5, y: 2))), now: start)
        #expect(state.lessonIndex == 0 && state.page == .browser)
        #expect(state.update(.terminal(.mouse(.click(x: 5, y: 2))), now: start) == [.saveProgress])
        #expect(state.page == .lesson)
    }

    @Test(arguments: [(1, 1), (0, 0), (2, 2), (10, 3), (80, 24), (240, 70)])
    func everySizeRendersWithoutTrapping(width: Int, height: Int) {
        for projector in [false, true] {
            var state = state(projector: projector)
            _ = keys(&state, .enter, .enter)
            _ = state.update(.runFinished(token: 1, LiveRun(blockID: "blocks", parameters: ParameterValues(), outputs: [errorHeatmap(1)], results: [:], expectations: [])), now: start)
            _ = state.update(.terminal(.resize(width: width, height: height)), now: start)
            _ = keys(&state, .character("?"))
            let screen = TutorView(state: state).render()
            #expect(screen.width == width && screen.height == height)
            _ = keys(&state, .down, .end, .pageDown, .tab)
            #expect(TutorView(state: state).render().height == height)
        }
    }
}

extension TutorStateTests {
    @Test func aLongRunDrawsWhatItHasReportedSoFar() {
        var state = state()
        _ = keys(&state, .enter, .enter)
        let partial = Output.series(Series(title: "loss", xLabel: "step", yLabel: "", lines: [.init(name: "qlora", values: [3, 2.5, 2.2])]))
        _ = state.update(.runProgress(token: 1, outputs: [partial]), now: start)
        let lines = TutorView(state: state).render().lines
        #expect(lines.contains { $0.contains("running…") })
        #expect(lines.contains { $0.contains("━━ qlora 2.2") })
        // The next report redraws the curve further along.
        let further = Output.series(Series(title: "loss", xLabel: "step", yLabel: "", lines: [.init(name: "qlora", values: [3, 2.5, 2.2, 1.9])]))
        _ = state.update(.runProgress(token: 1, outputs: [further]), now: start)
        #expect(TutorView(state: state).render().lines.contains { $0.contains("━━ qlora 1.9") })
        // Esc stops the run: the worker is told, the curve so far stays, and it reads as stopped, not failed.
        #expect(keys(&state, .escape) == [.cancel(token: 1)])
        #expect(state.page == .lesson && state.runs["blocks"]?.status == .stopped)
        let stopped = TutorView(state: state).render().lines
        #expect(stopped.contains { $0.contains("stopped  Enter: run again") })
        #expect(!stopped.contains { $0.contains("✗") })
        #expect(stopped.contains { $0.contains("━━ qlora 1.9") })
        // Progress and results from the stopped run are dropped.
        _ = state.update(.runProgress(token: 1, outputs: []), now: start)
        _ = state.update(.runFinished(token: 1, LiveRun(blockID: "blocks", parameters: ParameterValues(), outputs: [], results: [:], expectations: [])), now: start)
        #expect(state.runs["blocks"]?.outputs == [further] && state.runs["blocks"]?.status == .stopped)
        // A second Esc, with nothing running, leaves the lesson.
        let leaving = keys(&state, .escape)
        #expect(leaving.isEmpty && state.page == .browser)
    }
}

extension TutorStateTests {
    @Test func aChoiceIsPickedByItsNumber() {
        let quiz = Quiz(id: "pick", line: 2, question: [.text("Which keeps zero exact?")], choices: ["fp4", "nf4"], answer: .choice("NF4"), hints: [])
        let lesson = Lesson(id: "03-choice", title: "Choice", section: "s", steps: [Step(title: "Pick", line: 1, blocks: [.quiz(quiz)])], sourcePath: "Lessons/03-choice.md")
        var state = TutorState(lessons: [lesson], progress: LearnerProgress(learner: "ada", created: start), width: 60, height: 20, theme: Theme(depth: .ansi16), now: start)
        _ = keys(&state, .enter, .enter)
        #expect(TutorView(state: state).render().lines.contains { $0.contains("2) nf4") })
        #expect(keys(&state, .character("2")) == [.saveProgress])
        #expect(state.progress.lessons["03-choice"]?.quizzes["pick"] == QuizAttempt(answer: "nf4", verdict: .correct, attempts: 1, answeredAt: start))
        #expect(!state.isEditingAnswer)
    }
}
