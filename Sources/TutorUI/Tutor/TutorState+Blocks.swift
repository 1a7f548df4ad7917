import Foundation
import QLoRAEngine
import TutorLessons

extension TutorState {
    /// Runs the focused live block with the learner's tweaks, replacing any run still going.
    mutating func runFocused() -> [TutorEffect] {
        guard let block = focusedLiveBlock else { return [] }
        return run(block)
    }

    /// Runs `block` of the open lesson with the learner's tweaks, replacing any run still going;
    /// a block waiting for a prediction does not run, and the status bar says why.
    mutating func run(_ block: LiveBlock) -> [TutorEffect] {
        if !unansweredPredictions(of: block).isEmpty {
            message = Self.waitingReason
            return []
        }
        return start(block)
    }

    /// Starts `block`, replacing any run still going.
    private mutating func start(_ block: LiveBlock) -> [TutorEffect] {
        var effects: [TutorEffect] = []
        if let previous = runs[block.id], previous.isRunning { effects.append(.cancel(token: previous.token)) }
        let token = takeToken()
        runs[block.id] = BlockRun(token: token, status: .running, outputs: runs[block.id]?.outputs ?? [])
        runStarted[block.id] = now
        effects.append(.run(token: token, lessonIndex: lessonIndex, blockID: block.id, tweaks: tweaks[block.id] ?? [:]))
        return effects
    }

    /// Stops the focused block's run (or any run of the step); nil when nothing was running.
    mutating func cancelFocusedRun() -> [TutorEffect]? {
        let candidates = [focusedLiveBlock?.id].compactMap { $0 } + (step?.blocks.compactMap { if case .live(let b) = $0 { b.id } else { nil } } ?? [])
        guard let id = candidates.first(where: { runs[$0]?.isRunning == true }), let run = runs[id] else { return nil }
        runs[id]?.status = .stopped
        message = "Stopped."
        return [.cancel(token: run.token)]
    }

    /// The value a tweak has now: the learner's change, or the block's own.
    public func currentValue(of tweak: Tweak, in block: LiveBlock) -> ParameterValue? {
        tweaks[block.id]?[tweak.parameter] ?? block.parameters[tweak.parameter]
    }

    /// Why a block does not run yet: the line the tutor shows under it and in the status bar.
    static let waitingReason = "Waiting for your prediction: answer the quiz above, then this block runs and the quiz shows what it measured."

    /// The prediction quizzes of the open lesson that ask about `block` and have no answer yet:
    /// while there is one, the block waits.
    public func unansweredPredictions(of block: LiveBlock) -> [Quiz] {
        guard let lesson else { return [] }
        return lesson.predictions(of: block.id).filter { attempt($0) == nil }
    }

    /// What a prediction quiz shows beside the learner's answer: the engine's answer once the block
    /// it predicts has run and the answer is known, else when it will be; nil for other quizzes.
    public func engineAnswerText(for quiz: Quiz) -> String? {
        guard let blockID = quiz.predictedBlock else { return nil }
        switch runs[blockID]?.status {
        case .finished?: return engineAnswers[quizKey(quiz)].map(NumberFormat.result) ?? "measuring…"
        case .running?: return "measuring…"
        default: return "once the block below runs"
        }
    }

    /// After `blockID` finished: asks for the engine's answer to each of its predictions that was
    /// answered in an earlier session, so the quiz can show it beside the prediction.
    mutating func revealPredictions(of blockID: String) -> [TutorEffect] {
        guard let lesson else { return [] }
        return lesson.predictions(of: blockID)
            .filter { attempt($0) != nil && engineAnswers[quizKey($0)] == nil }
            .map { .reveal(lessonIndex: lessonIndex, quizID: $0.id) }
    }

    /// Steps the selected tweak of the focused block to the next or previous allowed value and reruns.
    mutating func changeTweak(by offset: Int) -> [TutorEffect] {
        guard let block = focusedLiveBlock, !block.tweaks.isEmpty else { return [] }
        if !unansweredPredictions(of: block).isEmpty {
            message = Self.waitingReason
            return []
        }
        let tweak = block.tweaks[min(block.tweaks.count - 1, selectedTweak[block.id] ?? 0)]
        let current = currentValue(of: tweak, in: block)
        // The parser only accepts tweaks whose values can be stepped through.
        guard let values = tweak.allowed.steppedValues, !values.isEmpty else { return [] }
        let index = current.flatMap { values.firstIndex(of: $0) } ?? 0
        let next = values[max(0, min(values.count - 1, index + offset))]
        guard next != current else { return [] }
        tweaks[block.id, default: [:]][tweak.parameter] = next
        return runFocused()
    }

    // MARK: Quizzes

    /// Keys while typing an answer: text goes into the draft, Enter submits, Esc leaves it.
    mutating func editAnswer(_ key: Key) -> [TutorEffect] {
        guard let quiz = focusedQuiz else {
            isEditingAnswer = false
            return []
        }
        let draftKey = quizKey(quiz)
        switch key {
        case .escape:
            isEditingAnswer = false
        case .left, .right, .up, .down, .pageUp, .pageDown, .tab, .backTab:
            // The answer has no cursor to move: a key that moves leaves the answer and moves.
            isEditingAnswer = false
            return isProjector ? projectorKey(key) : lessonKey(key)
        case .backspace:
            _ = answerDrafts[draftKey]?.popLast()
        case .enter:
            let answer = (answerDrafts[draftKey] ?? "").trimmingCharacters(in: .whitespaces)
            guard !answer.isEmpty else { return [] }
            if quiz.wantsNumber, Quiz.number(answer) == nil {
                message = "Expected a number, such as 16, 4.5, 2 bytes or 75%."
                return []
            }
            return submit(answer, to: quiz)
        case .character(let character) where !quiz.choices.isEmpty && character.isNumber:
            // A multiple-choice quiz takes the choice's number.
            guard let number = character.wholeNumberValue, number >= 1, number <= quiz.choices.count else { return [] }
            answerDrafts[draftKey] = quiz.choices[number - 1]
            return submit(quiz.choices[number - 1], to: quiz)
        case .character(let character):
            if (answerDrafts[draftKey] ?? "").count < 200 { answerDrafts[draftKey, default: ""].append(character) }
        default:
            break
        }
        return []
    }

    private mutating func submit(_ answer: String, to quiz: Quiz) -> [TutorEffect] {
        isEditingAnswer = false
        if case .computed = quiz.answer {
            message = "Checking…"
            // A prediction releases its block at once, so the learner watches it run (a training
            // curve grows) instead of waiting on the judgement; the judgement is queued behind the run.
            return startPredictedBlock(answering: quiz) + [.judge(lessonIndex: lessonIndex, quizID: quiz.id, answer: answer)]
        }
        return recordAnswer(lessonIndex: lessonIndex, quizID: quiz.id, answer: answer, isCorrect: quiz.isCorrect(answer, computedValue: nil))
    }

    /// Saves a judged answer in the progress file and, after a wrong one, shows the next hint.
    mutating func recordAnswer(lessonIndex: Int, quizID: String, answer: String, isCorrect: Bool) -> [TutorEffect] {
        guard lessons.indices.contains(lessonIndex), let quiz = lessons[lessonIndex].quizzes.first(where: { $0.id == quizID }) else { return [] }
        let lessonID = lessons[lessonIndex].id
        var saved = progress.lessons[lessonID] ?? LessonProgress(currentStep: lessonIndex == self.lessonIndex ? stepIndex : 0, updated: now)
        // Counted up to Int.max: the count read from a progress file may already be there.
        let attempts = min(saved.quizzes[quizID]?.attempts ?? 0, Int.max - 1) + 1
        saved.quizzes[quizID] = QuizAttempt(answer: answer, verdict: isCorrect ? .correct : .wrong, attempts: attempts, answeredAt: now)
        saved.updated = now
        progress.lessons[lessonID] = saved
        progress.updated = now
        let key = quizKey(quiz, lessonIndex: lessonIndex)
        if !isCorrect { hintsShown[key] = min(quiz.hints.count, hintsShown[key, default: 0] + 1) }
        message = isCorrect ? "Right." + (quiz.explanation.isEmpty ? "" : " Why is under the answer.") : "Not quite." + (quiz.hints.isEmpty ? "" : " A hint is showing.")
        return [.saveProgress]
    }

    /// Once the learner answers a prediction, its block runs, if that was the last prediction it
    /// waited for and it has not run yet (a second try at the quiz does not run it again).
    private mutating func startPredictedBlock(answering quiz: Quiz) -> [TutorEffect] {
        guard let blockID = quiz.predictedBlock, runs[blockID] == nil,
            let block = lesson?.liveBlocks.first(where: { $0.id == blockID }),
            unansweredPredictions(of: block).allSatisfy({ $0.id == quiz.id })
        else { return [] }
        return start(block)
    }
}
