import Testing
@testable import TutorLessons

@Suite struct ShippedCourseTests {
    @Test func theBuiltInCoursePassesItsOwnCheck() {
        let report = CourseChecker().check(Course.builtInFiles)
        #expect(report.suites.count >= 2)
        #expect(report.exitStatus == 0, "\(report.text)")
        #expect(report.passed > 20)
    }

    @Test func lessonsAreOrderedByFileName() throws {
        let ids = try Course.load(Course.builtInFiles).lessons.map(\.id)
        #expect(ids == ids.sorted())
        #expect(ids.first?.hasPrefix("01-") == true)
    }

    @Test func theCourseUsesEveryBlockKindAndEveryMarkdownConstruct() throws {
        let lessons = try Course.load(Course.builtInFiles).lessons
        var kinds: Set<String> = []
        func visit(_ block: MarkdownBlock) {
            switch block {
            case .heading: kinds.insert("heading")
            case .paragraph(let inlines): kinds.insert("paragraph"); inlines.forEach(visit)
            case .bulletList(let items): kinds.insert("bullets"); items.joined().forEach(visit)
            case .numberedList(_, let items): kinds.insert("numbers"); items.joined().forEach(visit)
            case .blockQuote(let blocks): kinds.insert("quote"); blocks.forEach(visit)
            case .code: kinds.insert("code")
            case .table: kinds.insert("table")
            case .thematicBreak: kinds.insert("break")
            }
        }
        func visit(_ inline: MarkdownInline) {
            switch inline {
            case .text: break
            case .emphasis(let children): kinds.insert("emphasis"); children.forEach(visit)
            case .strong(let children): kinds.insert("strong"); children.forEach(visit)
            case .code: kinds.insert("inline code")
            case .link: kinds.insert("link")
            }
        }
        for block in lessons.flatMap({ $0.steps.flatMap(\.blocks) }) {
            switch block {
            case .markdown(let markdown, _): visit(markdown)
            case .live(let live): kinds.insert(live.tweaks.isEmpty ? "live" : "live with tweaks")
            case .quiz(let quiz):
                switch quiz.answer {
                case .number: kinds.insert("number quiz")
                case .choice: kinds.insert("choice quiz")
                case .computed: kinds.insert("computed quiz")
                }
            }
        }
        #expect(kinds == [
            "heading", "paragraph", "bullets", "numbers", "quote", "code", "table", "break", "emphasis", "strong",
            "inline code", "link", "live", "live with tweaks", "number quiz", "choice quiz", "computed quiz",
        ])
    }

    @Test func theGuideDocumentsEverySectionParameterOutputAndResult() throws {
        let text = try LessonFixtures.guideText()
        for section in SectionRegistry.standard.sections {
            #expect(text.contains("`\(section.name)`"), "section \(section.name)")
            for name in section.parameters.map(\.name) + section.outputs.map(\.name) + section.results.map(\.name) {
                #expect(text.contains("`\(name)`"), "\(section.name): \(name)")
            }
        }
        for key in LessonParser.frontMatterKeys + LessonParser.liveBlockKeys + LessonParser.quizKeys {
            #expect(text.contains("`\(key)`"), "key \(key)")
        }
    }

    @Test func runPrintsPlainTextOnly() throws {
        let lesson = try Course.load(Course.builtInFiles).lesson(named: "01")
        let text = PlainTextRenderer().render(lesson, runner: LessonRunner())
        #expect(text.contains(lesson.title))
        #expect(text.contains("Step 1/"))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B }, "no escape sequences")
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
