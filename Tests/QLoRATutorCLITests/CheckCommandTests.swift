import Foundation
import Testing

@Suite struct CheckCommandTests {
    private static let header = "---\ntitle: T\nsection: s\n---\n\n"

    @Test func theShippedCoursePassesFromAnyFolder() throws {
        let result = try CommandRunner.run(["--check"], in: URL(fileURLWithPath: "/"))
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let last = result.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasSuffix(" passed, 0 failed"))
        #expect(!last.hasPrefix("0 passed"))
    }

    /// One mistake of each kind, the line it sits on, as a lesson file of its own.
    private static let mistakes: [(name: String, text: String, line: Int)] = [
        ("bad front matter", "---\ntitle: [T\n---\ntext\n", 2),
        ("unknown section", header + "```qlora\nrun: nothing\nshow: [stats]\n```\n", 7),
        ("unknown parameter", header + "```qlora\nrun: quantize\nbits: 3\nshow: [stats]\n```\n", 8),
        ("value out of range", header + "```qlora\nrun: quantize\nblocksize: 100\nshow: [stats]\n```\n", 8),
        ("expression that does not parse", header + "```qlora\nrun: quantize\nshow: [stats]\nexpect: [mse <]\n```\n", 9),
        ("expression naming an unknown result", header + "```qlora\nrun: quantize\nshow: [stats]\nexpect: [snr > 1]\n```\n", 9),
        ("unterminated fence", header + "```qlora\nrun: quantize\n", 6),
        ("quiz without an answer", header + "```qlora-quiz\nid: q\nask: Why?\n```\n", 6),
        ("duplicate id", header + "```qlora-quiz\nid: q\nask: A?\nanswer: 1\n```\n\n```qlora-quiz\nid: q\nask: B?\nanswer: 1\n```\n", 12),
        ("prediction of a block above", header + "```qlora\nid: b\nrun: quantize\nshow: [stats]\n```\n\n```qlora-quiz\nid: q\nask: A?\npredict: b\ncompute: mse\n```\n", 15),
        ("expectation under an unknown key", header + "```qlora\nrun: quantize\nshow: [stats]\nexpect:\n  - at-defualt: mse < 1\n```\n", 10),
    ]

    @Test func anExpectationAWrittenTweakBreaksFailsTheCheckNamingBlockValueAndExpectation() throws {
        let scratch = try ScratchFolder()
        defer { withExtendedLifetime(scratch) {} }
        let block = "```qlora\nid: b\nrun: quantize\nmatrix: {rows: 8, cols: 64}\nblocksize: 32\nshow: [stats]\n"
            + "tweak:\n  blocksize: [32, 64]\nexpect:\n  - blocks == 16\n  - at-default: blocks > 15\n```\n"
        try Data((Self.header + block).utf8).write(to: scratch.url.appendingPathComponent("01-swept.md"))
        let result = try CommandRunner.run(["--check", "--lessons", scratch.url.path])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("01-swept.md:15  b with blocksize=64: blocks == 16  (blocks = 8)"), "\(result.standardOutput)")
        #expect(!result.standardOutput.contains("blocksize=64: blocks > 15"), "an at-default expectation is not swept")
        #expect(result.standardOutput.hasSuffix("passed, 2 failed\n"))
    }

    @Test(arguments: mistakes.map(\.name))
    func anAuthoringMistakeExitsTwoNamingFileAndLine(name: String) throws {
        let mistake = try #require(Self.mistakes.first { $0.name == name })
        let scratch = try ScratchFolder()
        defer { withExtendedLifetime(scratch) {} }
        let folder = scratch.url
        let file = folder.appendingPathComponent("01-mistake.md")
        try Data(mistake.text.utf8).write(to: file)
        let result = try CommandRunner.run(["--check", "--lessons", folder.path])
        #expect(result.status == 2)
        #expect(result.standardOutput.contains("\(file.path):\(mistake.line): "), "\(result.standardOutput)")
    }

    private func progress(_ learner: String, answers: [String: String], verdict: String = "correct") -> Data {
        let quizzes = answers.map { id, answer in
            #""\#(id)": {"answer": "\#(answer)", "verdict": "\#(verdict)", "attempts": 1, "answeredAt": "2027-01-15T08:00:00Z"}"#
        }.joined(separator: ", ")
        return Data(#"""
            {"format": "qlora-tutor-progress", "version": 1, "learner": "\#(learner)",
             "created": "2027-01-15T08:00:00Z", "updated": "2027-01-15T08:00:00Z",
             "lessons": {"04-normalfloat-nf4": {"currentStep": 1, "updated": "2027-01-15T08:00:00Z",
                                                  "quizzes": {\#(quizzes)}}}}
            """#.utf8)
    }

    @Test func gradesEachLearnerAndKeepsGoingPastACorruptFile() throws {
        let scratch = try ScratchFolder()
        defer { withExtendedLifetime(scratch) {} }
        let folder = scratch.url
        try progress("ada", answers: ["nf4-level-count": "16", "nf4-zero-code": "7"]).write(to: folder.appendingPathComponent("ada.json"))
        try progress("bob", answers: ["nf4-level-count": "15", "no-such-quiz": "1"]).write(to: folder.appendingPathComponent("bob.json"))
        try Data("{\"format\": \"qlora-tutor-progress\", \"vers".utf8).write(to: folder.appendingPathComponent("cat.json"))

        let result = try CommandRunner.run(["--check", "--answers", folder.path])
        #expect(result.status == 2, "a corrupt file is bad input")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("FAIL") && $0.contains("04-normalfloat-nf4/nf4-level-count") && $0.contains("answered `15`") })
        #expect(lines.contains { $0.contains("04-normalfloat-nf4/no-such-quiz") && $0.contains("has no quiz") })
        #expect(lines.contains { $0.contains("ERROR") && $0.contains("cat.json") })
        let table = try #require(lines.firstIndex { $0.hasPrefix("learner") })
        #expect(lines[table + 1].hasPrefix("ada") && lines[table + 1].contains(" 2 "))
        #expect(lines[table + 2].hasPrefix("bob") && lines[table + 2].contains(" 0 "))
        #expect(lines[table + 3].contains("cat.json") && lines[table + 3].hasSuffix("error"))
    }

    @Test func wrongAnswersExitOne() throws {
        let scratch = try ScratchFolder()
        defer { withExtendedLifetime(scratch) {} }
        let folder = scratch.url
        let file = folder.appendingPathComponent("bob.json")
        try progress("bob", answers: ["nf4-level-count": "15"]).write(to: file)
        let result = try CommandRunner.run(["--check", "--answers", file.path])
        #expect(result.status == 1)
    }

    @Test func writesJUnitAndJSONReports() throws {
        let scratch = try ScratchFolder()
        defer { withExtendedLifetime(scratch) {} }
        let folder = scratch.url
        let xml = folder.appendingPathComponent("report.xml")
        let junit = try CommandRunner.run(["--check", "--format", "junit", "--output", xml.path])
        #expect(junit.status == 0)
        #expect(junit.standardOutput.hasSuffix(" passed, 0 failed\n"))
        #expect(try String(contentsOf: xml, encoding: .utf8).hasPrefix("<?xml"))

        let json = try CommandRunner.run(["--check", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect(object?["format"] as? String == "qlora-tutor-check")
        #expect(object?["exitStatus"] as? Int == 0)
    }

    @Test(arguments: [
        ["--answers", "x.json"],
        ["--check", "--format", "yaml"],
        ["--check", "--lessons", "/no/such/folder"],
        ["--check", "--answers", "/no/such/file.json"],
        ["run", "no-such-lesson"],
        ["run", "01:99"],
        ["run", "01:-9223372036854775808"],
        ["run", "04:8", "--set", "type=fp5"],
        ["run", "04:8", "--set", "no-such=1"],
        ["run", "01", "--width", "-1"],
        ["run", "01", "--width", "100000000"],
    ])
    func badInputExitsTwoWithOneLine(arguments: [String]) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.hasPrefix("qlora-tutor: "), "\(result.standardError)")
        #expect(!result.standardError.contains("Missing value"), "\(result.standardError)")
    }

    @Test func runPrintsAStepAsPlainText() throws {
        let result = try CommandRunner.run(["run", "04:3"], environment: ["TERM": "dumb"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Step 3/"))
        #expect(result.standardOutput.contains("NF4 codebook"))
        #expect(!result.standardOutput.contains("\u{1B}"))
    }

    @Test func runAppliesATweakAsALearnerWould() throws {
        let result = try CommandRunner.run(["run", "04:8", "--set", "type=fp4"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Quantization: FP4, blocks of 64"))
        #expect(!result.standardOutput.contains("Quantization: NF4"))
    }
}
