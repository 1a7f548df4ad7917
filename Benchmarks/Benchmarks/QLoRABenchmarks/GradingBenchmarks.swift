import Benchmark
import Foundation
import TutorLessons

/// G1: `qlora-tutor --check --answers` over a class of 500 learners, every quiz answered: read
/// each progress file (with the size and duplicate-key checks), judge every answer again, and
/// compute the answers that come from a live block.
func gradingBenchmarks() {
    Benchmark("G1-grade-500", configuration: .init(maxIterations: 10)) { benchmark in
        let course = try Course.load(Course.builtInFiles)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qlora-tutor-g1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try (0..<500).map { learner in
            let url = folder.appendingPathComponent(String(format: "learner-%03d.json", learner))
            try ProgressStore.encode(classProgress(course, learner: learner)).write(to: url)
            return url.path
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(AnswerGrader(course: course).grade(files: files))
        }
    }
}

/// One learner's progress with every quiz answered: right for most learners, a different wrong
/// answer for every seventh, so the grader judges both.
private func classProgress(_ course: Course, learner: Int) -> LearnerProgress {
    let date = Date(timeIntervalSince1970: 1_800_000_000)
    var lessons: [String: LessonProgress] = [:]
    for lesson in course.lessons {
        var quizzes: [String: QuizAttempt] = [:]
        for quiz in lesson.quizzes {
            let answer: String
            switch quiz.answer {
            case .choice(let choice): answer = choice
            case .number(let value, _): answer = String(value)
            case .computed: answer = "0.5"
            }
            quizzes[quiz.id] = QuizAttempt(answer: learner % 7 == 0 ? "\(learner)" : answer, answeredAt: date)
        }
        lessons[lesson.id] = LessonProgress(currentStep: 0, quizzes: quizzes, updated: date)
    }
    return LearnerProgress(learner: "learner \(learner)", created: date, lessons: lessons)
}
