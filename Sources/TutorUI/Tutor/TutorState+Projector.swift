import Foundation
import TutorLessons

extension TutorState {
    /// Presenter keys: clickers send Page Up/Down or arrows, some send space or `b`.
    mutating func projectorKey(_ key: Key) -> [TutorEffect] {
        if isBlanked {
            isBlanked = false
            return key == .character("b") || key == .character(".") ? [] : projectorKey(key)
        }
        switch key {
        case .right, .down, .pageDown, .character(" "), .character("n"): return moveStep(by: 1)
        case .left, .up, .pageUp, .backspace, .character("p"): return moveStep(by: -1)
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

    /// Keys while typing a lesson number after `g`.
    mutating func editJump(_ key: Key) -> [TutorEffect] {
        switch key {
        case .character(let character) where character.isNumber: jumpInput?.append(character)
        case .backspace: _ = jumpInput?.popLast()
        case .enter:
            let number = Int(jumpInput ?? "") ?? 0
            jumpInput = nil
            guard number >= 1, number <= lessons.count else {
                message = "No lesson \(number); there are \(lessons.count)."
                return []
            }
            return openLesson(number - 1)
        default: jumpInput = nil
        }
        return []
    }
}
