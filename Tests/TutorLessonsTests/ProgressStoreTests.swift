import Foundation
import QLoRAEngine
import Testing
@testable import TutorLessons

@Suite struct ProgressStoreTests {
    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func savesAndLoadsTheSameProgress() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ProgressStore(url: folder.appendingPathComponent("state/qlora-tutor/progress.json"))
        #expect(try store.load() == .missing)
        let progress = AnswerGraderTests.learner()
        try store.save(progress)
        #expect(try store.load() == .loaded(progress))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.url.deletingLastPathComponent().path)
        #expect(leftovers == ["progress.json"], "the temporary file is renamed, not left behind")
    }

    @Test func writesTheVersionedFormat() throws {
        let data = try ProgressStore.encode(AnswerGraderTests.learner())
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["format"] as? String == "qlora-tutor-progress")
        #expect(object["version"] as? Int == 1)
        #expect(object["learner"] as? String == "ada")
        let lessons = try #require(object["lessons"] as? [String: [String: Any]])
        let quizzes = try #require(lessons["t"]?["quizzes"] as? [String: [String: Any]])
        #expect(quizzes["levels"]?["answer"] as? String == "15")
        #expect(quizzes["levels"]?["verdict"] as? String == "correct")
        #expect(quizzes["levels"]?["answeredAt"] as? String == "2027-01-15T08:00:00Z")
    }

    @Test func aCorruptFileIsMovedAsideAndReported() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ProgressStore(url: folder.appendingPathComponent("progress.json"))
        let garbage = Data(#"{"format": "qlora-tutor-progress", "version": 1, "learner": "#.utf8)
        try garbage.write(to: store.url)
        guard case .setAside(let aside, let reason) = try store.load() else {
            Issue.record("expected the corrupt file to be set aside")
            return
        }
        #expect(aside.lastPathComponent.hasPrefix("progress.json.corrupt-"))
        #expect(try Data(contentsOf: aside) == garbage, "nothing is lost")
        #expect(!FileManager.default.fileExists(atPath: store.url.path))
        #expect(reason.contains("malformed or truncated"))
        #expect(try store.load() == .missing)
    }

    @Test func rejectsAnotherVersion() throws {
        let data = Data(#"{"format": "qlora-tutor-progress", "version": 2, "learner": "x", "created": "2027-01-15T08:00:00Z", "updated": "2027-01-15T08:00:00Z", "lessons": {}}"#.utf8)
        let error = #expect(throws: (any Error).self) { try ProgressStore.decode(data, source: "p.json") }
        #expect("\(error.map { String(describing: $0) } ?? "")".contains("expected version 1, found 2"))
    }

    @Test func defaultLocationFollowsXDG() {
        #expect(ProgressStore.defaultURL(environment: ["XDG_STATE_HOME": "/state", "HOME": "/home/a"]).path == "/state/qlora-tutor/progress.json")
        #expect(ProgressStore.defaultURL(environment: ["HOME": "/home/a"]).path == "/home/a/.local/state/qlora-tutor/progress.json")
        #expect(ProgressStore.defaultURL(environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/a"]).path == "/home/a/.local/state/qlora-tutor/progress.json")
    }

    private static func progressJSON(learner: String = #""ada""#, updated: String = "2027-01-15T08:00:00Z", extra: String = "") -> Data {
        Data(#"{"format": "qlora-tutor-progress", "version": 1, "learner": \#(learner), \#(extra)"created": "2027-01-15T08:00:00Z", "updated": "\#(updated)", "lessons": {}}"#.utf8)
    }

    /// A fuzzer found a date the ISO 8601 parser took loosely, which a save then wrote back as another date.
    @Test(arguments: ["2027-01-15T08:01:0.1-15T08:05:00Z", "2027-01-15T08:00:00.5Z", "2027-01-15T08:00:00+01:00", "2027-01-15"])
    func aDateNotWrittenAsTheTutorWritesItIsRefused(date: String) {
        let error = #expect(throws: InputError.self) { try ProgressStore.decode(Self.progressJSON(updated: date), source: "p.json") }
        #expect(error?.message.contains("expected a date such as 2027-01-15T08:00:00Z") == true, "\(error?.message ?? "")")
    }

    /// A value of the wrong kind is named by its path and the kind expected, in the file's terms.
    @Test(arguments: [
        (#""lessons": []"#, "expected an object at lessons"),
        // Foundation reports this one with no path today (swiftlang/swift-foundation#1604); the
        // message still names what is wrong either way.
        (#""lessons": {"l": {"currentStep": 1.5, "updated": "2027-01-15T08:00:00Z", "quizzes": {}}}"#, "number"),
        (#""lessons": {"l": {"currentStep": 1, "updated": "2027-01-15T08:00:00Z", "quizzes": {"q": {"answer": 16, "answeredAt": "2027-01-15T08:00:00Z"}}}}"#,
         "expected a string at lessons.l.quizzes.q.answer"),
    ])
    func aValueOfTheWrongKindIsNamed(lessons: String, message: String) {
        let data = Data(#"{"format": "qlora-tutor-progress", "version": 1, "learner": "a", "created": "2027-01-15T08:00:00Z", "updated": "2027-01-15T08:00:00Z", \#(lessons)}"#.utf8)
        let error = #expect(throws: InputError.self) { try ProgressStore.decode(data, source: "p.json") }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test func everyFileReadIsWrittenBackTheSame() throws {
        let progress = try ProgressStore.decode(Self.progressJSON(), source: "p.json")
        #expect(try ProgressStore.decode(ProgressStore.encode(progress), source: "p.json") == progress)
    }

    /// JSON readers disagree on a key given twice (this one took the first, most take the last), so it is refused.
    @Test func aDuplicateKeyIsRefusedNamingIt() {
        let top = #expect(throws: InputError.self) {
            try ProgressStore.decode(Self.progressJSON(extra: #""learner": "eve", "#), source: "p.json")
        }
        #expect(top?.message.contains(#"the key "learner" twice"#) == true, "\(top?.message ?? "")")
        let nested = Data(#"{"format": "qlora-tutor-progress", "version": 1, "learner": "a", "created": "2027-01-15T08:00:00Z", "updated": "2027-01-15T08:00:00Z", "lessons": {"l": {"currentStep": 1, "currentStep": 2, "updated": "2027-01-15T08:00:00Z", "quizzes": {}}}}"#.utf8)
        let error = #expect(throws: InputError.self) { try ProgressStore.decode(nested, source: "p.json") }
        #expect(error?.message.contains(#"the key "currentStep" twice in one object (at lessons.l)"#) == true, "\(error?.message ?? "")")
    }

    @Test func aFileOverTheLimitIsRefusedNamingTheLimit() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ProgressStore(url: folder.appendingPathComponent("progress.json"))
        try Self.progressJSON(learner: "\"" + String(repeating: "a", count: 2 << 20) + "\"").write(to: store.url)
        let error = #expect(throws: InputError.self) { try store.load() }
        #expect(error?.message.contains("at most 1048576 bytes") == true, "\(error?.message ?? "")")
        #expect(FileManager.default.fileExists(atPath: store.url.path), "a file too large is left where it is")
    }

    @Test func aFolderWhereTheFileShouldBeIsOneLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ProgressStore(url: folder)
        let error = #expect(throws: InputError.self) { try store.load() }
        #expect(error?.description == "\(folder.path): is a folder; expected a progress file")
    }

    /// Saves killed between writing and renaming left `.progress.json.tmp-<pid>` files behind.
    @Test func aSaveRemovesTheTemporaryFilesOfSavesThatDied() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ProgressStore(url: folder.appendingPathComponent("progress.json"))
        // No process can have the largest pid_t; the parent of this test is alive and keeps its file.
        let dead = folder.appendingPathComponent(".progress.json.tmp-\(Int32.max)")
        let alive = folder.appendingPathComponent(".progress.json.tmp-\(getppid())")
        let other = folder.appendingPathComponent(".other.json.tmp-\(Int32.max)")
        for file in [dead, alive, other] { try Data("{\"torn".utf8).write(to: file) }
        try store.save(AnswerGraderTests.learner())
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == [alive.lastPathComponent, other.lastPathComponent, "progress.json"].sorted())
    }
}
