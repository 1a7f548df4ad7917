import Testing
import TutorLessons
@testable import TutorUI

@Suite struct MarkdownWidgetTests {
    let theme = Theme(depth: .xterm256)

    @Test func paragraphsWrapAtWordBoundaries() {
        let widget = MarkdownWidget([.paragraph([.text("four bit codes and one absmax per block")])], theme: theme)
        #expect(render(widget, width: 16, height: 4).lines == ["four bit codes", "and one absmax", "per block", ""])
    }

    @Test func wordsLongerThanTheWidthAreBroken() {
        let widget = MarkdownWidget([.paragraph([.text("quantization")])], theme: theme)
        #expect(render(widget, width: 5, height: 3).lines == ["quant", "izati", "on"])
    }

    @Test func inlineStylesKeepTheirColours() {
        let widget = MarkdownWidget([.paragraph([.text("use "), .code("nf4"), .text(" "), .strong([.text("now")])])], theme: theme)
        let screen = render(widget, width: 20, height: 1)
        #expect(screen.lines == ["use nf4 now"])
        #expect(screen[4, 0].foreground == theme.code.foreground)
        #expect(screen[8, 0].attributes.contains(.bold))
        #expect(!screen[0, 0].attributes.contains(.bold))
    }

    @Test func listsQuotesCodeAndTables() {
        let blocks: [MarkdownBlock] = [
            .heading(level: 2, [.text("Blocks")]),
            .bulletList([[.paragraph([.text("one absmax per block of sixty-four")])], [.paragraph([.text("two")])]]),
            .numberedList(start: 9, [[.paragraph([.text("nine")])], [.paragraph([.text("ten")])]]),
            .blockQuote([.paragraph([.text("quoted")])]),
            .code(language: "swift", text: "let x  = 1"),
            .table(header: [[.text("type")], [.text("bits")]], alignments: [.left, .right], rows: [[[.text("nf4")], [.text("4")]]]),
        ]
        let screen = render(MarkdownWidget(blocks, theme: theme), width: 24, height: 20)
        #expect(screen.lines == [
            "Blocks", "",
            "• one absmax per block", "  of sixty-four", "• two", "",
            " 9. nine", "10. ten", "",
            "│ quoted", "",
            " let x  = 1", "",
            "type  bits", "──────────", "nf4      4",
            "", "", "", "",
        ])
        #expect(screen[23, 11].background == theme.codeBlock.background, "code blocks fill their row")
    }

    @Test func projectorHeadingsUseBlockLetters() {
        let widget = MarkdownWidget([.heading(level: 1, [.text("NF4")])], theme: Theme(depth: .ansi16, projector: true))
        let screen = render(widget, width: 40, height: 3)
        #expect(screen.lines == ["█▀▄ █▀▀ █ █", "█ █ █▀  ▀▀█", "▀ ▀ ▀     ▀"])
    }

    @Test(arguments: ["NF4", "Straße", "ﬁne"])
    func blockLetterWidthIsTheWidthDrawn(heading: String) {
        #expect(BlockLetters.rows(heading).allSatisfy { $0.count == BlockLetters.width(of: heading) })
    }

    @Test(arguments: awkwardSizes)
    func anySizeDrawsWithoutTrapping(width: Int, height: Int) {
        let blocks: [MarkdownBlock] = [.heading(level: 1, [.text("Title")]), .paragraph([.text("日本語 text with wide characters")]), .code(language: "", text: "\tcode")]
        let screen = render(MarkdownWidget(blocks, theme: theme), width: width, height: height)
        #expect(screen.lines.count == height)
        #expect(screen.lines.allSatisfy { $0.terminalWidth <= width })
    }
}
