extension CheckReport {
    /// The report as JUnit XML: one `<testsuite>` per lesson (or learner), one `<testcase>` per
    /// expectation, block or quiz (or answer). A failed case has a `<failure>`; a suite that could
    /// not be checked holds one case with an `<error>`.
    public var junitXML: String {
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="qlora-tutor --check" tests="\#(suites.reduce(0) { $0 + $1.cases.count } + errors)" failures="\#(failed - errors)" errors="\#(errors)">"#,
        ]
        for suite in suites {
            let tests = suite.cases.count + (suite.error == nil ? 0 : 1)
            var attributes = #"name="\#(escape(suite.name))" tests="\#(tests)" failures="\#(suite.failed)" errors="\#(suite.error == nil ? 0 : 1)" file="\#(escape(suite.source))""#
            if let score = suite.score { attributes += #" score="\#(score.correct)/\#(score.total)""# }
            lines.append("  <testsuite \(attributes)>")
            if let error = suite.error {
                lines.append(#"    <testcase classname="\#(escape(suite.name))" name="read \#(escape(suite.source))">"#)
                lines.append(#"      <error message="\#(escape(error))"/>"#)
                lines.append("    </testcase>")
            }
            for check in suite.cases {
                let (file, line) = Self.split(check.source)
                var caseAttributes = #"classname="\#(escape(suite.name))" name="\#(escape(check.name))" file="\#(escape(file))""#
                if let line { caseAttributes += #" line="\#(line)""# }
                if check.passed {
                    lines.append("    <testcase \(caseAttributes)/>")
                } else {
                    lines.append("    <testcase \(caseAttributes)>")
                    lines.append(#"      <failure message="\#(escape(check.message))" type="\#(check.kind.rawValue)"/>"#)
                    lines.append("    </testcase>")
                }
            }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `file:line` split into the file and the line, when there is one.
    private static func split(_ source: String) -> (file: String, line: Int?) {
        guard let colon = source.lastIndex(of: ":"), let line = Int(source[source.index(after: colon)...]) else {
            return (source, nil)
        }
        return (String(source[..<colon]), line)
    }

    /// Text escaped for an XML attribute; characters XML 1.0 forbids become U+FFFD.
    private func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n": escaped += "&#10;"
            case "\t": escaped += "&#9;"
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value):
                escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
