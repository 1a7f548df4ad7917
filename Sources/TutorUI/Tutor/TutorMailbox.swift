import Foundation

/// Where worker threads leave events for the UI loop, and where the loop marks runs as cancelled.
final class TutorMailbox {
    private let lock = NSLock()
    private var events: [TutorEvent] = []
    /// The tokens of runs whose worker has not ended yet.
    private var running: Set<Int> = []
    /// The running tokens the loop has cancelled; a token leaves when its worker ends, since
    /// nothing posts or asks under it after that, so the set never outgrows the runs in flight.
    private var cancelled: Set<Int> = []
    private var pending = 0

    /// Leaves an event for the loop; dropped when it belongs to a cancelled run.
    func post(_ event: TutorEvent, token: Int? = nil) {
        lock.withLock {
            if let token, cancelled.contains(token) { return }
            events.append(event)
        }
    }

    /// Every event left since the last call.
    func take() -> [TutorEvent] {
        lock.withLock {
            defer { events.removeAll() }
            return events
        }
    }

    /// Marks a run as cancelled; a run whose worker has already ended has nothing left to stop.
    func cancel(_ token: Int) {
        lock.withLock {
            if running.contains(token) { cancelled.insert(token) }
        }
    }

    func isCancelled(_ token: Int) -> Bool { lock.withLock { cancelled.contains(token) } }

    /// How many cancelled runs the mailbox remembers.
    var cancelledCount: Int { lock.withLock { cancelled.count } }

    /// Counts work in flight, so the loop polls quickly only while something may arrive; `token`
    /// names the run the work is, when it is one.
    func begin(token: Int? = nil) {
        lock.withLock {
            pending += 1
            if let token { running.insert(token) }
        }
    }

    /// Ends what `begin(token:)` began, forgetting the run's token.
    func end(token: Int? = nil) {
        lock.withLock {
            pending -= 1
            if let token {
                running.remove(token)
                cancelled.remove(token)
            }
        }
    }

    var hasPendingWork: Bool { lock.withLock { pending > 0 || !events.isEmpty } }
}

// Every stored property is read and written only inside `lock.withLock`, so worker threads and the
// UI loop never touch them at the same time.
extension TutorMailbox: @unchecked Sendable {}
