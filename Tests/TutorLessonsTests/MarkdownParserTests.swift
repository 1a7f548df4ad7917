import QLoRAEngine
import Testing
@testable import TutorLessons

@Suite struct MarkdownParserTests {
    private func blocks(_ text: String) throws -> [MarkdownBlock] {
        try MarkdownParser(source: "test.md").parse(text).map(\.block)
    }

    @Test func headingsOfEveryLevelDropTheirClosingHashes() throws {
        #expect(try blocks("# One\n### Three ###\n###### Six") == [
            .heading(level: 1, [.text("One")]),
            .heading(level: 3, [.text("Three")]),
            .heading(level: 6, [.text("Six")]),
        ])
        #expect(try blocks("#NoSpace") == [.paragraph([.text("#NoSpace")])])
    }

    @Test func paragraphLinesJoinAndBlankLinesSeparate() throws {
        #expect(try blocks("one\ntwo\n\nthree") == [.paragraph([.text("one two")]), .paragraph([.text("three")])])
    }

    @Test func emphasisStrongCodeAndLinks() throws {
        #expect(try blocks("a *em* b **strong** c `x*y` d [the *paper*](https://example.org/p \"title\")") == [
            .paragraph([
                .text("a "), .emphasis([.text("em")]), .text(" b "), .strong([.text("strong")]), .text(" c "),
                .code("x*y"), .text(" d "),
                .link(text: [.text("the "), .emphasis([.text("paper")])], destination: "https://example.org/p"),
            ])
        ])
        #expect(try blocks("_under_ and __double__") == [
            .paragraph([.emphasis([.text("under")]), .text(" and "), .strong([.text("double")])])
        ])
        #expect(try blocks("**bold with *em* inside**") == [
            .paragraph([.strong([.text("bold with "), .emphasis([.text("em")]), .text(" inside")])])
        ])
    }

    @Test func unmatchedDelimitersAndIntrawordUnderscoresStayText() throws {
        #expect(try blocks("2 * 3 and snake_case_name and *open") == [
            .paragraph([.text("2 * 3 and snake_case_name and *open")])
        ])
        #expect(try blocks("\\*not emphasis\\*") == [.paragraph([.text("*not emphasis*")])])
    }

    @Test func bulletListsNestByIndentation() throws {
        #expect(try blocks("- one\n- two\n  - inner\n- three\n  continued") == [
            .bulletList([
                [.paragraph([.text("one")])],
                [.paragraph([.text("two")]), .bulletList([[.paragraph([.text("inner")])]])],
                [.paragraph([.text("three continued")])],
            ])
        ])
    }

    @Test func numberedListsKeepTheirStart() throws {
        #expect(try blocks("3. three\n4. four") == [
            .numberedList(start: 3, [[.paragraph([.text("three")])], [.paragraph([.text("four")])]])
        ])
    }

    @Test func blockQuotesHoldBlocksAndLazyLines() throws {
        #expect(try blocks("> quoted *text*\nlazy line\n>\n> - item") == [
            .blockQuote([
                .paragraph([.text("quoted "), .emphasis([.text("text")]), .text(" lazy line")]),
                .bulletList([[.paragraph([.text("item")])]]),
            ])
        ])
    }

    @Test func fencedCodeKeepsItsTextVerbatim() throws {
        #expect(try blocks("```swift\nlet x = *1*\n\n  indented\n```\nafter") == [
            .code(language: "swift", text: "let x = *1*\n\n  indented"),
            .paragraph([.text("after")]),
        ])
        #expect(try blocks("~~~~\n```\n~~~~") == [.code(language: "", text: "```")])
    }

    @Test func unterminatedFenceNamesTheLineItOpens() throws {
        let error = #expect(throws: InputError.self) { try blocks("text\n\n```qlora\nrun: quantize\n") }
        #expect(error?.source == "test.md:3")
        #expect(error?.message.contains("unterminated fence") == true)
    }

    @Test func pipeTablesWithAlignments() throws {
        #expect(try blocks("| a | b |\n|:--|--:|\n| `x|y` | **2** |\n| 3 |") == [
            .table(
                header: [[.text("a")], [.text("b")]], alignments: [.left, .right],
                rows: [[[.code("x|y")], [.strong([.text("2")])]], [[.text("3")], []]])
        ])
    }

    @Test func thematicBreaksInEachSpelling() throws {
        #expect(try blocks("---\n***\n_ _ _") == [.thematicBreak, .thematicBreak, .thematicBreak])
    }

    @Test func constructsOutsideTheSubsetStayAsText() throws {
        #expect(try blocks("<div>html</div>\n\n![alt](image.png)") == [
            .paragraph([.text("<div>html</div>")]),
            .paragraph([.text("!"), .link(text: [.text("alt")], destination: "image.png")]),
        ])
    }

    @Test func blocksKeepTheirLines() throws {
        let located = try MarkdownParser(source: "test.md").parse("# Title\n\ntext\n\n- item")
        #expect(located.map(\.line) == [1, 3, 5])
    }
}

@Suite struct HostileInputTests {
    @Test func deeplyNestedQuotesAreAnErrorNotACrash() {
        let text = String(repeating: ">", count: 10_000) + " deep"
        let error = #expect(throws: InputError.self) { try MarkdownParser(source: "x.md").parse(text) }
        #expect(error?.source == "x.md:1")
    }

    @Test func deeplyNestedEmphasisBecomesText() throws {
        let text = String(repeating: "[", count: 5_000) + "x" + String(repeating: "](y)", count: 5_000)
        let blocks = try MarkdownParser(source: "x.md").parse(text)
        #expect(blocks.count == 1)
    }

    @Test func deeplyNestedExpressionsAreAnErrorNotACrash() {
        for text in [String(repeating: "(", count: 10_000) + "1", String(repeating: "not ", count: 10_000) + "1 < 2", String(repeating: "-", count: 10_000) + "1 < 2"] {
            let error = #expect(throws: ExpressionError.self) { try Expression.parse(text, names: [], kind: .boolean) }
            #expect(error?.message.contains("nested more than") == true)
        }
    }

    /// Blocks that took the old inline parser quadratic time (19.6 s for 64,000 `[`), given as a
    /// unit and its repeat count; each now parses in a moment, and the limit only stops a stall.
    @Test(.timeLimit(.minutes(1)), arguments: [
        ("[", 64_000), ("_a ", 32_000), ("*a ", 32_000), ("**a ", 32_000), ("[a](", 32_000),
    ])
    func unmatchedDelimitersParseInLinearTime(unit: String, count: Int) throws {
        let text = String(repeating: unit, count: count)
        let blocks = try MarkdownParser(source: "x.md").parse(text).map(\.block)
        guard blocks.count == 1, case .paragraph(let inlines) = blocks[0] else {
            Issue.record("expected one paragraph, got \(blocks.count) blocks")
            return
        }
        #expect(inlines.map(\.plainText).joined() == text.trimmingSpaces, "every delimiter stays literal text")
    }

    @Test(.timeLimit(.minutes(1))) func aLargeLessonOfDelimitersParsesInLinearTime() throws {
        let text = String(repeating: "*_[", count: 216_000)
        let blocks = try MarkdownParser(source: "x.md").parse(text).map(\.block)
        #expect(blocks.count == 1)
    }

    @Test(.timeLimit(.minutes(1))) func manyMatchedSpansParseInLinearTime() throws {
        let text = String(repeating: "*a* _b_ **c** `d` [e](f) ", count: 20_000)
        let blocks = try MarkdownParser(source: "x.md").parse(text).map(\.block)
        guard case .paragraph(let inlines) = blocks.first else {
            Issue.record("expected one paragraph, got \(blocks)")
            return
        }
        #expect(inlines.count == 20_000 * 10 - 1)
    }
}
