/// Typing `g N Enter` to jump to lesson N, shared by the projector and the presenter.
enum LessonJump: Equatable {
    /// Still typing digits.
    case typing
    /// Another key: the jump is abandoned.
    case abandoned
    /// Enter on a lesson number, from 1.
    case lesson(Int)
    /// Enter on a number no lesson has; the message says so.
    case invalid(String)

    /// Applies `key` to the digits typed so far, which become nil once the jump is over.
    static func edit(_ input: inout String?, with key: Key, lessonCount: Int) -> LessonJump {
        switch key {
        case .character(let character) where character.isNumber:
            input?.append(character)
            return .typing
        case .backspace:
            _ = input?.popLast()
            return .typing
        case .enter:
            let number = Int(input ?? "") ?? 0
            input = nil
            return number >= 1 && number <= lessonCount ? .lesson(number) : .invalid("No lesson \(number); there are \(lessonCount).")
        default:
            input = nil
            return .abandoned
        }
    }
}
