import QLoRAEngine

/// Checks a course the way CI does: every lesson parses, every live block runs, every expectation
/// holds (a plain one at every value the block's tweaks offer too), every quiz is well formed and
/// every computed answer can be computed.
public struct CourseChecker {
    /// Reads the lesson files.
    public var parser: LessonParser
    /// Runs the live blocks; by default one with the parser's sections.
    public var runner: LessonRunner

    public init(parser: LessonParser = LessonParser(), runner: LessonRunner? = nil) {
        self.parser = parser
        self.runner = runner ?? LessonRunner(registry: parser.registry)
    }

    /// Checks each file on its own, so one lesson's mistake does not hide another's results.
    ///
    /// The lessons are checked concurrently (the tiny-Llama lessons each take seconds) and
    /// reported in the order given.
    public func check(_ files: [Course.File]) -> CheckReport {
        CheckReport(mode: .course, suites: ConcurrentSlots.map(files.count) { [self] index in
            do {
                return check(try parser.parse(files[index]))
            } catch {
                return CheckSuite(name: files[index].lessonID, source: files[index].path, error: describe(error))
            }
        })
    }

    /// Checks one parsed lesson.
    ///
    /// An expression that names a result its block's run gave no number for makes the lesson one
    /// the checker cannot use (exit status 2): neither a pass nor a fail would be true.
    public func check(_ lesson: Lesson) -> CheckSuite {
        var cases: [CheckCase] = []
        var unmeasured: [String] = []
        for step in lesson.steps {
            for block in step.blocks {
                switch block {
                case .live(let live):
                    let (blockCases, errors) = check(live, in: lesson)
                    cases += blockCases
                    unmeasured += errors
                case .quiz(let quiz):
                    do {
                        cases.append(try check(quiz, in: lesson))
                    } catch {
                        unmeasured.append("\(lesson.sourcePath):\(error.line): \(error)")
                    }
                case .markdown: continue
                }
            }
        }
        return CheckSuite(
            name: lesson.id, source: lesson.sourcePath, cases: cases,
            error: unmeasured.isEmpty ? nil : unmeasured.joined(separator: "; "))
    }

    /// The block's cases, and a `file:line: ...` line for each expectation naming a result the run
    /// gave no number for.
    private func check(_ block: LiveBlock, in lesson: Lesson) -> (cases: [CheckCase], unmeasured: [String]) {
        let location = "\(lesson.sourcePath):\(block.line)"
        let run: LiveRun
        do {
            run = try runner.run(block)
        } catch {
            return ([CheckCase(kind: .block, name: "\(block.id) runs", source: location, passed: false, message: describe(error))], [])
        }
        let ran = CheckCase(
            kind: .block, name: "\(block.id) runs", source: location, passed: true,
            message: "\(block.section) with \(run.parameters.canonicalText)")
        let cases = run.expectations.map { outcome in
            CheckCase(
                kind: .expectation, name: "\(block.id): \(outcome.expectation.text)",
                source: "\(lesson.sourcePath):\(outcome.expectation.line)", passed: outcome.passed,
                message: outcome.valuesText)
        }
        let unmeasured = run.expectations.compactMap { outcome in
            outcome.unmeasured.map { "\(lesson.sourcePath):\(outcome.expectation.line): in `\(outcome.expectation.text)` over block `\(block.id)`: \($0)" }
        }
        // A block whose expectations cannot all be evaluated as written is reported as such, unswept.
        return ([ran] + cases + (unmeasured.isEmpty ? sweep(block, in: lesson, asWritten: run) : []), unmeasured)
    }

    /// The quiz's case; throws when its computed answer names a result the block gave no number for.
    private func check(_ quiz: Quiz, in lesson: Lesson) throws(UnmeasuredResultError) -> CheckCase {
        let location = "\(lesson.sourcePath):\(quiz.line)"
        let name = "quiz \(quiz.id)"
        switch quiz.answer {
        case .choice(let choice):
            return CheckCase(kind: .quiz, name: name, source: location, passed: true, message: "answer: \(choice)")
        case .number(let value, let tolerance):
            return CheckCase(kind: .quiz, name: name, source: location, passed: true, message: "answer: \(NumberFormat.significant(value)) within \(NumberFormat.significant(tolerance))")
        case .computed(let blockID, _, let text, let tolerance):
            do {
                guard let value = try runner.computedAnswer(to: quiz, in: lesson), value.isFinite else {
                    return CheckCase(kind: .quiz, name: name, source: location, passed: false, message: "`\(text)` over `\(blockID)` is not a finite number")
                }
                return CheckCase(
                    kind: .quiz, name: name, source: location, passed: true,
                    message: "answer: \(text) over \(blockID) = \(NumberFormat.significant(value)) within \(NumberFormat.significant(tolerance))")
            } catch let unmeasured as UnmeasuredResultError {
                throw unmeasured
            } catch {
                return CheckCase(kind: .quiz, name: name, source: location, passed: false, message: describe(error))
            }
        }
    }
}

/// An error as one line: an `InputError` as `source: message`, anything else as its description.
func describe(_ error: any Error) -> String {
    (error as? InputError)?.description ?? String(describing: error)
}

extension CourseChecker: Sendable {}
