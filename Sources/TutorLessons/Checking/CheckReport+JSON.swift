import Foundation

extension CheckReport {
    /// The report as JSON, in the shape `Lessons/README.md` documents:
    ///
    ///     {"format": "qlora-tutor-check", "version": 1, "mode": "course" | "answers",
    ///      "passed": N, "failed": M, "errors": E, "exitStatus": 0 | 1 | 2,
    ///      "suites": [{"name", "source", "passed", "failed", "error": string | null,
    ///                  "score": {"correct", "total"} | null,
    ///                  "cases": [{"kind", "name", "source", "passed", "message"}]}]}
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a plain string, number, boolean or null, so encoding cannot fail.
        return (try? encoder.encode(JSONReport(self))) ?? Data()
    }
}

/// The encodable mirror of a report; its field names are the documented JSON keys.
private struct JSONReport: Encodable {
    struct Suite: Encodable {
        var name: String
        var source: String
        var passed: Int
        var failed: Int
        var error: String?
        var score: Score?
        var cases: [Case]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(source, forKey: .source)
            try container.encode(passed, forKey: .passed)
            try container.encode(failed, forKey: .failed)
            try container.encode(error, forKey: .error)
            try container.encode(score, forKey: .score)
            try container.encode(cases, forKey: .cases)
        }

        enum CodingKeys: String, CodingKey { case name, source, passed, failed, error, score, cases }
    }

    struct Score: Encodable {
        var correct: Int
        var total: Int
    }

    struct Case: Encodable {
        var kind: String
        var name: String
        var source: String
        var passed: Bool
        var message: String
    }

    var format = "qlora-tutor-check"
    var version = 1
    var mode: String
    var passed: Int
    var failed: Int
    var errors: Int
    var exitStatus: Int32
    var suites: [Suite]

    init(_ report: CheckReport) {
        mode = report.mode.rawValue
        passed = report.passed
        failed = report.failed
        errors = report.errors
        exitStatus = report.exitStatus
        suites = report.suites.map { suite in
            Suite(
                name: suite.name, source: suite.source, passed: suite.passed, failed: suite.failed, error: suite.error,
                score: suite.score.map { Score(correct: $0.correct, total: $0.total) },
                cases: suite.cases.map {
                    Case(kind: $0.kind.rawValue, name: $0.name, source: $0.source, passed: $0.passed, message: $0.message)
                })
        }
    }
}
