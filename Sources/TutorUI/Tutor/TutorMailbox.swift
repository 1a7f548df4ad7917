import Foundation

/// Where worker threads leave events for the UI loop, and where the loop marks runs as cancelled.
final class TutorMailbox {
    private let lock = NSLock()
    private var events: [TutorEvent] = []
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

    func cancel(_ token: Int) { lock.withLock { _ = cancelled.insert(token) } }

    func isCancelled(_ token: Int) -> Bool { lock.withLock { cancelled.contains(token) } }

    /// Counts work in flight, so the loop polls quickly only while something may arrive.
    func begin() { lock.withLock { pending += 1 } }
    func end() { lock.withLock { pending -= 1 } }
    var hasPendingWork: Bool { lock.withLock { pending > 0 || !events.isEmpty } }
}

// Every stored property is read and written only inside `lock.withLock`, so worker threads and the
// UI loop never touch them at the same time.
extension TutorMailbox: @unchecked Sendable {}
