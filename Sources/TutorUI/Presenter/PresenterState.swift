import Foundation
import TutorLessons

/// The presenter's screen as a value: the projector's latest position and the teacher's own
/// scrolling, help box and half-typed jump. Keys that move the class become commands for the
/// projector; nothing here changes the step itself.
public struct PresenterState: Equatable {
    public var lessons: [Lesson]
    /// The projector's position; nil while no projector runs.
    public var position: PresenterPosition?
    /// Rows scrolled down in the notes.
    public var scroll = 0
    public var showsHelp = false
    /// The number typed after `g`.
    public var jumpInput: String?
    public var message: String?
    public var width: Int
    public var height: Int
    public var theme: Theme
    public var now: Date

    public init(lessons: [Lesson], width: Int, height: Int, theme: Theme, now: Date = Date()) {
        self.lessons = lessons
        self.width = width
        self.height = height
        self.theme = theme
        self.now = now
    }

    /// The index of the projector's lesson in this course; nil when none, or when the projector
    /// runs a course this one lacks the lesson of.
    public var lessonIndex: Int? { position.flatMap { position in lessons.firstIndex { $0.id == position.lessonID } } }

    /// The projector's step, if it is in a lesson.
    public var step: Step? {
        guard let position, position.isInLesson, let lessonIndex, lessons[lessonIndex].steps.indices.contains(position.step) else { return nil }
        return lessons[lessonIndex].steps[position.step]
    }

    /// What the next click shows: rows further down the step, the next step, the next lesson, or the end.
    public var upNext: String {
        guard let position, let lessonIndex else { return "" }
        let lesson = lessons[lessonIndex]
        guard position.isInLesson else { return "\(lessonIndex + 1). \(lesson.title), step 1: \(lesson.steps.first?.title ?? "")" }
        let after: String
        if lesson.steps.indices.contains(position.step + 1) {
            after = "step \(position.step + 2): \(lesson.steps[position.step + 1].title)"
        } else if lessons.indices.contains(lessonIndex + 1) {
            after = "lesson \(lessonIndex + 2): \(lessons[lessonIndex + 1].title)"
        } else {
            after = "the end of the course"
        }
        return position.rowsBelow > 0 ? "\(position.rowsBelow) more rows of this step, then \(after)" : after
    }

    /// Applies one event at time `now`; returns what to send, and whether to quit or redraw.
    public mutating func update(_ event: PresenterEvent, now: Date = Date()) -> [PresenterEffect] {
        self.now = now
        switch event {
        case .tick:
            return []
        case .position(let position):
            if position?.lessonID != self.position?.lessonID || position?.step != self.position?.step || position?.isInLesson != self.position?.isInLesson {
                scroll = 0
            }
            self.position = position
            return []
        case .terminal(.resize(let width, let height)):
            self.width = max(0, width)
            self.height = max(0, height)
            clampScroll()
            return []
        case .terminal(.mouse(.wheelUp)):
            scroll(by: -3)
            return []
        case .terminal(.mouse(.wheelDown)):
            scroll(by: 3)
            return []
        case .terminal(.mouse):
            return []
        case .terminal(.key(let key)):
            return handleKey(key)
        }
    }

    private mutating func handleKey(_ key: Key) -> [PresenterEffect] {
        message = nil
        if key == .control("l") { return [.redraw] }
        if showsHelp {
            showsHelp = false
            return key == .character("q") ? [.quit] : []
        }
        if jumpInput != nil { return editJump(key) }
        switch key {
        case .character("q"): return [.quit]
        case .character("?"): showsHelp = true
        case .right, .pageDown, .character(" "), .character("n"): return send(.next)
        case .left, .pageUp, .backspace, .character("p"): return send(.back)
        case .character("r"), .enter: return send(.run)
        case .character("b"), .character("."): return send(.blank)
        case .character("t"): return send(.resetTimer)
        case .character("g"): jumpInput = ""
        case .down, .character("j"): scroll(by: 1)
        case .up, .character("k"): scroll(by: -1)
        default: break
        }
        return []
    }

    private mutating func send(_ command: PresenterCommand) -> [PresenterEffect] {
        guard position != nil else {
            message = "No projector yet: start qlora-tutor --projector in another terminal."
            return []
        }
        return [.send(command)]
    }

    private mutating func editJump(_ key: Key) -> [PresenterEffect] {
        switch LessonJump.edit(&jumpInput, with: key, lessonCount: lessons.count) {
        case .typing, .abandoned: return []
        case .invalid(let text):
            message = text
            return []
        case .lesson(let number): return send(.jump(number))
        }
    }

    /// Rows between the header and the status bar.
    var bodyHeight: Int { max(0, height - 2) }

    mutating func scroll(by rows: Int) {
        scroll = max(0, scroll &+ rows)
        clampScroll()
    }

    mutating func clampScroll() {
        let content = PresenterView(state: self).content.height(forWidth: max(0, width - 2))
        scroll = max(0, min(scroll, content - bodyHeight))
    }
}

/// Everything that can change the presenter's screen.
public enum PresenterEvent: Equatable {
    case terminal(TerminalEvent)
    case tick
    /// The projector's position as last read; nil when no projector runs.
    case position(PresenterPosition?)
}

/// Work the presenter's state asks for.
public enum PresenterEffect: Equatable {
    case send(PresenterCommand)
    case redraw
    case quit
}

extension PresenterState: Sendable {}
extension PresenterEvent: Sendable {}
extension PresenterEffect: Sendable {}
