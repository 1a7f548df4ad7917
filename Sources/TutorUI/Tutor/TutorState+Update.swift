import Foundation
import TutorLessons

extension TutorState {
    /// Applies one event at time `now` and returns the work it asks for.
    public mutating func update(_ event: TutorEvent, now: Date = Date()) -> [TutorEffect] {
        self.now = now
        switch event {
        case .tick:
            return []
        case .terminal(.resize(let width, let height)):
            self.width = max(0, width)
            self.height = max(0, height)
            clampScroll()
            return []
        case .terminal(.mouse(let mouse)):
            return handleMouse(mouse)
        case .terminal(.key(let key)):
            return handleKey(key)
        case .runProgress(let token, let outputs):
            updateRun(token) { $0.outputs = outputs }
            return []
        case .runFinished(let token, let run):
            // A curve that arrives whole, or nearly, before anyone could watch it grow draws itself in.
            if let current = runs[run.blockID], current.token == token, current.isRunning,
                run.outputs.contains(where: { if case .series = $0 { true } else { false } }),
                let started = runStarted[run.blockID], now.timeIntervalSince(started) < Self.revealDuration {
                revealStarted[run.blockID] = now
            }
            let isCurrent = runs[run.blockID]?.token == token && runs[run.blockID]?.isRunning == true
            updateRun(token) {
                $0.status = .finished(run)
                $0.outputs = run.outputs
            }
            if isProjector, focusedLiveBlock?.id == run.blockID { revealFocusedBlock() }
            return isCurrent ? revealPredictions(of: run.blockID) : []
        case .runFailed(let token, let message):
            updateRun(token) { $0.status = .failed(message) }
            return []
        case .answerJudged(let lessonIndex, let quizID, let answer, let isCorrect, let engineValue):
            if let engineValue, lessons.indices.contains(lessonIndex) { engineAnswers["\(lessons[lessonIndex].id)/\(quizID)"] = engineValue }
            return recordAnswer(lessonIndex: lessonIndex, quizID: quizID, answer: answer, isCorrect: isCorrect)
        case .answerRevealed(let lessonIndex, let quizID, let engineValue):
            if lessons.indices.contains(lessonIndex) { engineAnswers["\(lessons[lessonIndex].id)/\(quizID)"] = engineValue }
            return []
        }
    }

    /// The state a returning learner starts in: the lesson they touched last, at the step they left.
    public mutating func resume() {
        guard let (id, saved) = progress.lessons.max(by: { $0.value.updated < $1.value.updated }),
            let index = lessons.firstIndex(where: { $0.id == id })
        else { return }
        lessonIndex = index
        open(step: saved.currentStep)
    }

    /// Applies a worker's report to the run it belongs to, if that run is still going (not
    /// replaced by a newer run, not stopped).
    private mutating func updateRun(_ token: Int, _ change: (inout BlockRun) -> Void) {
        guard let id = runs.first(where: { $0.value.token == token })?.key, var run = runs[id], run.isRunning else { return }
        change(&run)
        runs[id] = run
    }

    // MARK: Keys

    private mutating func handleKey(_ key: Key) -> [TutorEffect] {
        message = nil
        if key == .control("l") { return [.redraw] }
        if showsHelp {
            showsHelp = false
            return key == .character("q") ? [.quit] : []
        }
        if isEditingAnswer { return editAnswer(key) }
        if jumpInput != nil { return editJump(key) }
        if key == .character("?") {
            showsHelp = true
            return []
        }
        if key == .character("q") { return [.quit] }
        switch page {
        case .browser: return browserKey(key)
        case .lesson: return isProjector ? projectorKey(key) : lessonKey(key)
        }
    }

    private mutating func browserKey(_ key: Key) -> [TutorEffect] {
        switch key {
        case .up, .character("k"): lessonIndex = max(0, lessonIndex - 1)
        case .down, .character("j"): lessonIndex = min(max(0, lessons.count - 1), lessonIndex + 1)
        case .home: lessonIndex = 0
        case .end: lessonIndex = max(0, lessons.count - 1)
        case .enter, .right, .character(" "), .character("l"):
            return openLesson(lessonIndex)
        case .pageDown where isProjector:
            // A clicker has no Enter: its forward opens the highlighted lesson.
            return openLesson(lessonIndex)
        case .character("g") where isProjector:
            jumpInput = ""
        default: break
        }
        return []
    }

    mutating func lessonKey(_ key: Key) -> [TutorEffect] {
        switch key {
        case .right, .character("n"), .character(" "): return moveStep(by: 1)
        case .left, .character("p"): return moveStep(by: -1)
        case .down, .character("j"): scroll(by: 1)
        case .up, .character("k"): scroll(by: -1)
        case .pageDown: scroll(by: pageRows)
        case .pageUp: scroll(by: -pageRows)
        case .home: scroll = 0
        case .end: scroll(by: Int.max / 2)
        case .escape: return stopRunOrLeaveLesson()
        default: return blockKey(key)
        }
        return []
    }

    /// Esc on the lesson page: stops a run of the step if one is going, otherwise back to the lessons.
    mutating func stopRunOrLeaveLesson() -> [TutorEffect] {
        if let cancelled = cancelFocusedRun() { return cancelled }
        leaveLesson()
        return []
    }

    /// Keys that act on the focused live block or quiz.
    mutating func blockKey(_ key: Key) -> [TutorEffect] {
        switch key {
        case .tab: moveFocus(by: 1)
        case .backTab: moveFocus(by: -1)
        case .enter, .character("r"):
            if focusedLiveBlock != nil { return runFocused() }
            if focusedQuiz != nil { isEditingAnswer = true }
        case .character("a"):
            if focusedQuiz != nil { isEditingAnswer = true }
        case .character("h"):
            if let quiz = focusedQuiz { hintsShown[quizKey(quiz), default: 0] = min(quiz.hints.count, hintsShown[quizKey(quiz), default: 0] + 1) }
        case .character(let character) where character.isNumber && focusedQuiz?.choices.isEmpty == false:
            // A focused multiple-choice quiz takes the choice's number without opening the answer first.
            return editAnswer(key)
        case .character(let character) where character.isNumber:
            guard let block = focusedLiveBlock, let digit = character.wholeNumberValue, digit >= 1, digit <= block.tweaks.count else { return [] }
            selectedTweak[block.id] = digit - 1
        case .character("+"), .character("="), .character("]"):
            return changeTweak(by: 1)
        case .character("-"), .character("_"), .character("["):
            return changeTweak(by: -1)
        default: break
        }
        return []
    }

    // MARK: Lessons and steps

    /// Opens a lesson at `step`, or where the learner left it.
    mutating func openLesson(_ index: Int, atStep step: Int? = nil) -> [TutorEffect] {
        guard lessons.indices.contains(index) else { return [] }
        lessonIndex = index
        page = .lesson
        open(step: step ?? progress.lessons[lessons[index].id]?.currentStep ?? 0)
        return recordPosition()
    }

    /// Back to the lesson list; after a finished lesson the cursor waits on the next one.
    mutating func leaveLesson() {
        page = .browser
        if lessonEntries.indices.contains(lessonIndex), lessonEntries[lessonIndex].isFinished, lessonIndex + 1 < lessons.count {
            lessonIndex += 1
        }
    }

    private mutating func open(step: Int) {
        page = .lesson
        stepIndex = max(0, min(step, (lesson?.steps.count ?? 1) - 1))
        scroll = 0
        isEditingAnswer = false
        focusedBlock = interactiveBlocks.first
    }

    /// Moves `offset` steps; past the last step into the next lesson and, on the projector, before
    /// the first into the previous lesson's last step, so a clicker walks the whole course.
    mutating func moveStep(by offset: Int) -> [TutorEffect] {
        guard let lesson else { return [] }
        let target = stepIndex + offset
        if lesson.steps.indices.contains(target) {
            open(step: target)
            return recordPosition()
        }
        if offset > 0 {
            guard lessons.indices.contains(lessonIndex + 1) else {
                message = "The end of the course. Esc: lessons"
                return []
            }
            return openLesson(lessonIndex + 1, atStep: isProjector ? 0 : nil)
        }
        guard isProjector, lessons.indices.contains(lessonIndex - 1) else {
            message = "First step of this lesson."
            return []
        }
        return openLesson(lessonIndex - 1, atStep: lessons[lessonIndex - 1].steps.count - 1)
    }

    /// Saves the open step as the learner's place in the lesson.
    private mutating func recordPosition() -> [TutorEffect] {
        guard let lesson else { return [] }
        var saved = progress.lessons[lesson.id] ?? LessonProgress(updated: now)
        saved.currentStep = stepIndex
        saved.furthestStep = max(saved.reachedStep, stepIndex)
        saved.updated = now
        progress.lessons[lesson.id] = saved
        progress.updated = now
        return [.saveProgress]
    }

    // MARK: Scrolling and focus

    /// Rows of the step view between the header and the status bar.
    var bodyHeight: Int { max(0, height - 2) }

    /// Rows the step's content shows: the whole body, less the row that says how much more there
    /// is when the step does not fit.
    func viewportHeight(contentHeight: Int) -> Int { contentHeight > bodyHeight ? max(0, bodyHeight - 1) : bodyHeight }

    /// Rows a page key scrolls: a screenful less two, so the reader keeps their place.
    var pageRows: Int { max(1, bodyHeight - 3) }

    mutating func scroll(by rows: Int) {
        scroll = max(0, scroll &+ rows)
        clampScroll()
    }

    /// Keeps the scroll within the step; `contentHeight` is the step's height when the caller has laid it out already.
    mutating func clampScroll(contentHeight: Int? = nil) {
        guard page == .lesson else { return }
        let content = contentHeight ?? TutorView(state: self).stepLayout.height
        scroll = max(0, min(scroll, content - viewportHeight(contentHeight: content)))
    }

    private mutating func moveFocus(by offset: Int) {
        let blocks = interactiveBlocks
        guard !blocks.isEmpty else { return }
        let current = focusedBlock.flatMap { blocks.firstIndex(of: $0) } ?? (offset > 0 ? -1 : 0)
        focusedBlock = blocks[((current + offset) % blocks.count + blocks.count) % blocks.count]
        scrollFocusIntoView()
    }

    /// Scrolls so the focused block's first rows are on screen.
    mutating func scrollFocusIntoView() {
        guard let focusedBlock else { return }
        let layout = TutorView(state: self).stepLayout
        guard let frame = layout.blockFrames[focusedBlock] else { return }
        if frame.top < scroll || frame.top >= scroll + viewportHeight(contentHeight: layout.height) { scroll = frame.top }
        clampScroll(contentHeight: layout.height)
    }

    // MARK: Mouse

    private mutating func handleMouse(_ mouse: MouseEvent) -> [TutorEffect] {
        switch (page, mouse) {
        case (.browser, .wheelUp): lessonIndex = max(0, lessonIndex - 1)
        case (.browser, .wheelDown): lessonIndex = min(max(0, lessons.count - 1), lessonIndex + 1)
        case (.browser, .click(_, let y)):
            let rect = TutorView.browserListRect(width: width, height: height)
            guard let index = LessonList(entries: lessonEntries, selected: lessonIndex, theme: theme).entry(atRow: y, in: rect) else { return [] }
            if index == lessonIndex { return openLesson(index) }
            lessonIndex = index
        case (.lesson, .wheelUp): scroll(by: -3)
        case (.lesson, .wheelDown): scroll(by: 3)
        case (.lesson, .click): break
        }
        return []
    }
}
