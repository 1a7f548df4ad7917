import Benchmark
import TutorLessons

/// C1: everything `qlora-tutor --check` does for the built-in course, in process: parse every
/// lesson, run every live block, evaluate every expectation, compute every quiz answer.
func courseBenchmarks() {
    Benchmark("C1-check-all-lessons", configuration: .init(maxIterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations {
            let report = CourseChecker().check(Course.builtInFiles)
            blackHole(report)
        }
    }
}
