import Foundation
import TutorLessons

extension TutorState {
    /// Presenter keys: clickers send Page Up/Down or arrows, some send space or `b`.
    ///
    /// Forward shows what is below the fold first and then the next step (the next lesson after
    /// the last step); back scrolls up first, then goes to the previous step.
    mutating func projectorKey(_ key: Key) -> [TutorEffect] {
        if isBlanked {
            isBlanked = false
            return key == .character("b") || key == .character(".") ? [] : projectorKey(key)
        }
        switch key {
        case .right, .down, .pageDown, .character(" "), .character("n"): return advance()
        case .left, .up, .pageUp, .backspace, .character("p"): return retreat()
        case .character("j"): scroll(by: 1)
        case .character("k"): scroll(by: -1)
        case .character("b"), .character("."): isBlanked = true
        case .character("t"): timerStart = now
        case .character("g"): jumpInput = ""
        case .escape: return stopRunOrLeaveLesson()
        default: return blockKey(key)
        }
        return []
    }

    /// Rows of the step below the screen's last row.
    var rowsBelow: Int {
        let content = TutorView(state: self).stepLayout.height
        return max(0, content - scroll - viewportHeight(contentHeight: content))
    }

    /// The clicker's forward: the rest of the step a page at a time, then the next step.
    mutating func advance() -> [TutorEffect] {
        if page == .lesson, rowsBelow > 0 {
            scroll(by: pageRows)
            return []
        }
        return moveStep(by: 1)
    }

    /// The clicker's back: up a page while the step is scrolled, then the previous step.
    mutating func retreat() -> [TutorEffect] {
        if page == .lesson, scroll > 0 {
            scroll(by: -pageRows)
            return []
        }
        return moveStep(by: -1)
    }

    /// After a run on the projector: scrolls just far enough for the focused block's end to show,
    /// never past its first row, so the step's heading stays up whenever the block fits under it.
    /// A heading is never left cut in half: when it has to go, all of it goes, and the top row
    /// names the step instead.
    mutating func revealFocusedBlock() {
        guard let index = focusedBlock else { return }
        let view = TutorView(state: self)
        let layout = view.stepLayout
        guard let frame = layout.blockFrames[index] else { return }
        let viewport = viewportHeight(contentHeight: layout.height)
        let bottom = frame.top + frame.height
        guard bottom > scroll + viewport else { return }
        var target = min(frame.top, bottom - viewport)
        if let heading = view.stepContent.stack.frames(width: view.bodyRect.width).first, target > 0, target < heading.top + heading.height {
            target = min(frame.top, heading.top + heading.height + 1)
        }
        scroll = target
        clampScroll(contentHeight: layout.height)
    }

    /// Keys while typing a lesson number after `g`.
    mutating func editJump(_ key: Key) -> [TutorEffect] {
        switch LessonJump.edit(&jumpInput, with: key, lessonCount: lessons.count) {
        case .typing, .abandoned: return []
        case .invalid(let text):
            message = text
            return []
        case .lesson(let number): return openLesson(number - 1, atStep: isProjector ? 0 : nil)
        }
    }
}
