import Foundation
import TutorLessons

extension TutorState {
    /// What the projector publishes for `--presenter`: nil when there is no lesson to be at.
    public func presenterPosition(processID: Int32) -> PresenterPosition? {
        guard let lesson else { return nil }
        let inLesson = page == .lesson
        var checks: [PresenterPosition.Check] = []
        if inLesson, let step {
            for case .live(let block) in step.blocks {
                if case .finished(let run)? = runs[block.id]?.status {
                    checks += run.expectations.map { outcome in
                        outcome.isHeldAtDefaultOnly
                            ? .init(text: outcome.expectation.text, passed: nil, values: "holds at the default; now " + outcome.valuesText)
                            : .init(text: outcome.expectation.text, passed: outcome.passed, values: outcome.valuesText)
                    }
                } else {
                    checks += block.expectations.map { .init(text: $0.text, passed: nil, values: "") }
                }
            }
        }
        return PresenterPosition(
            lessonID: lesson.id, step: inLesson ? stepIndex : 0, isInLesson: inLesson, rowsBelow: inLesson ? rowsBelow : 0,
            timerStart: timerStart, isBlanked: isBlanked, checks: checks, processID: processID)
    }

    /// Carries out a presenter's command as the projector's own key would, whatever the projector
    /// was doing (an open help box or a half-typed answer gives way).
    public mutating func perform(_ command: PresenterCommand, now: Date = Date()) -> [TutorEffect] {
        self.now = now
        showsHelp = false
        isEditingAnswer = false
        jumpInput = nil
        message = nil
        switch command {
        case .next:
            if page == .browser {
                isBlanked = false
                return openLesson(lessonIndex, atStep: 0)
            }
            return projectorKey(.pageDown)
        case .back:
            return page == .lesson ? projectorKey(.pageUp) : []
        case .run:
            isBlanked = false
            if page == .lesson, focusedLiveBlock == nil, let first = interactiveBlocks.first(where: { index in
                if case .live? = step?.blocks[index] { true } else { false }
            }) {
                focusedBlock = first
            }
            return page == .lesson ? runFocused() : []
        case .blank:
            isBlanked.toggle()
        case .resetTimer:
            timerStart = now
        case .jump(let number):
            guard lessons.indices.contains(number - 1) else { return [] }
            isBlanked = false
            return openLesson(number - 1, atStep: 0)
        }
        return []
    }
}
