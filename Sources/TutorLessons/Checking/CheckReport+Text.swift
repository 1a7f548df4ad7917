extension CheckReport {
    /// The report as plain text: each suite with its cases, a score table when learners were
    /// graded, and last the line `N passed, M failed`.
    public var text: String {
        var lines: [String] = []
        for suite in suites {
            lines.append("\(suite.name)  (\(suite.source))")
            if let error = suite.error {
                lines.append("  ERROR \(error)")
            }
            for check in suite.cases {
                let verdict = check.passed ? "ok  " : "FAIL"
                var line = "  \(verdict) \(check.source)  \(check.name)"
                if !check.message.isEmpty, !check.passed || check.kind == .expectation { line += "  (\(check.message))" }
                lines.append(line)
            }
        }
        if mode == .answers {
            lines.append("")
            lines += scoreTable
        }
        lines.append(summaryLine)
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per learner: name, file, right answers, quizzes, percent (or the error).
    var scoreTable: [String] {
        let header = ["learner", "file", "correct", "quizzes", "score"]
        let rows = suites.map { suite -> [String] in
            guard let score = suite.score else { return [suite.name, suite.source, "-", "-", "error"] }
            let percent = (score.fraction * 100).rounded()
            return [suite.name, suite.source, String(score.correct), String(score.total), "\(Int(percent))%"]
        }
        return PlainTextRenderer.aligned([header] + rows, alignments: [.left, .left, .right, .right, .right]).lines
    }
}
