import Foundation
import TutorLessons

/// Draws a `TutorState` into a `Screen`: the lesson browser or the lesson page, the status bar, help.
public struct TutorView {
    public var state: TutorState

    public init(state: TutorState) {
        self.state = state
    }

    var theme: Theme { state.theme }

    /// The whole screen for the state's size.
    public func render() -> Screen {
        var screen = Screen(width: state.width, height: state.height, fill: Cell(" ", style: theme.base))
        if state.isBlanked {
            return screen
        }
        switch state.page {
        case .browser: drawBrowser(on: &screen)
        case .lesson: drawLesson(on: &screen)
        }
        if state.showsHelp {
            HelpOverlay(bindings: helpBindings, theme: theme).draw(in: screen.bounds, on: &screen)
        }
        return screen
    }

    // MARK: Browser

    /// Where the lesson list goes: under the two title rows, above the status bar.
    static func browserListRect(width: Int, height: Int) -> Rect {
        Rect(x: 0, y: 2, width: width, height: height - 3)
    }

    private func drawBrowser(on screen: inout Screen) {
        let bounds = screen.bounds
        screen.put(" qlora-tutor", x: 0, y: 0, style: theme.heading)
        let progress = state.courseProgress
        let summary = "\(progress.lessonsDone)/\(state.lessons.count) lessons done · \(progress.quizzesRight)/\(progress.quizCount) quizzes right "
        let end = screen.put("  lessons", x: 12, y: 0, style: theme.dim)
        if bounds.width - summary.terminalWidth > end + 1 {
            screen.put(summary, x: bounds.width - summary.terminalWidth, y: 0, style: theme.dim)
        }
        let list = LessonList(entries: state.lessonEntries, selected: state.lessonIndex, theme: theme)
        list.draw(in: Self.browserListRect(width: bounds.width, height: bounds.height), on: &screen)
        if state.lessons.isEmpty { screen.put(" No lessons found.", x: 0, y: 2, style: theme.failure) }
        statusBar(left: state.message ?? "\(state.lessons.count) lessons", right: "↑↓ choose  Enter open  ? help  q quit")
            .draw(in: bounds.splitBottom(1).bottom, on: &screen)
    }

    // MARK: Lesson

    /// The step's blocks as widgets, the step title first.
    var stepContent: (stack: StackWidget, blockIndices: [Int?]) {
        guard let step = state.step, let lesson = state.lesson else { return (StackWidget([]), []) }
        let maximumHeatmapRows = max(4, state.bodyHeight - 2)
        var children: [any Widget] = []
        var indices: [Int?] = []
        // The step's title, unless the step opens with that very heading (a lesson's `#` title).
        var opensWithTitle = false
        if case .markdown(.heading(_, let inlines), _)? = step.blocks.first { opensWithTitle = inlines.map(\.plainText).joined() == step.title }
        if !opensWithTitle {
            children.append(MarkdownWidget([.heading(level: state.isProjector ? 1 : 2, [.text(step.title)])], theme: theme))
            indices.append(nil)
        }
        for (index, block) in step.blocks.enumerated() {
            let focused = state.focusedBlock == index
            switch block {
            case .markdown(let markdown, _):
                children.append(MarkdownWidget([markdown], theme: theme))
            case .live(let live):
                let selected = min(max(0, live.tweaks.count - 1), state.selectedTweak[live.id] ?? 0)
                let panel = LiveBlockPanel(
                    block: live, run: state.runs[live.id], tweakValues: live.tweaks.map { state.currentValue(of: $0, in: live) },
                    selectedTweak: selected, isFocused: focused, theme: theme, maximumHeatmapRows: maximumHeatmapRows,
                    revealFraction: state.revealFraction(of: live.id), waitsForPrediction: !state.unansweredPredictions(of: live).isEmpty)
                children.append(FocusMargin(content: panel, isFocused: focused, theme: theme))
            case .quiz(let quiz):
                let key = state.quizKey(quiz)
                let panel = QuizPanel(
                    quiz: quiz, draft: state.answerDrafts[key] ?? "", isEditing: focused && state.isEditingAnswer,
                    hintsShown: state.hintsShown[key] ?? 0, attempt: lesson.quizzes.contains(quiz) ? state.attempt(quiz) : nil,
                    isFocused: focused, theme: theme, engineAnswer: state.engineAnswerText(for: quiz))
                children.append(FocusMargin(content: panel, isFocused: focused, theme: theme))
            }
            indices.append(index)
        }
        if state.stepIndex == lesson.steps.count - 1 {
            children.append(LinesWidget(nextLessonLines))
            indices.append(nil)
        }
        return (StackWidget(children), indices)
    }

    /// The end of a lesson: what comes next and the key that goes there.
    var nextLessonLines: [StyledLine] {
        let rule = StyledLine("───", style: theme.border)
        let next = state.lessonIndex + 1
        guard state.lessons.indices.contains(next) else {
            return [rule, StyledLine([.init("✓ ", style: theme.success), .init("The end of the course.", style: theme.strong), .init(state.isProjector ? "" : "  Esc: lessons", style: theme.dim)])]
        }
        return [rule, StyledLine([
            .init("→ ", style: theme.accent), .init("Next lesson: ", style: theme.dim),
            .init("\(next + 1). \(state.lessons[next].title)", style: theme.strong),
            .init(state.isProjector ? "" : "   → or n to go on, Esc: lessons", style: theme.dim),
        ])]
    }

    var bodyRect: Rect { Rect(x: 1, y: 1, width: state.width - 2, height: state.bodyHeight) }

    /// The step laid out at the screen's width: the rows it takes, and each interactive block's
    /// first row and height by block index. One layout serves both, as wrapping the prose is the cost.
    var stepLayout: (height: Int, blockFrames: [Int: (top: Int, height: Int)]) {
        let (stack, indices) = stepContent
        let frames = stack.frames(width: bodyRect.width)
        var blockFrames: [Int: (top: Int, height: Int)] = [:]
        for (index, frame) in zip(indices, frames) {
            if let index { blockFrames[index] = frame }
        }
        return (StackWidget.height(of: frames), blockFrames)
    }

    private func drawLesson(on screen: inout Screen) {
        guard let lesson = state.lesson else { return }
        let bounds = screen.bounds
        let stepCounter = "step \(state.stepIndex + 1)/\(lesson.steps.count)"
        if !state.isProjector {
            let titleLimit = bounds.width - stepCounter.count - 2
            screen.put(TableWidget.truncated(" " + lesson.title, to: titleLimit), x: 0, y: 0, style: theme.strong, limit: titleLimit)
            screen.put(stepCounter, x: bounds.width - stepCounter.count - 1, y: 0, style: theme.dim)
        } else if state.scroll > 0, let step = state.step {
            // The big heading has scrolled away: the step's title stays on the top row.
            screen.put(TableWidget.truncated(" " + step.title, to: bounds.width - 1), x: 0, y: 0, style: theme.heading)
        }
        let content = stepContent.stack
        let body = bodyRect
        let frames = content.frames(width: body.width)
        let contentHeight = StackWidget.height(of: frames)
        let viewport = state.viewportHeight(contentHeight: contentHeight)
        content.draw(in: Rect(x: body.x, y: body.y, width: body.width, height: viewport), scrolledBy: state.scroll, frames: frames, on: &screen)
        if viewport < body.height {
            // The row under the content, never over it: how much more there is, and which way.
            let below = contentHeight - state.scroll - viewport
            let more = below > 0 ? "↓ \(below) more" + (state.isProjector ? " (space)" : "") : "↑ \(state.scroll) above"
            screen.put(more, x: max(0, bounds.width - more.terminalWidth - 1), y: body.y + viewport, style: below > 0 ? theme.accent : theme.dim)
        }
        let keys: String
        if state.isEditingAnswer {
            keys = "type the answer  Enter check  Esc leave"
        } else if state.isProjector {
            keys = "space next  ← back  r run  ? help"
        } else {
            keys = "←→ step  ↑↓ scroll  Tab focus  Enter run  ? help"
        }
        var left = state.message ?? lesson.title
        if state.isProjector {
            let seconds = max(0, Int(state.now.timeIntervalSince(state.timerStart)))
            left = "lesson \(state.lessonIndex + 1)/\(state.lessons.count) · \(stepCounter) · " + String(format: "%02d:%02d", seconds / 60, seconds % 60)
            if let message = state.message { left += " · " + message }
        }
        if let jump = state.jumpInput { left = "jump to lesson: \(jump)▏ (1-\(state.lessons.count), Enter)" }
        statusBar(left: left, right: keys).draw(in: bounds.splitBottom(1).bottom, on: &screen)
    }

    private func statusBar(left: String, right: String) -> StatusBar {
        StatusBar(left: left, right: right, theme: theme)
    }

    // MARK: Help

    var helpBindings: [(keys: String, action: String)] {
        if state.isProjector {
            return [
                ("space → PgDn", "next: the rest of the step, then the next step"),
                ("← PgUp", "back"), ("r", "run the focused block"), ("Tab", "focus the next block or quiz"),
                ("1-9  + -", "pick a parameter, change it"), ("j k", "scroll a row"),
                ("b", "blank the screen"), ("t", "reset the timer"), ("g N Enter", "jump to lesson N"),
                ("Esc", "stop a run / back to lessons"), ("Ctrl-L", "redraw"),
            ]
        }
        return [
            ("↑ ↓  j k", state.page == .browser ? "choose a lesson" : "scroll"),
            ("Enter", state.page == .browser ? "open (resumes where you stopped)" : "run the focused block / answer"),
            ("→ n space", "next step (the next lesson after the last)"), ("← p", "previous step"),
            ("PgDn PgUp", "scroll a page"), ("Tab", "focus the next block or quiz"),
            ("1-9  + -", "pick a parameter, change it; pick a choice"),
            ("h", "a hint for the focused quiz"), ("Esc", "stop a run / back to lessons"), ("Ctrl-L", "redraw"),
        ]
    }
}
