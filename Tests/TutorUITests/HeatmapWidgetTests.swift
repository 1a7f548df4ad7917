import Testing
import TutorLessons
@testable import TutorUI

@Suite struct HeatmapWidgetTests {
    func ramp(rows: Int, columns: Int) -> Heatmap {
        Heatmap(title: "w", rows: rows, columns: columns, values: (0..<(rows * columns)).map { Float($0) }, scale: .magnitude(maximum: Float(rows * columns - 1)))
    }


    @Test func twoMatrixRowsShareOneCharacter() {
        let widget = HeatmapWidget([ramp(rows: 4, columns: 4)], theme: Theme(depth: .xterm256), maximumCellScale: 1)
        let screen = render(widget, width: 30, height: 4)
        #expect(screen.lines[0] == "w 4×4")
        #expect(screen.lines[1] == "▀▀▀▀")
        #expect(screen.lines[2] == "▀▀▀▀")
        #expect(screen.lines[3].hasPrefix("0 "))
        #expect(screen.lines[3].hasSuffix(" 15"))
        // Top-left is the smallest value (viridis purple), bottom-right of the lower pair the largest (yellow).
        #expect(screen[0, 1].foreground == .indexed(RGB(68, 1, 84).nearestXterm256))
        #expect(screen[3, 2].background == .indexed(RGB(253, 231, 37).nearestXterm256))
        #expect(screen[0, 1].background != screen[0, 1].foreground)
    }

    @Test func maxPoolingKeepsTheLargestMagnitudeWithItsSign() {
        let heatmap = Heatmap(title: "m", rows: 3, columns: 3, values: [1, -5, 2, 0, 3, 4, -6, 0, 1], scale: .signed(limit: 6))
        let pooled = heatmap.maxPooled(by: 2)
        #expect(pooled.rows == 2 && pooled.columns == 2)
        #expect(pooled.values == [-5, 4, -6, 1])
        #expect(heatmap.maxPooled(by: 1).values == heatmap.values)
    }

    @Test func largeMatricesAreMaxPooledToFit() {
        var heatmap = Heatmap(title: "big", rows: 64, columns: 128, values: [Float](repeating: 0, count: 64 * 128), scale: .magnitude(maximum: 1))
        heatmap.values[5 * 128 + 77] = 1
        let screen = render(HeatmapWidget([heatmap], theme: Theme(depth: .xterm256)), width: 40, height: 14)
        let top = Color.indexed(RGB(253, 231, 37).nearestXterm256)
        let hot = (1..<13).flatMap { y in (0..<40).map { (x: $0, y: y) } }.filter { screen[$0.x, $0.y].foreground == top || screen[$0.x, $0.y].background == top }
        #expect(hot.count == 1, "the lone outlier survives pooling")
        #expect(screen.lines.last?.contains("max-pooled 4×4") == true)
    }

    @Test(arguments: [(0, 0), (1, 1), (1, 5), (3, 2), (5, 1), (2, 40), (80, 24)])
    func anySizeDrawsWithoutTrapping(width: Int, height: Int) {
        let screen = render(HeatmapWidget([ramp(rows: 16, columns: 16)], theme: Theme(depth: .ansi16)), width: width, height: height)
        #expect(screen.lines.count == height)
    }

    @Test func monochromeUsesADensityRamp() {
        let screen = render(HeatmapWidget([ramp(rows: 1, columns: 5)], theme: Theme(depth: .monochrome), maximumCellScale: 1), width: 40, height: 3)
        #expect(screen.lines[1] == " ░▒▓█")
    }

    @Test func blockGridSeparatesBlocks() {
        var heatmap = ramp(rows: 2, columns: 8)
        heatmap.blockGrid = (rows: 1, columns: 4)
        let screen = render(HeatmapWidget([heatmap], theme: Theme(depth: .xterm256), maximumCellScale: 1), width: 40, height: 5)
        #expect(screen.lines[1] == "▀▀▀▀│▀▀▀▀")
    }

    @Test func sideBySideMapsShareOneScale() {
        let a = Heatmap(title: "a", rows: 2, columns: 2, values: [1, 1, 1, 1], scale: .magnitude(maximum: 1))
        let b = Heatmap(title: "b", rows: 2, columns: 2, values: [1, 1, 1, 1], scale: .magnitude(maximum: 4))
        let screen = render(HeatmapWidget([a, b], theme: Theme(depth: .xterm256), maximumCellScale: 1), width: 20, height: 3)
        #expect(screen.lines[0] == "a 2×2      b 2×2")
        #expect(screen[0, 1].foreground == screen[11, 1].foreground, "equal values get equal colours across panels")
        #expect(screen.lines[2].hasSuffix(" 4"))
    }

    @Test func signedValuesUseTheDivergingMap() {
        let heatmap = Heatmap(title: "e", rows: 2, columns: 3, values: [-1, 0, 1, -1, 0, 1], scale: .signed(limit: 1))
        let screen = render(HeatmapWidget([heatmap], theme: Theme(depth: .xterm256), maximumCellScale: 1), width: 30, height: 3)
        #expect(screen[0, 1].foreground == .indexed(RGB(5, 48, 97).nearestXterm256))
        #expect(screen[1, 1].foreground == .indexed(RGB(247, 247, 247).nearestXterm256))
        #expect(screen[2, 1].foreground == .indexed(RGB(103, 0, 31).nearestXterm256))
        #expect(screen.lines[2].hasPrefix("-1 "))
    }
}

extension HeatmapWidgetTests {
    @Test func blocksOneRowTallDrawNoLinesBetweenRows() {
        var heatmap = ramp(rows: 4, columns: 8)
        heatmap.blockGrid = (rows: 1, columns: 4)
        let screen = render(HeatmapWidget([heatmap], theme: Theme(depth: .xterm256), maximumCellScale: 2), width: 40, height: 7)
        #expect(screen.lines[1...4].allSatisfy { $0.hasPrefix("▀▀▀▀▀▀▀▀│▀▀▀▀▀▀▀▀") })
    }
}
