import Foundation
import QLoRAEngine
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files a stranger could hand the tutor: each is refused with one line, or reported as one
/// failed case while the rest of the check goes on; none crashes, stalls or reaches the terminal raw.
@Suite struct HostileFileTests {
    private static let goodLesson = "---\ntitle: Good\nsection: s\n---\n\nText.\n\n```qlora-quiz\nid: q\nask: A?\nanswer: 1\n```\n"

    /// A folder with `02-good.md` and the bad entry `01-bad.md` that `makeBad` creates.
    private func checkFolder(_ makeBad: (ScratchFolder, String) throws -> Void, format: String = "text") throws -> (CommandRunner.Result, String) {
        let scratch = try ScratchFolder()
        defer { withExtendedLifetime(scratch) {} }
        let lessons = scratch.url.appendingPathComponent("lessons")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        try Data(Self.goodLesson.utf8).write(to: lessons.appendingPathComponent("02-good.md"))
        let bad = lessons.appendingPathComponent("01-bad.md").path
        try makeBad(scratch, bad)
        return (try CommandRunner.run(["--check", "--lessons", lessons.path, "--format", format]), bad)
    }

    private static let unreadableEntries: [String: @Sendable (ScratchFolder, String) throws -> Void] = [
        "invalid UTF-8": { _, path in try Data([0x2D, 0x2D, 0x2D, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path)) },
        "FIFO": { _, path in #expect(mkfifo(path, 0o644) == 0) },
        "dangling symlink": { _, path in try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "no-such-file.md") },
        "folder": { _, path in try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) },
        "symlink out of the folder": { scratch, path in
            let outside = try scratch.file("outside.md", Data(Self.goodLesson.utf8))
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside)
        },
        "file over 1 MiB": { _, path in
            try Data((Self.goodLesson + String(repeating: "word ", count: 220_000)).utf8).write(to: URL(fileURLWithPath: path))
        },
    ]

    @Test(.timeLimit(.minutes(1)), arguments: unreadableEntries.keys.sorted())
    func anUnreadableLessonIsOneFailedSuiteAndTheCheckGoesOn(entry: String) throws {
        let (result, bad) = try checkFolder(try #require(Self.unreadableEntries[entry]))
        #expect(result.status == 2)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let errors = lines.filter { $0.contains("ERROR") }
        #expect(errors.count == 1 && errors[0].contains(bad), "\(result.standardOutput)")
        #expect(lines.contains { $0.contains("ok") && $0.hasSuffix("quiz q") }, "the good lesson is still checked")
        #expect(lines.last == "1 passed, 1 failed")
        #expect(result.standardError.isEmpty, "\(result.standardError)")
    }

    @Test(arguments: ["json", "junit"])
    func anUnreadableLessonIsReportedInEveryFormat(format: String) throws {
        let (result, bad) = try checkFolder({ _, path in try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }, format: format)
        #expect(result.status == 2)
        #expect(result.standardOutput.contains(bad))
        #expect(result.standardOutput.contains("02-good"))
    }

    @Test func aSymlinkInsideTheFolderIsRead() throws {
        let (result, _) = try checkFolder { _, path in
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "02-good.md")
        }
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(result.standardOutput.hasSuffix("2 passed, 0 failed\n"))
    }

    @Test func aSymlinkOutOfTheFolderIsNeverRead() throws {
        let (result, _) = try checkFolder { scratch, path in
            let secret = try scratch.file("secret.md", Data("---\ntitle: SECRET-TITLE\nsection: s\n---\n\nSECRET-TEXT\n".utf8))
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: secret)
        }
        #expect(result.standardOutput.contains("leaves the lesson folder"))
        #expect(!result.standardOutput.contains("SECRET"))
    }

    @Test(arguments: [("NUL", "\u{0}"), ("escape", "\u{1B}]0;PWNED\u{7}"), ("C1", "\u{9B}31m")])
    func aControlCharacterInALessonIsOneLineNamingItsLine(name: String, characters: String) throws {
        let (result, bad) = try checkFolder { _, path in
            let text = "---\ntitle: T\nsection: s\n---\n\n```qlora-quiz\nid: q\nask: A\(characters)?\nanswer: 1\n```\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        #expect(result.status == 2)
        let error = try #require(result.standardOutput.split(separator: "\n").first { $0.contains("ERROR") })
        #expect(error.contains("\(bad):8: control character U+"), "\(error)")
        #expect(!result.standardOutput.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "nothing raw reaches the terminal")
    }

    private static let titleEscape = "\u{1B}]0;PWNED\u{7}"

    @Test func inspectShowsControlCharactersInNamesEscaped() throws {
        let scratch = try ScratchFolder()
        let file = try scratch.file("m.safetensors", SafetensorsFile.encode(
            [Self.titleEscape: StoredArray(float32: [1], shape: [1])], metadata: ["note\u{1B}[2J": "a\u{7}b"]))
        let result = try CommandRunner.run(["inspect", file])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!result.standardOutput.unicodeScalars.contains { $0.isControlCharacter && $0 != "\n" }, "\(result.standardOutput)")
        #expect(result.standardOutput.contains(#"\e]0;PWNED\x07"#))
        #expect(result.standardOutput.contains(#"note\e[2J: a\x07b"#))
    }

    @Test func aLearnerNameWithAnEscapeIsShownEscapedAndKeptExactInJSON() throws {
        let scratch = try ScratchFolder()
        let name = #"\u001b]0;PWNED\u0007"#
        let file = try scratch.file("p.json", Data(#"{"format": "qlora-tutor-progress", "version": 1, "learner": "\#(name)", "created": "2027-01-15T08:00:00Z", "updated": "2027-01-15T08:00:00Z", "lessons": {}}"#.utf8))
        let text = try CommandRunner.run(["--check", "--answers", file])
        #expect(!text.standardOutput.unicodeScalars.contains { $0.isControlCharacter && $0 != "\n" })
        #expect(text.standardOutput.contains(#"\e]0;PWNED\x07"#))
        let json = try CommandRunner.run(["--check", "--answers", file, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        let suites = object?["suites"] as? [[String: Any]]
        #expect(suites?.first?["name"] as? String == Self.titleEscape, "JSON keeps the name exactly")
    }

    @Test(.timeLimit(.minutes(1))) func aPipeAmongProgressFilesIsOneErrorAndGradingGoesOn() throws {
        let scratch = try ScratchFolder()
        #expect(mkfifo(scratch.path("a.json"), 0o644) == 0)
        _ = try scratch.file("b.json", Data(#"{"format": "qlora-tutor-progress", "version": 1, "learner": "bob", "created": "2027-01-15T08:00:00Z", "updated": "2027-01-15T08:00:00Z", "lessons": {}}"#.utf8))
        let result = try CommandRunner.run(["--check", "--answers", scratch.url.path])
        #expect(result.status == 2)
        #expect(result.standardOutput.contains("a.json: is not a regular file"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("bob"))
    }
}
