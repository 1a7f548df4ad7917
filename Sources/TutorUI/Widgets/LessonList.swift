/// The lesson browser: one row per lesson with a progress mark, the selection highlighted and kept in view.
public struct LessonList: Widget {
    /// One lesson as the list shows it.
    public struct Entry: Hashable, Sendable {
        public var title: String
        /// Steps seen so far (the furthest step plus one) and steps in all.
        public var stepsSeen: Int
        public var stepCount: Int
        /// Quizzes answered right and quizzes in all.
        public var quizzesRight: Int
        public var quizCount: Int

        public init(title: String, stepsSeen: Int, stepCount: Int, quizzesRight: Int, quizCount: Int) {
            self.title = title
            self.stepsSeen = stepsSeen
            self.stepCount = stepCount
            self.quizzesRight = quizzesRight
            self.quizCount = quizCount
        }

        /// Whether the learner has reached the last step (paging back afterwards keeps it reached).
        public var isFinished: Bool { stepCount > 0 && stepsSeen >= stepCount }

        /// `✓` done (last step reached and every quiz right), `◐` started, `·` not started.
        public var mark: String {
            if isFinished && quizzesRight >= quizCount { return "✓" }
            return stepsSeen > 0 ? "◐" : "·"
        }
    }

    public var entries: [Entry]
    public var selected: Int
    public var theme: Theme

    public init(entries: [Entry], selected: Int, theme: Theme) {
        self.entries = entries
        self.selected = selected
        self.theme = theme
    }

    public func height(forWidth width: Int) -> Int { entries.count }

    /// The first entry shown when `rows` rows are available: the selection stays in view, centred when it can.
    public func firstVisible(rows: Int) -> Int {
        guard rows > 0, entries.count > rows else { return 0 }
        return max(0, min(entries.count - rows, selected - rows / 2))
    }

    /// The entry drawn at `row` of `rect`, for a mouse click.
    public func entry(atRow row: Int, in rect: Rect) -> Int? {
        let index = firstVisible(rows: rect.height) + row - rect.y
        return row >= rect.y && row < rect.maxY && index >= 0 && index < entries.count ? index : nil
    }

    public func draw(in rect: Rect, on screen: inout Screen) {
        guard !rect.isEmpty else { return }
        let first = firstVisible(rows: rect.height)
        let numberWidth = "\(entries.count)".count
        for (row, index) in (first..<min(entries.count, first + rect.height)).enumerated() {
            let entry = entries[index]
            let y = rect.y + row
            let isSelected = index == selected
            let style = isSelected ? theme.selection : theme.text
            if isSelected { screen.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(" ", style: style)) }
            let markStyle = isSelected ? style : (entry.mark == "✓" ? theme.success : entry.mark == "◐" ? theme.accent : theme.dim)
            var x = screen.put(" \(entry.mark) ", x: rect.x, y: y, style: markStyle, limit: rect.maxX)
            let number = String(repeating: " ", count: numberWidth - "\(index + 1)".count) + "\(index + 1). "
            x = screen.put(number, x: x, y: y, style: isSelected ? style : theme.dim, limit: rect.maxX)
            let counts = " \(min(entry.stepsSeen, entry.stepCount))/\(entry.stepCount) steps" + (entry.quizCount > 0 ? "  \(entry.quizzesRight)/\(entry.quizCount) quiz " : " ")
            let countsFit = rect.maxX - counts.terminalWidth > x + 8
            let titleLimit = countsFit ? rect.maxX - counts.terminalWidth : rect.maxX
            x = screen.put(TableWidget.truncated(entry.title, to: titleLimit - x), x: x, y: y, style: isSelected ? style : theme.strong, limit: titleLimit)
            if countsFit { screen.put(counts, x: rect.maxX - counts.terminalWidth, y: y, style: isSelected ? style : theme.dim) }
        }
    }
}
