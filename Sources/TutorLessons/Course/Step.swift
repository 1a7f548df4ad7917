/// One screen of a lesson: the text and blocks under one `##` heading.
public struct Step: Equatable {
    /// The heading's text, without markup.
    public var title: String
    /// The line of the heading in the lesson file (the line after the front matter for an opening step).
    public var line: Int
    /// The blocks under the heading, in reading order.
    public var blocks: [LessonBlock]

    public init(title: String, line: Int, blocks: [LessonBlock]) {
        self.title = title
        self.line = line
        self.blocks = blocks
    }
}

extension Step: Sendable {}
