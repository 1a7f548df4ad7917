import Foundation
import Testing
import TutorLessons
@testable import TutorUI

/// The presenter follows the projector through two files, and drives it only through commands.
@Suite struct PresenterTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("presenter-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func notedLessons() -> [Lesson] {
        var lessons = sampleLessons()
        lessons[0].steps[0].notes = [.paragraph([.text("Ask the room first.")])]
        return lessons
    }

    @Test func aPositionAndCommandsGoThroughTheFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let projector = PresenterLink(folder: folder), presenter = PresenterLink(folder: folder)
        // A command sent before the projector starts is not replayed to it.
        try presenter.send(.next)
        try projector.openAsProjector()
        #expect(projector.takeCommands().isEmpty)
        #expect(presenter.position() == nil)
        let position = PresenterPosition(
            lessonID: "01-first", step: 1, isInLesson: true, rowsBelow: 3, timerStart: Date(timeIntervalSince1970: 1_800_000_000),
            isBlanked: false, checks: [.init(text: "mse < 1", passed: true, values: "mse = 0.5")], processID: getpid())
        try projector.publish(position)
        #expect(presenter.position() == position)
        try presenter.send(.next)
        try presenter.send(.jump(4))
        #expect(projector.takeCommands() == [.next, .jump(4)])
        #expect(projector.takeCommands().isEmpty, "each command is taken once")
        // A line still being written waits for its newline; an unknown one is skipped.
        let handle = try FileHandle(forWritingTo: folder.appendingPathComponent("commands"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("teleport\nba".utf8))
        #expect(projector.takeCommands().isEmpty)
        try handle.write(contentsOf: Data("ck\n".utf8))
        try handle.close()
        #expect(projector.takeCommands() == [.back])
        projector.closeAsProjector()
        #expect(presenter.position() == nil)
    }

    @Test func aPositionLeftByAProjectorThatDiedIsIgnored() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = PresenterLink(folder: folder)
        try link.openAsProjector()
        // Process ids stop well below this on Linux and macOS, so none runs with it.
        try link.publish(PresenterPosition(lessonID: "x", step: 0, isInLesson: true, rowsBelow: 0, timerStart: start, isBlanked: false, checks: [], processID: 99_999_999))
        #expect(link.position() == nil)
    }

    @Test(arguments: ["next", "back", "run", "blank", "timer", "jump 3"])
    func commandsReadBackAsWritten(line: String) {
        #expect(PresenterCommand(line: line)?.line == line)
    }

    @Test func theProjectorCarriesOutCommandsAsItsOwnKeys() {
        var projector = TutorState(lessons: notedLessons(), progress: LearnerProgress(learner: "ada", created: start), width: 80, height: 24, theme: Theme(depth: .xterm256, projector: true), now: start)
        _ = projector.perform(.next, now: start)
        #expect(projector.page == .lesson && projector.stepIndex == 0, "next on the lesson list opens the lesson")
        _ = projector.update(.terminal(.key(.character("?"))), now: start)
        _ = projector.perform(.next, now: start)
        #expect(!projector.showsHelp && projector.stepIndex == 1)
        _ = projector.perform(.next, now: start)
        #expect(projector.lessonIndex == 1, "past the last step into the next lesson")
        _ = projector.perform(.jump(1), now: start)
        #expect(projector.lessonIndex == 0 && projector.stepIndex == 0)
        #expect(projector.perform(.run, now: start) == [.run(token: 1, lessonIndex: 0, blockID: "blocks", tweaks: [:])])
        _ = projector.perform(.blank, now: start)
        #expect(projector.isBlanked)
        _ = projector.perform(.resetTimer, now: start.addingTimeInterval(30))
        #expect(projector.timerStart == start.addingTimeInterval(30))
        let position = projector.presenterPosition(processID: 7)
        #expect(position?.lessonID == "01-first" && position?.step == 0 && position?.isBlanked == true && position?.isInLesson == true)
    }

    @Test func thePresenterShowsNotesChecksAndWhatComesNext() {
        var state = PresenterState(lessons: notedLessons(), width: 80, height: 24, theme: Theme(depth: .xterm256), now: start)
        #expect(PresenterView(state: state).render().lines.contains { $0.contains("Waiting for the projector.") })
        #expect(state.update(.terminal(.key(.pageDown)), now: start).isEmpty, "nothing to drive yet")
        let position = PresenterPosition(
            lessonID: "01-first", step: 0, isInLesson: true, rowsBelow: 0, timerStart: start, isBlanked: false,
            checks: [.init(text: "mse < 1", passed: true, values: "mse = 0.5"), .init(text: "sqnr_db > 19", passed: nil, values: "")], processID: 1)
        _ = state.update(.position(position), now: start.addingTimeInterval(65))
        let lines = PresenterView(state: state).render().lines
        #expect(lines[0].contains("PRESENTER  01:05  lesson 1/2 · step 1/2"))
        #expect(lines.contains { $0.contains("Step 1/2: Blocks") })
        #expect(lines.contains { $0.contains("Ask the room first.") })
        #expect(lines.contains { $0.contains("✓ mse < 1   mse = 0.5") })
        #expect(lines.contains { $0.contains("· sqnr_db > 19   not run yet") })
        #expect(lines.contains { $0.contains("Next: step 2: After") })
        var below = position
        below.rowsBelow = 12
        _ = state.update(.position(below), now: start)
        #expect(PresenterView(state: state).render().lines.contains { $0.contains("Next: 12 more rows of this step, then step 2: After") })
    }

    @Test func thePresentersKeysBecomeCommands() {
        var state = PresenterState(lessons: sampleLessons(), width: 80, height: 24, theme: Theme(depth: .xterm256), now: start)
        _ = state.update(.position(PresenterPosition(lessonID: "01-first", step: 1, isInLesson: true, rowsBelow: 0, timerStart: start, isBlanked: false, checks: [], processID: 1)))
        func press(_ key: Key) -> [PresenterEffect] { state.update(.terminal(.key(key)), now: start) }
        #expect(press(.character(" ")) == [.send(.next)])
        #expect(press(.pageUp) == [.send(.back)])
        #expect(press(.character("r")) == [.send(.run)])
        #expect(press(.character("b")) == [.send(.blank)])
        #expect(press(.character("t")) == [.send(.resetTimer)])
        #expect(press(.character("g")).isEmpty && press(.character("2")).isEmpty)
        #expect(press(.enter) == [.send(.jump(2))])
        #expect(PresenterView(state: state).render().lines.contains { $0.contains("Next: lesson 2: Second") })
        #expect(press(.character("q")) == [.quit])
    }

    @Test(arguments: [(1, 1), (0, 0), (10, 3), (40, 12), (240, 70)])
    func everySizeRendersWithoutTrapping(width: Int, height: Int) {
        var state = PresenterState(lessons: notedLessons(), width: width, height: height, theme: Theme(depth: .ansi16), now: start)
        _ = state.update(.position(PresenterPosition(lessonID: "01-first", step: 0, isInLesson: true, rowsBelow: 0, timerStart: start, isBlanked: true, checks: [], processID: 1)))
        _ = state.update(.terminal(.key(.character("?"))))
        #expect(PresenterView(state: state).render().height == height)
        _ = state.update(.terminal(.key(.down)))
        #expect(PresenterView(state: state).render().width == width)
    }
}
