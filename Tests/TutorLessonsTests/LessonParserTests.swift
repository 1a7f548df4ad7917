import QLoRAEngine
import Testing
@testable import TutorLessons

@Suite struct LessonParserTests {
    private func parse(_ text: String) throws -> Lesson {
        try LessonParser().parse(text, id: "t", sourcePath: "t.md")
    }

    @Test func stepsFollowTheSecondLevelHeadings() throws {
        let lesson = try parse(LessonFixtures.valid)
        #expect(lesson.title == "Test lesson")
        #expect(lesson.section == "quantizer")
        #expect(lesson.steps.map(\.title) == ["Test lesson", "First step", "Second step"])
        #expect(lesson.steps.map(\.line) == [5, 10, 27])
        #expect(lesson.steps[0].blocks.count == 2)
    }

    @Test func liveBlockKeepsParametersTweaksAndExpectations() throws {
        let block = try #require(try parse(LessonFixtures.valid).liveBlocks.first)
        #expect(block.id == "block")
        #expect(block.line == 12)
        #expect(block.section == "quantize")
        #expect(block.parameters["matrix.rows"] == .number(8))
        #expect(block.parameters["matrix.init"] == .word("normal"), "defaults fill what the block leaves out")
        #expect(block.parameters["blocksize"] == .number(32))
        #expect(block.show == ["stats", "error"])
        #expect(block.tweaks == [
            Tweak(parameter: "type", allowed: .choices(["nf4", "fp4"])),
            Tweak(parameter: "matrix.seed", allowed: .range(1...5, step: 1)),
        ])
        #expect(block.expectations.map(\.text) == ["bits_per_param == 4 + 32 / 32", "mse < 1"])
        #expect(block.expectations.map(\.line) == [23, 24])
    }

    @Test func quizzesOfEveryAnswerKind() throws {
        let quizzes = try parse(LessonFixtures.valid).quizzes
        #expect(quizzes.map(\.id) == ["levels", "kind", "bits"])
        #expect(quizzes[0].answer == .number(16, tolerance: 0))
        #expect(quizzes[0].question == [.text("How many "), .emphasis([.text("levels")]), .text("?")])
        #expect(quizzes[0].hints == ["Four bits."])
        #expect(quizzes[1].answer == .choice("NF4"))
        guard case .computed(let block, _, let text, let tolerance) = quizzes[2].answer else {
            Issue.record("expected a computed answer")
            return
        }
        #expect(block == "block" && text == "bits_per_param" && tolerance == 0.01)
    }

    @Test func presenterNotesGoToTheirStepAndNeverToTheAudience() throws {
        let text = "---\ntitle: T\nsection: s\n---\n\n## One\n\nSaid aloud.\n\n```qlora-notes\nAsk the room **first**.\n\n- then run it\n```\n\n## Two\n\nMore.\n"
        let lesson = try parse(text)
        #expect(lesson.steps.map(\.title) == ["One", "Two"])
        #expect(lesson.steps[0].notes == [.paragraph([.text("Ask the room "), .strong([.text("first")]), .text(".")]), .bulletList([[.paragraph([.text("then run it")])]])])
        #expect(lesson.steps[0].blocks.count == 1, "notes are not a block of the step")
        #expect(lesson.steps[1].notes.isEmpty)
    }

    @Test func aQuizMayExplainItsAnswer() throws {
        let lesson = try parse(LessonFixtures.withBlock("id: q\nask: How many?\nanswer: 16\nexplain: Four bits hold 2^4 codes.", kind: "qlora-quiz"))
        #expect(lesson.quizzes.first?.explanation == "Four bits hold 2^4 codes.")
    }

    @Test(arguments: [("16", 16.0), ("2 bytes", 2), ("75%", 75), (" 4.5 bits ", 4.5), ("-1e-5", -1e-5), ("1E3", 1000), ("3.", 3)])
    func answersMayCarryAUnit(text: String, value: Double) {
        #expect(Quiz.number(text) == value)
    }

    @Test(arguments: ["", "bytes", "0x10000", "1/2", "2 3", "nan", "inf", "1e400", ".", "-", "4.5.1", "12abc3"])
    func answersThatAreNotANumber(text: String) {
        #expect(Quiz.number(text) == nil)
    }

    @Test func blocksWithoutAnIDAreNumberedInTheLesson() throws {
        let lesson = try parse(LessonFixtures.withBlock("run: codebook\nshow: [levels]"))
        #expect(lesson.liveBlocks.map(\.id) == ["t#1"])
    }

    @Test(arguments: LessonFixtures.mistakes.map(\.name))
    func authoringMistakeNamesFileAndLine(name: String) throws {
        let mistake = try #require(LessonFixtures.mistakes.first { $0.name == name })
        let error = #expect(throws: InputError.self) { try parse(mistake.text) }
        #expect(error?.source == "t.md:\(mistake.line)", "\(error?.description ?? "no error")")
        #expect(error?.message.contains(mistake.message) == true, "\(error?.description ?? "no error")")
    }
}
