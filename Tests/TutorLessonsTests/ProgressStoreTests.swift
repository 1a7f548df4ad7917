import Foundation
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
}
