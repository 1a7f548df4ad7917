import Foundation
import Testing
import TutorLessons
@testable import TutorUI

/// The frame budget (R1): a key press re-renders a lesson step with a 64×128 heatmap at 200×60.
/// This test checks what is drawn and prints how long it took; timings are read in release builds
/// (`swift test -c release --filter RenderCost`), never asserted.
@Suite struct RenderCostTests {
    @Test func aStepWithA64x128HeatmapAt200x60() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var state = TutorState(lessons: sampleLessons(), progress: LearnerProgress(learner: "ada", created: start), width: 200, height: 60, theme: Theme(depth: .xterm256), now: start)
        _ = state.update(.terminal(.key(.enter)), now: start)
        _ = state.update(.terminal(.key(.enter)), now: start)
        // Noise-like values in -1...1, the same on every run.
        let values = (0..<(64 * 128)).map { sin(Float($0) * 12.9898) }
        let heatmap = Heatmap(title: "error", rows: 64, columns: 128, values: values, scale: .signed(limit: 1), blockGrid: (rows: 1, columns: 64))
        _ = state.update(.runFinished(token: 1, LiveRun(blockID: "blocks", parameters: ParameterValues(), outputs: [.heatmap(heatmap)], results: [:], expectations: [])), now: start)
        var screen = TutorView(state: state).render()
        #expect(screen.lines.contains { $0.contains("error 64×128") })
        let frames = 50
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for frame in 0..<frames {
                _ = state.update(.terminal(.key(frame % 2 == 0 ? .down : .up)), now: start)
                screen = TutorView(state: state).render()
            }
        }
        let halfBlocks = screen.cells.filter { $0.character == "▀" }.count
        #expect(halfBlocks >= 64 * 128 / 2 - 200, "the whole matrix is drawn, two rows per character")
        print("render: key press + full 200×60 frame with a 64×128 heatmap: \(elapsed / frames) per frame")
    }
}
