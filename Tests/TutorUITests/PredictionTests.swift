import Foundation
import Testing
import TutorLessons
@testable import TutorUI

/// A prediction quiz holds its block back until the learner has answered, then shows the engine's
/// answer beside theirs; an `at-default:` expectation after a tweak reads as holding at the default.
@Suite struct PredictionTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// One step: a prediction quiz above the live block it predicts.
    func lessons() throws -> [Lesson] {
        let text = """
            ---
            title: Predict
            section: quantizer
            ---

            ## Guess the blocks

            ```qlora-quiz
            id: guess
            ask: Into how many blocks of 32 does a 16 x 32 matrix fall?
            predict: blocks
            compute: blocks
            ```

            ```qlora
            id: blocks
            run: quantize
            blocksize: 32
            matrix: {rows: 16, cols: 32, seed: 3}
            tweak:
              blocksize: [32, 64, 128]
            show: [stats]
            expect:
              - at-default: blocks == 16
            ```
            """
        return [try LessonParser().parse(text, id: "01-predict", sourcePath: "Lessons/01-predict.md")]
    }

    func state(progress: LearnerProgress? = nil) throws -> TutorState {
        TutorState(
            lessons: try lessons(), progress: progress ?? LearnerProgress(learner: "ada", created: start), width: 100, height: 40,
            theme: Theme(depth: .xterm256), now: start)
    }

    func keys(_ state: inout TutorState, _ keys: Key...) -> [TutorEffect] {
        keys.flatMap { state.update(.terminal(.key($0)), now: start) }
    }

    func screen(_ state: TutorState) -> [String] { TutorView(state: state).render().lines }

    /// The block's run as the runner makes it, with the learner's tweaks.
    func run(_ state: TutorState, tweaks: [String: ParameterValue] = [:]) throws -> LiveRun {
        try LessonRunner().run(try #require(state.lessons.first?.liveBlocks.first), tweaks: tweaks)
    }

    @Test func theBlockWaitsSayingWhyUntilThePredictionIsAnswered() throws {
        var state = try state()
        _ = keys(&state, .enter)
        #expect(state.focusedQuiz?.id == "guess", "the quiz comes first")
        #expect(screen(state).contains { $0.contains("Predict first: the block below runs once you have answered") })
        _ = keys(&state, .tab)
        #expect(state.focusedLiveBlock?.id == "blocks")
        #expect(keys(&state, .enter).isEmpty, "Enter does not run a waiting block")
        #expect(state.message == TutorState.waitingReason)
        #expect(keys(&state, .character("+")).isEmpty, "nor does a tweak")
        #expect(state.tweaks["blocks"] == nil && state.runs["blocks"] == nil)
        let lines = screen(state)
        #expect(lines.contains { $0.contains("▶ quantize   waiting for your prediction") })
        #expect(lines.contains { $0.contains("Waiting for your prediction: answer the quiz above") })
    }

    @Test func answeringReleasesTheBlockAndTheQuizShowsTheEngineAnswerAfterTheRun() throws {
        var state = try state()
        _ = keys(&state, .enter)
        // Answering releases the block at once, right or wrong, so the learner watches it run; the
        // judgement is queued behind the run.
        #expect(keys(&state, .enter, .character("8"), .enter)
            == [.run(token: 1, lessonIndex: 0, blockID: "blocks", tweaks: [:]), .judge(lessonIndex: 0, quizID: "guess", answer: "8")])
        let effects = state.update(.answerJudged(lessonIndex: 0, quizID: "guess", answer: "8", isCorrect: false, engineValue: 16), now: start)
        #expect(effects == [.saveProgress])
        #expect(state.progress.lessons["01-predict"]?.quizzes["guess"]?.answer == "8", "the prediction is kept")
        #expect(state.progress.lessons["01-predict"]?.quizzes["guess"]?.verdict == .wrong)
        #expect(screen(state).contains { $0.contains("answer: 8  ✗ not quite   engine: measuring…") })
        _ = state.update(.runFinished(token: 1, try run(state)), now: start)
        #expect(screen(state).contains { $0.contains("answer: 8  ✗ not quite   engine: 16") })
        // A second try is judged again but does not run the block again.
        _ = keys(&state, .enter, .backspace, .character("1"), .character("6"), .enter)
        #expect(state.update(.answerJudged(lessonIndex: 0, quizID: "guess", answer: "16", isCorrect: true, engineValue: 16), now: start) == [.saveProgress])
        #expect(state.progress.lessons["01-predict"]?.quizzes["guess"]?.attempts == 2)
    }

    @Test func aPredictionAnsweredInAnEarlierSessionLeavesTheBlockFreeAndRevealsTheAnswerAfterItsRun() throws {
        let saved = LessonProgress(quizzes: ["guess": QuizAttempt(answer: "16", verdict: .correct, attempts: 1, answeredAt: start)], updated: start)
        var state = try state(progress: LearnerProgress(learner: "ada", created: start, lessons: ["01-predict": saved]))
        _ = keys(&state, .enter)
        #expect(screen(state).contains { $0.contains("answer: 16  ✓ right   engine: once the block below runs") })
        _ = keys(&state, .tab)
        #expect(keys(&state, .enter) == [.run(token: 1, lessonIndex: 0, blockID: "blocks", tweaks: [:])])
        #expect(state.update(.runFinished(token: 1, try run(state)), now: start) == [.reveal(lessonIndex: 0, quizID: "guess")])
        _ = state.update(.answerRevealed(lessonIndex: 0, quizID: "guess", engineValue: 16), now: start)
        #expect(screen(state).contains { $0.contains("answer: 16  ✓ right   engine: 16") })
    }

    @Test func anAtDefaultExpectationAfterATweakReadsAsHoldingAtTheDefaultNotAsAFailure() throws {
        let saved = LessonProgress(quizzes: ["guess": QuizAttempt(answer: "16", verdict: .correct, attempts: 1, answeredAt: start)], updated: start)
        var state = try state(progress: LearnerProgress(learner: "ada", created: start, lessons: ["01-predict": saved]))
        _ = keys(&state, .enter, .tab, .enter)
        _ = state.update(.runFinished(token: 1, try run(state)), now: start)
        #expect(screen(state).contains { $0.contains("✓ every expectation holds") })
        #expect(screen(state).contains { $0.contains("✓ blocks == 16   blocks = 16") })

        #expect(keys(&state, .character("+")) == [.run(token: 2, lessonIndex: 0, blockID: "blocks", tweaks: ["blocksize": .number(64)])])
        _ = state.update(.runFinished(token: 2, try run(state, tweaks: ["blocksize": .number(64)])), now: start)
        let lines = screen(state)
        #expect(lines.contains { $0.contains("· blocks == 16   holds at the default; now blocks = 8") })
        #expect(lines.contains { $0.contains("✓ every expectation for these values holds") })
        #expect(!lines.contains { $0.contains("✗") })
        // The presenter's screen reads it the same way: neither passed nor failed.
        #expect(state.presenterPosition(processID: 1)?.checks == [.init(text: "blocks == 16", passed: nil, values: "holds at the default; now blocks = 8")])
        // Drawn in the neutral colour, not the failure colour.
        let view = TutorView(state: state).render()
        let row = try #require(view.lines.firstIndex { $0.contains("holds at the default") })
        let line = view.lines[row]
        let column = line.distance(from: line.startIndex, to: try #require(line.firstRange(of: "holds at the default")).lowerBound)
        #expect(view[column, row].style == state.theme.dim)
    }
}
