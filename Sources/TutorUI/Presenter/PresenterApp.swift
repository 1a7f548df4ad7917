import Foundation
import TutorLessons

/// `--presenter`: the teacher's own terminal, following the projector through a `PresenterLink`.
public struct PresenterApp {
    public var course: Course
    public var link: PresenterLink
    public var isLight: Bool
    public var environment: [String: String]

    /// How often the presenter looks for the projector's new position, in milliseconds.
    static let pollInterval: Int32 = 100

    public init(course: Course, link: PresenterLink, isLight: Bool, environment: [String: String]) {
        self.course = course
        self.link = link
        self.isLight = isLight
        self.environment = environment
    }

    /// Runs until the teacher quits. Throws `NCursesBackend.Unavailable` before touching the terminal when it cannot be used.
    public func run() throws {
        let backend = try NCursesBackend(environment: environment)
        defer { backend.close() }
        let theme = Theme(depth: backend.depth, light: isLight)
        var state = PresenterState(lessons: course.lessons, width: backend.size.width, height: backend.size.height, theme: theme)
        while true {
            let position = link.position()
            if position != state.position { _ = state.update(.position(position)) }
            backend.draw(PresenterView(state: state).render())
            let event = backend.nextEvent(timeout: Self.pollInterval).map(PresenterEvent.terminal) ?? .tick
            for effect in state.update(event) {
                switch effect {
                case .quit: return
                case .redraw: backend.invalidate()
                case .send(let command):
                    do {
                        try link.send(command)
                    } catch {
                        state.message = "Could not reach the projector: \(error.localizedDescription)"
                    }
                }
            }
        }
    }
}
