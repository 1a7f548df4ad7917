import Foundation
import TutorLessons

/// Draws the presenter's screen: where the class is, the notes for this step, the checks the
/// audience no longer sees, and what the next click shows.
public struct PresenterView {
    public var state: PresenterState

    public init(state: PresenterState) {
        self.state = state
    }

    var theme: Theme { state.theme }

    /// The scrolling part, under the header row.
    var content: StackWidget {
        guard let position = state.position else {
            return StackWidget([LinesWidget([
                StyledLine("Waiting for the projector.", style: theme.heading),
                StyledLine(),
                StyledLine("Start `qlora-tutor --projector` in another terminal on this machine; this screen follows it.", style: theme.text),
            ])])
        }
        guard let lessonIndex = state.lessonIndex else {
            return StackWidget([LinesWidget([StyledLine("The projector shows lesson `\(position.lessonID)`, which this course does not have.", style: theme.failure)])])
        }
        let lesson = state.lessons[lessonIndex]
        var children: [any Widget] = []
        guard let step = state.step else {
            children.append(LinesWidget([StyledLine([.init("On the projector: ", style: theme.dim), .init("the lesson list", style: theme.strong)])]))
            children.append(LinesWidget([StyledLine([.init("Next: ", style: theme.accent), .init(state.upNext, style: theme.strong)])]))
            return StackWidget(children)
        }
        children.append(LinesWidget([
            StyledLine([.init("\(lessonIndex + 1). \(lesson.title)", style: theme.dim)]),
            StyledLine([.init("Step \(position.step + 1)/\(lesson.steps.count): ", style: theme.dim), .init(step.title, style: theme.heading)]),
        ]))
        var notes: [any Widget] = [LinesWidget([StyledLine("Notes", style: theme.accent)])]
        if step.notes.isEmpty {
            notes.append(LinesWidget([StyledLine("No notes for this step.", style: theme.dim)]))
        } else {
            notes.append(MarkdownWidget(step.notes, theme: theme))
        }
        children.append(StackWidget(notes, spacing: 0))
        if !position.checks.isEmpty {
            var lines = [StyledLine("Checks (not on the projector)", style: theme.accent)]
            for check in position.checks {
                let mark: StyledLine.Span
                switch check.passed {
                case true?: mark = .init("✓ ", style: theme.success)
                case false?: mark = .init("✗ ", style: theme.failure)
                case nil: mark = .init("· ", style: theme.dim)
                }
                lines.append(StyledLine([mark, .init(check.text, style: theme.code), .init(check.values.isEmpty ? (check.passed == nil ? "   not run yet" : "") : "   " + check.values, style: theme.dim)]))
            }
            children.append(LinesWidget(lines, hangingIndent: 2))
        }
        children.append(LinesWidget([StyledLine([.init("Next: ", style: theme.accent), .init(state.upNext, style: theme.strong)])]))
        return StackWidget(children)
    }

    public func render() -> Screen {
        var screen = Screen(width: state.width, height: state.height, fill: Cell(" ", style: theme.base))
        let bounds = screen.bounds
        guard !bounds.isEmpty else { return screen }
        var header = " PRESENTER"
        if let position = state.position {
            let seconds = max(0, Int(state.now.timeIntervalSince(position.timerStart)))
            header += String(format: "  %02d:%02d", seconds / 60, seconds % 60)
            if let lessonIndex = state.lessonIndex {
                header += "  lesson \(lessonIndex + 1)/\(state.lessons.count)"
                if position.isInLesson { header += " · step \(position.step + 1)/\(state.lessons[lessonIndex].steps.count)" }
            }
            if position.isBlanked { header += "  · projector blanked (b)" }
        }
        screen.put(TableWidget.truncated(header, to: bounds.width), x: 0, y: 0, style: theme.heading)
        let body = Rect(x: 1, y: 1, width: bounds.width - 2, height: state.bodyHeight)
        let stack = content
        let frames = stack.frames(width: body.width)
        stack.draw(in: body, scrolledBy: state.scroll, frames: frames, on: &screen)
        let left = state.jumpInput.map { "jump to lesson: \($0)▏ (1-\(state.lessons.count), Enter)" } ?? state.message ?? "space next  ← back  r run  b blank  t timer  g N jump"
        StatusBar(left: left, right: "↑↓ notes  ? help  q quit", theme: theme).draw(in: bounds.splitBottom(1).bottom, on: &screen)
        if state.showsHelp {
            let bindings: [(keys: String, action: String)] = [
                ("space → PgDn", "next on the projector"), ("← PgUp", "back on the projector"), ("r Enter", "run the focused block there"),
                ("b", "blank or show the projector"), ("t", "reset the shared timer"), ("g N Enter", "jump to lesson N"),
                ("↑ ↓  j k", "scroll these notes"), ("Ctrl-L", "redraw"),
            ]
            HelpOverlay(title: "Presenter keys", bindings: bindings, theme: theme).draw(in: bounds, on: &screen)
        }
        return screen
    }
}
