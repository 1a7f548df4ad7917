/// One lesson: a Markdown file with YAML front matter, read into the steps a learner walks through.
public struct Lesson: Equatable {
    /// The file name without `.md`, such as `01-min-max-quantizer`; the names sort into the course order.
    public var id: String
    /// The `title` from the front matter.
    public var title: String
    /// The `section` from the front matter: the part of the course the lesson belongs to.
    public var section: String
    /// The steps in reading order, one per `##` heading (plus an opening step for anything before the first).
    public var steps: [Step]
    /// Where the lesson was read from: a path, or `Lessons/<name>` for the course built into the binary.
    public var sourcePath: String

    public init(id: String, title: String, section: String, steps: [Step], sourcePath: String) {
        self.id = id
        self.title = title
        self.section = section
        self.steps = steps
        self.sourcePath = sourcePath
    }
}

extension Lesson {
    /// Every live block of the lesson, in reading order.
    public var liveBlocks: [LiveBlock] {
        steps.flatMap { $0.blocks.compactMap { if case .live(let block) = $0 { block } else { nil } } }
    }

    /// Every quiz of the lesson, in reading order.
    public var quizzes: [Quiz] {
        steps.flatMap { $0.blocks.compactMap { if case .quiz(let quiz) = $0 { quiz } else { nil } } }
    }

    /// The quizzes that ask the learner to predict what live block `blockID` will measure, in reading order.
    public func predictions(of blockID: String) -> [Quiz] {
        quizzes.filter { $0.predictedBlock == blockID }
    }

    /// The results of live block `blockID` that the lesson's computed quizzes read.
    public func resultsReadByQuizzes(of blockID: String) -> Set<String> {
        Set(quizzes.flatMap { quiz -> [String] in
            guard case .computed(let block, let expression, _, _) = quiz.answer, block == blockID else { return [] }
            return expression.names
        })
    }
}

extension Lesson: Sendable {}
