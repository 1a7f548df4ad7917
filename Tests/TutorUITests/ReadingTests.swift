import Foundation
import Testing
import TutorLessons
@testable import TutorUI

/// What a learner reads: nothing drawn over, nothing forgotten, code as code, charts that say what they draw.
@Suite struct ReadingTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// One step of many numbered paragraphs, too long for a small screen.
    func longLesson() -> [Lesson] {
        let paragraphs = (1...30).map { LessonBlock.markdown(.paragraph([.text("Paragraph \($0) spends its words.")]), line: $0) }
        return [Lesson(id: "01-long", title: "Long", section: "s", steps: [Step(title: "Many", line: 1, blocks: paragraphs)], sourcePath: "01-long.md")]
    }

    @Test func theMoreMarkerHasARowOfItsOwn() {
        var state = TutorState(lessons: longLesson(), progress: LearnerProgress(learner: "ada", created: start), width: 60, height: 12, theme: Theme(depth: .ansi16), now: start)
        _ = state.update(.terminal(.key(.enter)), now: start)
        let lines = TutorView(state: state).render().lines
        let marker = lines[10]
        #expect(marker.trimmingCharacters(in: .whitespaces).hasPrefix("↓ "), "\(lines)")
        #expect(marker.hasSuffix("more"))
        #expect(lines[9].hasSuffix("words.") || lines[9].isEmpty, "the last content row is whole: \(lines[9])")
        // Scrolled to the end, every paragraph is reachable and the row says what is above.
        _ = state.update(.terminal(.key(.end)), now: start)
        let end = TutorView(state: state).render().lines
        #expect(end.contains { $0.contains("Paragraph 30 spends its words.") })
        #expect(end[10].contains("above"))
    }

    @Test func aFinishedLessonKeepsItsMarkWhenTheLearnerPagesBack() {
        var state = TutorState(lessons: sampleLessons(), progress: LearnerProgress(learner: "ada", created: start), width: 80, height: 30, theme: Theme(depth: .ansi16), now: start)
        _ = state.update(.terminal(.key(.enter)), now: start)
        _ = state.recordAnswer(lessonIndex: 0, quizID: "levels", answer: "16", isCorrect: true)
        for key in [Key.right, .left, .left, .escape] { _ = state.update(.terminal(.key(key)), now: start) }
        #expect(state.lessonEntries[0].mark == "✓")
        #expect(state.lessonEntries[0].stepsSeen == 2)
        #expect(state.progress.lessons["01-first"]?.currentStep == 0 && state.progress.lessons["01-first"]?.furthestStep == 1)
        let header = TutorView(state: state).render().lines[0]
        #expect(header.contains("1/2 lessons done · 1/1 quizzes right"))
    }

    @Test func codeKeepsItsIndentationAndLongLinesContinueAsCode() {
        let code = "def f(x):\n    # trainable params: 39,976,960 || all params: 6,778,392,576 || trainable%: 0.589770503135875\n    return 'x' + 1"
        let widget = CodeBlock(code, theme: Theme(depth: .xterm256))
        let lines = widget.lines(width: 40).map(\.text)
        #expect(lines[0] == " def f(x):")
        #expect(lines[1].hasPrefix("     # trainable params"))
        #expect(lines.dropFirst(2).prefix(while: { !$0.contains("return") }).allSatisfy { $0.hasPrefix("     ↳ ") }, "\(lines)")
        #expect(lines.last == "     return 'x' + 1")
        #expect(lines.allSatisfy { $0.terminalWidth <= 40 })
        let styled = widget.lines(width: 80)
        let comment = styled[1].spans.first { $0.text.hasPrefix("#") }
        #expect(comment?.style.attributes.contains(.italic) == true)
        #expect(styled[0].spans.first { $0.text == "def" }?.style.attributes.contains(.bold) == true)
        #expect(styled.last?.spans.first { $0.text == "'x'" }?.style.foreground == Theme(depth: .xterm256).success.foreground)
    }

    @Test func textOfSeveralLinesIsDrawnAsCode() {
        let lines = TextWidget(text: "config = dict(\n    rank=16,\n)", theme: Theme(depth: .ansi16)).lines(width: 30).map(\.text)
        #expect(lines == [" config = dict(", "     rank=16,", " )"])
    }

    @Test func aHistogramOfCodesEndsAtItsLastCodeAndShowsItsCounts() {
        let histogram = Histogram(title: "codes", range: 0...16, counts: (0..<16).map { $0 * 3 })
        let screen = render(HistogramWidget(histogram, theme: Theme(depth: .ansi16), barRows: 4), width: 64, height: 8)
        let lines = screen.lines
        #expect(lines[0] == "codes   tallest bar: 45")
        #expect(lines[7].hasPrefix("0") && lines[7].hasSuffix("15"), "\(lines[7])")
        #expect(lines[5].contains(" 3   6   9 "), "counts under the bars: \(lines[5])")
        // Continuous data keeps the edges of its range.
        let weights = Histogram(title: "w", range: -1...1, counts: [1, 2, 3, 4])
        #expect(render(HistogramWidget(weights, theme: Theme(depth: .ansi16), barRows: 4), width: 40, height: 8).lines.last?.hasSuffix("1") == true)
    }

    @Test func blocksOneRowTallAreStripedBesideTheMap() {
        let heatmap = Heatmap(title: "error", rows: 8, columns: 16, values: (0..<128).map { Float($0 % 5) - 2 }, scale: .signed(limit: 2), blockGrid: (1, 16))
        let theme = Theme(depth: .xterm256)
        let screen = render(HeatmapWidget([heatmap], theme: theme), width: 60, height: 12)
        let stripes = (1...8).map { screen[0, $0] }
        #expect(stripes.allSatisfy { $0.character == "▀" })
        #expect(Set(stripes.map(\.foreground)) == [theme.accent.foreground, theme.border.foreground], "rows alternate block by block")
        #expect(screen[1, 1].character == "▀" && screen[1, 1].foreground != theme.accent.foreground, "the map starts beside the stripes")
        #expect(screen.lines.contains { $0.contains("a block of 16 per row") })
    }

    @Test func zeroOnALightPageIsNotThePage() {
        let theme = Theme(depth: .xterm256, light: true)
        let heatmap = Heatmap(title: "e", rows: 2, columns: 2, values: [0, 0, 0, 0], scale: .signed(limit: 1))
        let screen = render(HeatmapWidget([heatmap], theme: theme), width: 20, height: 5)
        let zero = screen[0, 1]
        #expect(zero.character == "▀")
        #expect(zero.foreground != theme.base.background && zero.foreground != .indexed(231) && zero.foreground != .indexed(255))
    }

    @Test func aCurveThatArrivesWholeDrawsItselfIn() {
        var state = TutorState(lessons: sampleLessons(), progress: LearnerProgress(learner: "ada", created: start), width: 80, height: 40, theme: Theme(depth: .xterm256), now: start)
        _ = state.update(.terminal(.key(.enter)), now: start)
        _ = state.update(.terminal(.key(.enter)), now: start)
        let curve = Output.series(Series(title: "loss", xLabel: "step", yLabel: "", lines: [.init(name: "qlora", values: (0..<200).map { 3 - Float($0) / 100 })]))
        _ = state.update(.runFinished(token: 1, LiveRun(blockID: "blocks", parameters: ParameterValues(), outputs: [curve], results: [:], expectations: [])), now: start.addingTimeInterval(0.1))
        #expect(state.isAnimating)
        _ = state.update(.tick, now: start.addingTimeInterval(0.4))
        let early = TutorView(state: state).render().lines.first { $0.contains("━━ qlora") } ?? ""
        #expect(!early.contains("━━ qlora 1.01"), "a quarter of the way, the legend shows the value reached so far: \(early)")
        _ = state.update(.tick, now: start.addingTimeInterval(2))
        #expect(!state.isAnimating)
        #expect(TutorView(state: state).render().lines.contains { $0.contains("━━ qlora 1.01") })
    }

    @Test func aLineUnderAnotherIsNamedAndDrawnInTheSharedColour() {
        let same: [Float] = [3, 2, 1.5, 1.2]
        let series = Series(title: "loss", xLabel: "step", yLabel: "", lines: [.init(name: "full", values: [3, 1, 0.5, 0.2]), .init(name: "LoRA", values: same), .init(name: "QLoRA", values: same)])
        let theme = Theme(depth: .xterm256)
        let screen = render(BrailleChart(series, theme: theme), width: 60, height: 9)
        let legend = screen.lines[8]
        #expect(legend.contains("LoRA 1.2 (≈ QLoRA)") && legend.contains("QLoRA 1.2 (≈ LoRA)"), "\(legend)")
        let plot = (1...5).flatMap { y in (0..<60).map { screen[$0, y] } }.filter { $0.character.value >= 0x2800 && $0.character.value < 0x2900 }
        #expect(plot.contains { $0.foreground == theme.text.foreground }, "shared cells take the text colour")
        #expect(plot.contains { $0.foreground == theme.seriesColors[0] })
    }

    /// Four lines with their notes do not fit 80 columns side by side: the legend takes a second
    /// row rather than cut the last names off, and one row where they fit.
    @Test func aLegendTooWideForOneRowTakesTwo() {
        let same: [Float] = [3, 2, 1.5, 1.2]
        let series = Series(title: "loss", xLabel: "step", yLabel: "loss", lines: [
            .init(name: "full", values: [3, 1, 0.5, 0.2]), .init(name: "lora", values: same),
            .init(name: "qlora-nf4", values: same), .init(name: "qlora-fp4", values: same),
        ])
        let chart = BrailleChart(series, theme: Theme(depth: .xterm256))
        #expect(chart.height(forWidth: 80) == chart.height(forWidth: 140) + 1)
        let narrow = render(chart, width: 80, height: chart.height(forWidth: 80)).lines.suffix(2).joined(separator: "\n")
        for name in ["full", "lora", "qlora-nf4", "qlora-fp4"] { #expect(narrow.contains("\(name) "), "\(narrow)") }
        let wide = render(chart, width: 140, height: chart.height(forWidth: 140)).lines.last ?? ""
        #expect(wide.contains("full") && wide.contains("qlora-fp4 1.2"), "\(wide)")
    }

    @Test func withoutColourTheLegendMarksDiffer() {
        let series = Series(title: "loss", xLabel: "step", yLabel: "", lines: [.init(name: "full", values: [3, 1]), .init(name: "lora", values: [3, 2])])
        let legend = render(BrailleChart(series, theme: Theme(depth: .monochrome)), width: 60, height: 9).lines[8]
        #expect(legend.contains("F━━ full") && legend.contains("L── lora"), "\(legend)")
    }

    @Test func theStatusBarCutsItsNoteWithAnEllipsis() {
        let screen = render(StatusBar(left: "a very long lesson title that cannot fit", right: "? help", theme: Theme(depth: .ansi16)), width: 30, height: 1)
        #expect(screen.lines[0].contains("…") && screen.lines[0].hasSuffix("? help"), "\(screen.lines[0])")
    }

    @Test func helpAtFortyByTwelveStillSaysHowToQuit() {
        var state = TutorState(lessons: sampleLessons(), progress: LearnerProgress(learner: "ada", created: start), width: 40, height: 12, theme: Theme(depth: .ansi16, projector: true), now: start)
        _ = state.update(.terminal(.key(.enter)), now: start)
        _ = state.update(.terminal(.key(.character("?"))), now: start)
        let lines = TutorView(state: state).render().lines
        #expect(lines.contains { $0.contains("q quit") }, "\(lines)")
        #expect(lines.contains { $0.contains("run the focused") }, "the projector's help lists r")
        #expect(!lines.contains { $0.contains(" bl ") || $0.hasSuffix(" bl") })
    }
}
