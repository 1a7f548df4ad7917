import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TutorLessons

@Suite struct CheckReportTests {
    /// A course report with one failing expectation and one lesson that does not parse, plus an answers report.
    private func reports() throws -> (course: CheckReport, answers: CheckReport) {
        let failing = LessonFixtures.valid.replacingOccurrences(of: "  - mse < 1\n", with: "  - mse > 1\n")
        let broken = "---\ntitle: T\n"
        let course = CourseChecker().check([
            Course.File(name: "01-good.md", path: "L/01-good.md", text: failing),
            Course.File(name: "02-bad.md", path: "L/02-bad.md", text: broken),
        ])
        let lesson = try LessonParser().parse(LessonFixtures.valid, id: "t", sourcePath: "t.md")
        let grader = AnswerGrader(course: Course(lessons: [lesson]))
        let answers = CheckReport(mode: .answers, suites: [
            grader.grade(AnswerGraderTests.learner("ada <&> \"lovelace\""), source: "ada.json"),
            grader.grade(Data("{".utf8), source: "broken.json"),
        ])
        return (course, answers)
    }

    @Test func countsAndExitStatus() throws {
        let course = try reports().course
        #expect(course.suites.map(\.name) == ["01-good", "02-bad"])
        #expect(course.errors == 1)
        #expect(course.suites[0].failed == 1)
        #expect(course.failed == 2)
        #expect(course.exitStatus == 2)
        #expect(course.text.hasSuffix("\(course.passed) passed, 2 failed\n"))
        #expect(course.text.contains("L/02-bad.md:1"))
        #expect(course.text.contains("FAIL L/01-good.md:24"))
    }

    @Test func scoreTableAlignsNamesLeftAndNumbersRight() {
        let report = CheckReport(mode: .answers, suites: [
            CheckSuite(name: "ada", source: "a.json", score: CheckSuite.Score(correct: 3, total: 4)),
            CheckSuite(name: "grace", source: "grace.json", error: "grace.json: unreadable"),
        ])
        #expect(report.scoreTable == [
            "learner  file        correct  quizzes  score",
            "ada      a.json            3        4    75%",
            "grace    grace.json        -        -  error",
        ])
    }

    @Test(arguments: [false, true])
    func jsonMatchesItsDocumentedShape(answers: Bool) throws {
        let pair = try reports()
        let report = answers ? pair.answers : pair.course
        let object = try #require(try JSONSerialization.jsonObject(with: report.json) as? [String: Any])
        #expect(Set(object.keys) == ["format", "version", "mode", "passed", "failed", "errors", "exitStatus", "suites"])
        #expect(object["format"] as? String == "qlora-tutor-check")
        #expect(object["version"] as? Int == 1)
        #expect(object["mode"] as? String == (answers ? "answers" : "course"))
        #expect(object["passed"] as? Int == report.passed)
        #expect(object["failed"] as? Int == report.failed)
        #expect(object["exitStatus"] as? Int == Int(report.exitStatus))
        let suites = try #require(object["suites"] as? [[String: Any]])
        #expect(suites.count == report.suites.count)
        for (suite, expected) in zip(suites, report.suites) {
            #expect(Set(suite.keys) == ["name", "source", "passed", "failed", "error", "score", "cases"])
            #expect(suite["name"] as? String == expected.name)
            #expect(expected.error == nil ? suite["error"] is NSNull : suite["error"] is String)
            if let score = expected.score {
                let encoded = try #require(suite["score"] as? [String: Int])
                #expect(encoded == ["correct": score.correct, "total": score.total])
            } else {
                #expect(suite["score"] is NSNull)
            }
            let cases = try #require(suite["cases"] as? [[String: Any]])
            #expect(cases.count == expected.cases.count)
            for check in cases {
                #expect(Set(check.keys) == ["kind", "name", "source", "passed", "message"])
                #expect(CheckCase.Kind(rawValue: check["kind"] as? String ?? "") != nil)
                #expect(check["passed"] is Bool)
            }
        }
    }

    @Test(arguments: [false, true])
    func junitXMLReadsBackWithOneSuitePerLessonOrLearner(answers: Bool) throws {
        let pair = try reports()
        let report = answers ? pair.answers : pair.course
        let document = try XMLDocument(data: Data(report.junitXML.utf8))
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == report.suites.map(\.name))
        var failures = 0
        var errors = 0
        for (element, suite) in zip(suites, report.suites) {
            let cases = element.elements(forName: "testcase")
            #expect(cases.count == suite.cases.count + (suite.error == nil ? 0 : 1))
            #expect(element.attribute(forName: "tests")?.stringValue == String(cases.count))
            failures += cases.filter { !$0.elements(forName: "failure").isEmpty }.count
            errors += cases.filter { !$0.elements(forName: "error").isEmpty }.count
            #expect(element.attribute(forName: "failures")?.stringValue == String(suite.failed))
        }
        #expect(failures == report.failed - report.errors)
        #expect(errors == report.errors)
        #expect(root.attribute(forName: "failures")?.stringValue == String(failures))
        #expect(root.attribute(forName: "errors")?.stringValue == String(errors))
    }
}
