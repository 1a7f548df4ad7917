import Testing
@testable import TutorLessons
@testable import TutorUI

/// The `step-memory` timeline as the tutor draws it: three lines on one braille chart.
@Suite struct StepMemoryChartTests {
    static func timeline() throws -> Output {
        let section = StepMemorySection()
        let parameters = section.defaultParameters.merging([
            "rank": .number(64), "seq_len": .number(2048), "checkpointing": .word("true"), "gpu_gb": .number(8),
        ])
        return try #require(try section.run(parameters).outputs[.timeline]?.first)
    }

    @Test func theTimelineDrawsItsThreeLinesWithALegend() throws {
        let widget = OutputWidget(try Self.timeline(), theme: Theme(depth: .monochrome))
        let lines = render(widget, width: 100, height: widget.height(forWidth: 100)).lines
        let legend = try #require(lines.last)
        #expect(legend.contains("no paging") && legend.contains("with paging") && legend.contains("GPU"))
        // A timeline's legend names each line's peak (what the GPU must hold), not where the step ends.
        #expect(legend.contains("no paging peak 8.04") && legend.contains("with paging peak 6.95"))
        #expect(lines.contains { $0.contains("optimizer step") }, "the x axis says what the step runs through")
        let dots = lines.dropFirst().dropLast(3).joined().unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }
        #expect(dots.count > 100, "the curves are drawn, not only the axes")
    }

    @Test func theTimelineSurvivesAnySize() throws {
        let widget = OutputWidget(try Self.timeline(), theme: Theme(depth: .xterm256))
        for (width, height) in awkwardSizes {
            expectDrawsAtAnySize(widget, width: width, height: height, showing: "GPU memory")
        }
    }
}
