import Foundation
import QLoRAEngine

/// Grades learners' progress files against a course.
///
/// Every answer is judged again from the answer alone; the verdict the tutor stored is ignored.
/// A quiz without an answer counts as wrong; an answer to a quiz the course does not have is
/// reported; a file that cannot be read is an error for that learner only.
public struct AnswerGrader {
    /// The course the answers are graded against.
    public var course: Course
    /// Computes the answers that come from a live block.
    public var runner: LessonRunner

    public init(course: Course, runner: LessonRunner = LessonRunner()) {
        self.course = course
        self.runner = runner
    }

    /// The progress files a list of `--answers` arguments names: files as given, and the `*.json`
    /// files of each folder (not its subfolders), sorted by name.
    public static func progressFiles(_ arguments: [String]) throws -> [String] {
        try arguments.flatMap { argument -> [String] in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                throw InputError("--answers \(argument)", "expected a progress file or a folder of them; nothing is there")
            }
            guard isFolder.boolValue else { return [argument] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
            let files = names.filter { $0.hasSuffix(".json") }.sorted().map { (argument as NSString).appendingPathComponent($0) }
            guard !files.isEmpty else { throw InputError("--answers \(argument)", "expected progress files (*.json) in the folder, found none") }
            return files
        }
    }

    /// Grades every file; each becomes one suite of the report.
    ///
    /// The blocks the answered computed quizzes come from run first, concurrently and once each;
    /// every learner's answers are then judged against the runner's cache.
    public func grade(files: [String]) -> CheckReport {
        computeAnswers(answered: answeredQuizzes(in: files))
        return CheckReport(mode: .answers, suites: files.map { path in
            do throws(InputError) {
                return grade(try FileContents.read(path, maximumBytes: LearnerProgress.maximumBytes, expected: "a progress file"), source: path)
            } catch {
                return CheckSuite(name: (path as NSString).lastPathComponent, source: path, error: error.description)
            }
        })
    }

    /// The quizzes some learner answered, as "lesson/quiz", from a first reading of the files:
    /// the blocks behind other quizzes need not run, so a class halfway through the course does not
    /// wait for the last lessons' models. A file that cannot be read adds nothing; grading reports it.
    private func answeredQuizzes(in files: [String]) -> Set<String> {
        var answered: Set<String> = []
        for path in files {
            guard let data = try? FileContents.read(path, maximumBytes: LearnerProgress.maximumBytes, expected: "a progress file"),
                let progress = try? ProgressStore.decode(data, source: path)
            else { continue }
            for (lessonID, lesson) in progress.lessons {
                for quizID in lesson.quizzes.keys { answered.insert("\(lessonID)/\(quizID)") }
            }
        }
        return answered
    }

    /// Runs each block an answered computed quiz reads, concurrently, one quiz per block (one run
    /// answers every quiz of its block); errors are left for grading to report per learner.
    private func computeAnswers(answered: Set<String>) {
        let firstQuizPerBlock = course.lessons.flatMap { lesson in
            var seen: Set<String> = []
            return lesson.quizzes.compactMap { quiz -> (Lesson, Quiz)? in
                guard case .computed(let blockID, _, _, _) = quiz.answer, answered.contains("\(lesson.id)/\(quiz.id)"),
                    seen.insert(blockID).inserted
                else { return nil }
                return (lesson, quiz)
            }
        }
        _ = ConcurrentSlots.map(firstQuizPerBlock.count) { [runner] index in
            try? runner.computedAnswer(to: firstQuizPerBlock[index].1, in: firstQuizPerBlock[index].0)
        }
    }

    /// Grades one progress file's contents.
    public func grade(_ data: Data, source: String) -> CheckSuite {
        let progress: LearnerProgress
        do {
            progress = try ProgressStore.decode(data, source: source)
        } catch {
            return CheckSuite(name: (source as NSString).lastPathComponent, source: source, error: describe(error))
        }
        return grade(progress, source: source)
    }

    /// Grades one learner's progress.
    public func grade(_ progress: LearnerProgress, source: String) -> CheckSuite {
        var cases: [CheckCase] = []
        var correct = 0
        var total = 0
        for lesson in course.lessons {
            let attempts = progress.lessons[lesson.id]?.quizzes ?? [:]
            for quiz in lesson.quizzes {
                total += 1
                let location = "\(lesson.sourcePath):\(quiz.line)"
                let name = "\(lesson.id)/\(quiz.id)"
                guard let attempt = attempts[quiz.id] else {
                    cases.append(CheckCase(kind: .answer, name: name, source: location, passed: false, message: "not answered"))
                    continue
                }
                let computed: Double?
                do {
                    computed = try runner.computedAnswer(to: quiz, in: lesson)
                } catch {
                    cases.append(CheckCase(kind: .answer, name: name, source: location, passed: false, message: describe(error)))
                    continue
                }
                let right = quiz.isCorrect(attempt.answer, computedValue: computed)
                if right { correct += 1 }
                var message = "answered `\(attempt.answer)`"
                if !right { message += "; expected \(expectedText(quiz, computed: computed))" }
                cases.append(CheckCase(kind: .answer, name: name, source: location, passed: right, message: message))
            }
        }
        cases += unknownAnswers(progress, source: source)
        return CheckSuite(
            name: progress.learner, source: source, cases: cases, score: CheckSuite.Score(correct: correct, total: total))
    }

    private func unknownAnswers(_ progress: LearnerProgress, source: String) -> [CheckCase] {
        progress.lessons.keys.sorted().flatMap { lessonID -> [CheckCase] in
            let quizzes = progress.lessons[lessonID]?.quizzes.keys.sorted() ?? []
            guard let lesson = course.lessons.first(where: { $0.id == lessonID }) else {
                return quizzes.map {
                    CheckCase(kind: .unknownQuiz, name: "\(lessonID)/\($0)", source: source, passed: false, message: "the course has no lesson `\(lessonID)`")
                }
            }
            let known = Set(lesson.quizzes.map(\.id))
            return quizzes.filter { !known.contains($0) }.map {
                CheckCase(kind: .unknownQuiz, name: "\(lessonID)/\($0)", source: source, passed: false, message: "lesson `\(lessonID)` has no quiz `\($0)`")
            }
        }
    }

    private func expectedText(_ quiz: Quiz, computed: Double?) -> String {
        switch quiz.answer {
        case .choice(let choice): return "`\(choice)`"
        case .number(let value, let tolerance):
            return tolerance > 0 ? "\(NumberFormat.significant(value)) ± \(NumberFormat.significant(tolerance))" : NumberFormat.significant(value)
        case .computed(_, _, _, let tolerance):
            let value = computed.map { NumberFormat.significant($0) } ?? "nan"
            return tolerance > 0 ? "\(value) ± \(NumberFormat.significant(tolerance))" : value
        }
    }
}

extension AnswerGrader: Sendable {}
