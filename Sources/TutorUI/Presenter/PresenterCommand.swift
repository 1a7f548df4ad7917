/// What a presenter asks the projector to do: the projector carries it out as if its own key had
/// been pressed, so the step only ever changes in one place and the two screens cannot disagree.
public enum PresenterCommand: Equatable {
    /// The clicker's forward and back (scroll what is below the fold first, then step).
    case next, back
    /// Run the focused live block.
    case run
    case blank
    case resetTimer
    /// Open lesson N (from 1) at its first step.
    case jump(Int)

    /// The command as one line of the command file.
    public var line: String {
        switch self {
        case .next: "next"
        case .back: "back"
        case .run: "run"
        case .blank: "blank"
        case .resetTimer: "timer"
        case .jump(let lesson): "jump \(lesson)"
        }
    }

    /// Reads a line of the command file; nil for a line it does not know (a newer presenter's).
    public init?(line: some StringProtocol) {
        let words = line.split(separator: " ")
        switch (words.first, words.count) {
        case ("next"?, 1): self = .next
        case ("back"?, 1): self = .back
        case ("run"?, 1): self = .run
        case ("blank"?, 1): self = .blank
        case ("timer"?, 1): self = .resetTimer
        case ("jump"?, 2):
            guard let lesson = Int(words[1]), lesson > 0 else { return nil }
            self = .jump(lesson)
        default: return nil
        }
    }
}

extension PresenterCommand: Sendable {}
