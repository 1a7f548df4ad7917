/// One screen of a lesson: the text and blocks under one `##` heading.
public struct Step: Equatable {
    /// The heading's text, without markup.
    public var title: String
    /// The line of the heading in the lesson file (the line after the front matter for an opening step).
    public var line: Int
    /// The blocks under the heading, in reading order.
    public var blocks: [LessonBlock]
    /// What the presenter reads on their own screen while this step is on the projector
    /// (`qlora-notes` blocks, in order, as Markdown); the audience never sees it.
    public var notes: [MarkdownBlock]

    public init(title: String, line: Int, blocks: [LessonBlock], notes: [MarkdownBlock] = []) {
        self.title = title
        self.line = line
        self.blocks = blocks
        self.notes = notes
    }
}

extension Step: Sendable {}
