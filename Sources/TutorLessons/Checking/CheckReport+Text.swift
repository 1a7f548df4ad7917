import QLoRAEngine

extension CheckReport {
    /// The report as plain text: each suite with its cases, a score table when learners were
    /// graded, and last the line `N passed, M failed`.
    ///
    /// Names, paths and answers come from files a stranger may have written, so their control
    /// characters are shown escaped: the report is one line per case and never drives the terminal.
    public var text: String {
        var lines: [String] = []
        for suite in suites {
            lines.append("\(suite.name.escapingControlCharacters)  (\(suite.source.escapingControlCharacters))")
            if let error = suite.error {
                lines.append("  ERROR \(error.escapingControlCharacters)")
            }
            for check in suite.cases {
                let verdict = check.passed ? "ok  " : "FAIL"
                var line = "  \(verdict) \(check.source)  \(check.name)"
                if !check.message.isEmpty, !check.passed || check.kind == .expectation || check.kind == .tweak { line += "  (\(check.message))" }
                lines.append(line.escapingControlCharacters)
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
            let name = suite.name.escapingControlCharacters
            let source = suite.source.escapingControlCharacters
            guard let score = suite.score else { return [name, source, "-", "-", "error"] }
            let percent = (score.fraction * 100).rounded()
            return [name, source, String(score.correct), String(score.total), "\(Int(percent))%"]
        }
        return PlainTextRenderer.aligned([header] + rows, alignments: [.left, .left, .right, .right, .right]).lines
    }
}
