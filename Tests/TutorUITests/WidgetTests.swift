import Testing
import TutorLessons
@testable import TutorUI

@Suite struct TableWidgetTests {
    @Test func truncationCountsColumnsNotCharacters() {
        #expect(TableWidget.truncated("abcdef", to: 4) == "abc…")
        #expect(TableWidget.truncated("日本語テキスト", to: 6) == "日本…")
        #expect(TableWidget.truncated("short", to: 5) == "short")
        #expect(TableWidget.truncated("long", to: 1) == "…")
    }

    let theme = Theme(depth: .ansi16)
    let table = OutputTable(title: "Error", headers: ["type", "mse"], alignments: [.left, .right], rows: [["nf4", "1.2e-05"], ["fp4", "3.4e-05"]])

    @Test func columnsAlign() {
        let screen = render(TableWidget(table, theme: theme), width: 30, height: 5)
        #expect(screen.lines == ["Error", "type      mse", "─────────────", "nf4   1.2e-05", "fp4   3.4e-05"])
        #expect(screen[0, 1].attributes.contains(.bold))
    }

    @Test func narrowTablesTruncateWithAnEllipsis() {
        let screen = render(TableWidget(table, theme: theme), width: 9, height: 5)
        #expect(screen.lines == ["Error", "ty…   mse", "─────────", "nf4  1.2…", "fp4  3.4…"])
    }

    @Test(arguments: awkwardSizes)
    func anySize(width: Int, height: Int) {
        expectDrawsAtAnySize(TableWidget(table, theme: theme), width: width, height: height, showing: "nf4   1.2e-05")
    }
}

@Suite struct BrailleChartTests {
    let theme = Theme(depth: .xterm256)

    @Test func aFallingLineGoesFromTopLeftToBottomRight() {
        let series = Series(title: "loss", xLabel: "step", yLabel: "", lines: [.init(name: "qlora", values: [4, 3, 2, 1])])
        let screen = render(BrailleChart(series, theme: theme), width: 12, height: 7)
        #expect(screen.lines[0] == "loss")
        #expect(screen.lines[1].hasPrefix("4│"))
        #expect(screen.lines[3].hasPrefix("1│"))
        #expect(screen.lines[4] == " └──────────")
        #expect(screen.lines[6].hasPrefix("━━ qlora 1"))
        // The first dot is in the top-left cell, the last in the bottom-right one.
        let topLeft = screen[2, 1].character.value, bottomRight = screen[11, 3].character.value
        #expect(topLeft & 0x01 != 0)
        #expect(bottomRight & 0x80 != 0)
        #expect(screen[2, 1].foreground == theme.seriesColors[0])
    }

    @Test(arguments: awkwardSizes)
    func anySize(width: Int, height: Int) {
        let series = Series(title: "loss", xLabel: "step", yLabel: "loss", lines: [.init(name: "a", values: [1, .nan, 2]), .init(name: "b", values: [])])
        expectDrawsAtAnySize(BrailleChart(series, theme: theme), width: width, height: height, showing: "loss")
    }

    @Test(arguments: [[Float(3e9), 3e9], [-Float.greatestFiniteMagnitude, .greatestFiniteMagnitude]])
    func extremeValuesPlotWithoutTrapping(values: [Float]) {
        let series = Series(title: "loss", xLabel: "step", yLabel: "", lines: [.init(name: "x", values: values)])
        let screen = render(BrailleChart(series, theme: Theme(depth: .ansi16)), width: 20, height: 7)
        #expect(screen.lines[4].contains("└"))
        #expect(screen.cells.contains { (0x2801...0x28FF).contains($0.character.value) })
    }
}

@Suite struct HistogramWidgetTests {
    @Test func barsUseEighthsAndMarkersSitUnderTheirValues() {
        let histogram = Histogram(title: "w", range: -1...1, counts: [8, 4, 1, 0], markers: [-1, 0, 0.99])
        let screen = render(HistogramWidget(histogram, theme: Theme(depth: .ansi8), barRows: 1), width: 8, height: 4)
        #expect(screen.lines == ["w", "██▄▄▁▁", "▲───▲──▲", "-1     1"])
    }

    @Test(arguments: awkwardSizes)
    func anySize(width: Int, height: Int) {
        let histogram = Histogram(title: "weights", range: 0...1, counts: Array(repeating: 3, count: 100), markers: [0.5])
        expectDrawsAtAnySize(HistogramWidget(histogram, theme: Theme(depth: .monochrome)), width: width, height: height, showing: "weights")
    }
}

@Suite struct LessonListTests {
    let theme = Theme(depth: .xterm256)
    let entries = (1...9).map { LessonList.Entry(title: "Lesson \($0)", stepsSeen: $0 == 1 ? 3 : ($0 == 2 ? 1 : 0), stepCount: 3, quizzesRight: 0, quizCount: 0) }

    @Test func marksAndSelection() {
        let list = LessonList(entries: Array(entries.prefix(3)), selected: 1, theme: theme)
        let screen = render(list, width: 36, height: 3)
        #expect(screen.lines == [" ✓ 1. Lesson 1            3/3 steps", " ◐ 2. Lesson 2            1/3 steps", " · 3. Lesson 3            0/3 steps"])
        #expect(screen[10, 1].background == theme.selection.background)
        #expect(screen[10, 0].background != theme.selection.background)
    }

    @Test func theSelectionStaysInViewAndClicksMapToEntries() {
        let list = LessonList(entries: entries, selected: 8, theme: theme)
        let rect = Rect(x: 0, y: 2, width: 30, height: 4)
        var screen = Screen(width: 30, height: 6)
        list.draw(in: rect, on: &screen)
        #expect(screen.lines[5].contains("Lesson 9"))
        #expect(list.entry(atRow: 2, in: rect) == 5)
        #expect(list.entry(atRow: 1, in: rect) == nil)
    }

    @Test(arguments: awkwardSizes)
    func anySize(width: Int, height: Int) {
        expectDrawsAtAnySize(LessonList(entries: entries, selected: 4, theme: theme), width: width, height: height, showing: "Lesson 9")
    }
}

@Suite struct MemoryBarsAndChromeTests {
    @Test func barsShareOneScaleAndCapacitiesAreMarked() {
        let memory = MemoryBreakdown(title: "7B", parts: [.init(name: "weights", bytes: 1000), .init(name: "lora", bytes: 1000)], capacities: [4000])
        let screen = render(MemoryBarsWidget(memory, theme: Theme(depth: .ansi16)), width: 40, height: 5)
        #expect(screen.lines[0] == "7B")
        #expect(screen.lines[1] == "weights █████                1.00 kB")
        #expect(screen.lines[3] == "total   ██████████         ┃ 2.00 kB")
        #expect(screen.lines[4] == "┃ fits in: ✓ 4.00 kB")
    }

    @Test func statusBarFillsItsRow() {
        let screen = render(StatusBar(left: "1/3", right: "? help", theme: Theme(depth: .ansi16)), width: 20, height: 1)
        #expect(screen.lines == [" 1/3         ? help"])
        #expect(screen[10, 0].background == Theme(depth: .ansi16).statusBar.background)
    }

    @Test func helpIsBoxedInTheMiddle() {
        let screen = render(HelpOverlay(bindings: [("r", "run")], theme: Theme(depth: .ansi16)), width: 37, height: 9)
        #expect(screen.lines == [
            "", "  ┌───────────────────────────────┐", "  │ Keys                          │", "  │                               │",
            "  │ r  run                        │", "  │                               │", "  │ q quit · any other key closes │",
            "  └───────────────────────────────┘", "",
        ])
    }

    @Test func aSmallHelpBoxWrapsActionsAtSpacesAndAlwaysSaysHowToQuit() {
        let bindings = [("Tab", "focus the next live block or quiz"), ("b", "blank the screen"), ("t", "reset the timer"), ("g N Enter", "jump to lesson N")]
        let screen = render(HelpOverlay(bindings: bindings, theme: Theme(depth: .ansi16)), width: 30, height: 10)
        let text = screen.lines.joined(separator: "\n")
        #expect(screen.lines.contains { $0.contains("Tab        focus the next") })
        #expect(screen.lines.contains { $0.contains("           live block or") }, "the action wraps at a space, under its column")
        #expect(text.contains("… 3 more keys"), "bindings that do not fit are counted, not cut")
        #expect(screen.lines.contains { $0.contains("q quit · any other key cl…") })
    }

    @Test(arguments: awkwardSizes)
    func anySize(width: Int, height: Int) {
        let memory = MemoryBreakdown(title: "m", parts: [.init(name: "weights", bytes: 1e9)], capacities: [2e9, .infinity])
        let theme = Theme(depth: .monochrome)
        expectDrawsAtAnySize(MemoryBarsWidget(memory, theme: theme), width: width, height: height, showing: "weights")
        expectDrawsAtAnySize(HelpOverlay(bindings: [("q", "quit")], theme: theme), width: width, height: height, showing: "quit")
        expectDrawsAtAnySize(StatusBar(left: "left", right: "right", theme: theme), width: width, height: height, showing: "right")
    }
}

@Suite struct ScreenTests {
    @Test func wideCharactersTakeTwoColumnsAndStayWhole() {
        var screen = Screen(width: 4, height: 1)
        screen.put("日本", x: 0, y: 0)
        #expect(screen.lines == ["日本"])
        screen.put("x", x: 1, y: 0)
        #expect(screen.lines == [" x本"])
        #expect(screen.put("日", x: 3, y: 0) == 3, "a wide character cut at the edge is left out")
    }

    @Test func writesOutsideTheGridAreIgnored() {
        var screen = Screen(width: 2, height: 2)
        screen.put("abc", x: -1, y: 0)
        screen.put("z", x: 0, y: 5)
        screen[9, 9] = Cell("q")
        screen.fill(Rect(x: -3, y: 1, width: 10, height: 10), with: Cell("#"))
        #expect(screen.lines == ["bc", "##"])
    }
}

@Suite struct ColorLadderTests {
    @Test func depthFollowsTheTerminalAndNoColor() {
        #expect(ColorDepth.forTerminal(colors: 256, environment: [:]) == .xterm256)
        #expect(ColorDepth.forTerminal(colors: 88, environment: [:]) == .ansi16)
        #expect(ColorDepth.forTerminal(colors: 8, environment: [:]) == .ansi8)
        #expect(ColorDepth.forTerminal(colors: 2, environment: [:]) == .monochrome)
        #expect(ColorDepth.forTerminal(colors: 256, environment: ["NO_COLOR": "1"]) == .monochrome)
        #expect(ColorDepth.forTerminal(colors: 256, environment: ["NO_COLOR": ""]) == .xterm256, "an empty NO_COLOR does not count")
    }

    @Test(arguments: [(ColorDepth.ansi16, 16), (.ansi8, 8), (.xterm256, 256)])
    func heatmapColoursStayInsideThePalette(depth: ColorDepth, size: Int) {
        let heatmap = Heatmap(title: "w", rows: 4, columns: 9, values: (0..<36).map { Float($0) / 35 }, scale: .magnitude(maximum: 1))
        let screen = render(HeatmapWidget([heatmap], theme: Theme(depth: depth), maximumCellScale: 1), width: 20, height: 4)
        let colours = Set((1...2).flatMap { y in (0..<9).flatMap { x in [screen[x, y].foreground, screen[x, y].background] } })
        #expect(colours.allSatisfy { if case .indexed(let index) = $0 { Int(index) < size } else { false } })
        #expect(colours.count >= min(5, size / 2), "the ramp keeps values apart")
    }

    @Test(arguments: ColorDepth.allCases)
    func everyRoleStaysInsideThePalette(depth: ColorDepth) {
        for theme in [Theme(depth: depth), Theme(depth: depth, light: true), Theme(depth: depth, projector: true)] {
            let styles = [theme.base, theme.text, theme.heading, theme.code, theme.codeBlock, theme.quote, theme.link, theme.dim, theme.accent, theme.selection, theme.statusBar, theme.success, theme.failure, theme.border]
            let limit = depth == .ansi8 ? 8 : depth == .ansi16 ? 16 : 256
            for colour in styles.flatMap({ [$0.foreground, $0.background] }) {
                switch colour {
                case .terminalDefault: break
                case .indexed(let index):
                    #expect(depth != .monochrome && Int(index) < limit)
                }
            }
        }
    }

    @Test func lightAndProjectorThemesPaintTheirOwnBackground() {
        #expect(Theme(depth: .xterm256, light: true).base.background == .brightWhite)
        #expect(Theme(depth: .xterm256, projector: true).base.background == .black)
        #expect(Theme(depth: .xterm256).base.background == .terminalDefault)
    }
}

@Suite struct ScreenChangesTests {
    @Test func onlyChangedCellsAreSent() {
        var before = Screen(width: 4, height: 2)
        before.put("abcd", x: 0, y: 0)
        var after = before
        after.put("X", x: 2, y: 1)
        #expect(after.changedCells(since: before) == [6])
        #expect(after.changedCells(since: after).isEmpty)
        #expect(after.changedCells(since: nil).count == 8)
        #expect(after.changedCells(since: Screen(width: 3, height: 2)).count == 8, "a new size repaints everything")
    }

    @Test func aWideCharacterIsSentFromItsLeftHalf() {
        var before = Screen(width: 4, height: 1)
        before.put("ab", x: 0, y: 0)
        var after = before
        after.put("日", x: 1, y: 0)
        #expect(after.changedCells(since: before) == [1])
        var narrow = after
        narrow.put("z", x: 2, y: 0)
        #expect(narrow.changedCells(since: after) == [1, 2], "overwriting the right half blanks the left")
    }
}
