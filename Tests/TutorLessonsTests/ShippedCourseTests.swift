import Testing
@testable import TutorLessons

/// The course as shipped: every lesson parses, every live block runs, every expectation holds.
@Suite struct ShippedCourseTests {
    @Test(arguments: Course.builtInFiles.map(\.name))
    func lessonPassesTheCheck(_ name: String) throws {
        let files = Course.builtInFiles.filter { $0.name == name }
        let report = CourseChecker().check(files)
        #expect(report.failed == 0, "\(report.text)")
        #expect(report.passed > 0)
    }
}
