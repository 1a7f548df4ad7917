import Benchmark
import Foundation
import QLoRAEngine
import TutorLessons
import TutorUI

/// Inputs for the drawing workloads, built once outside every timed region.
enum RenderInputs {
    /// A one-step lesson: a paragraph and a quantize block over a 256×256 matrix.
    static let lesson: Lesson = {
        let text = """
            ---
            title: Render
            section: quantizer
            ---

            ## Error

            The error of every weight, block by block.

            ```qlora
            id: render-block
            run: quantize
            matrix: {rows: 256, cols: 256, init: normal, std: 0.02, seed: 7}
            type: nf4
            blocksize: 64
            show: [stats, error]
            tweak:
              blocksize: [32, 64, 128, 256]
            ```
            """
        do {
            return try LessonParser().parse(text, id: "render", sourcePath: "render.md")
        } catch {
            fatalError("the benchmark lesson is valid: \(error)")
        }
    }()

    /// R1's screen: the lesson open at 200×60 with a 64×128 signed error heatmap as the block's output.
    static let stepWithHeatmap: TutorState = {
        var generator = SeededGenerator(seed: 0)
        let values = Tensor.normal(rows: 64, columns: 128, standardDeviation: 0.01, using: &generator).scalars
        let heatmap = Heatmap(title: "error", rows: 64, columns: 128, values: values, scale: .signed(limit: 0.03), blockGrid: (rows: 1, columns: 64))
        var state = openState(width: 200, height: 60)
        _ = state.update(.terminal(.key(.enter)))
        _ = state.update(.runFinished(token: 1, LiveRun(blockID: "render-block", parameters: ParameterValues(), outputs: [.heatmap(heatmap)], results: [:], expectations: [])))
        return state
    }()

    static func openState(width: Int, height: Int) -> TutorState {
        var state = TutorState(lessons: [lesson], progress: LearnerProgress(learner: "bench"), width: width, height: height, theme: Theme(depth: .xterm256))
        _ = state.update(.terminal(.key(.enter)))
        return state
    }
}

func renderBenchmarks() {
    Benchmark("R1-render-step-200x60") { benchmark in
        let state = RenderInputs.stepWithHeatmap
        for _ in benchmark.scaledIterations {
            blackHole(TutorView(state: state).render())
        }
    } setup: {
        _ = RenderInputs.stepWithHeatmap
    }

    Benchmark("R2-tweak-256") { benchmark in
        // A fresh runner each time: the runner's cache would otherwise answer from memory.
        var state = RenderInputs.openState(width: 200, height: 60)
        let block = RenderInputs.lesson.liveBlocks[0]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let effects = state.update(.terminal(.key(.character("+"))))
            for case .run(let token, _, _, let tweaks) in effects {
                do {
                    let run = try LessonRunner().run(block, tweaks: tweaks)
                    _ = state.update(.runFinished(token: token, run))
                } catch {
                    fatalError("the tweak is allowed: \(error)")
                }
            }
            blackHole(TutorView(state: state).render())
            _ = state.update(.terminal(.key(.character("-"))))
        }
    } setup: {
        _ = RenderInputs.lesson
    }
}
