import TutorLessons

/// A live block's latest run as the tutor shows it.
public struct BlockRun: Equatable {
    /// Where the run is.
    public enum Status: Equatable, Sendable {
        /// Running off the UI thread; `outputs` holds what it has reported so far.
        case running
        case finished(LiveRun)
        /// The learner stopped it; `outputs` holds what it had reported by then.
        case stopped
        /// The engine or the lesson reported a problem.
        case failed(String)
    }

    /// Matches results coming back from the worker to the run that asked for them.
    public var token: Int
    public var status: Status
    /// What to draw: the finished outputs, or the partial ones while running.
    public var outputs: [Output]

    public init(token: Int, status: Status, outputs: [Output] = []) {
        self.token = token
        self.status = status
        self.outputs = outputs
    }

    public var isRunning: Bool { status == .running }
}

extension BlockRun: Sendable {}
