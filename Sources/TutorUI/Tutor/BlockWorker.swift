import Foundation

/// The one thread that runs live blocks and judges computed answers for the tutor, one job at a
/// time in the order asked, so however fast the learner steps through tweaks the engine never runs
/// more than one block at once.
///
/// A job that is no longer wanted (a newer run of the same block cancelled it) still takes its
/// turn, but finds itself cancelled at the section's first check and ends at once.
final class BlockWorker {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var isStarted = false
    private var isStopping = false
    /// Jobs queued or running.
    private var unfinished = 0

    /// Queues `job` to run on the worker thread after those already queued.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.withLock {
            jobs.append(job)
            unfinished += 1
            if !isStarted {
                isStarted = true
                let thread = Thread { [self] in work() }
                thread.name = "qlora-tutor block worker"
                thread.start()
            }
            condition.broadcast()
        }
    }

    /// Waits until every job submitted so far has run.
    func waitUntilIdle() {
        condition.withLock {
            while unfinished > 0 { condition.wait() }
        }
    }

    /// Lets the thread end once the queue is empty; jobs submitted later are not run.
    func stop() {
        condition.withLock {
            isStopping = true
            condition.broadcast()
        }
    }

    private func work() {
        while let job = nextJob() {
            job()
            condition.withLock {
                unfinished -= 1
                condition.broadcast()
            }
        }
    }

    /// The next job, waiting for one; nil once stopped with nothing left.
    private func nextJob() -> (@Sendable () -> Void)? {
        condition.withLock {
            while jobs.isEmpty && !isStopping { condition.wait() }
            return jobs.isEmpty ? nil : jobs.removeFirst()
        }
    }
}

// Every stored property is read and written only under `condition`'s lock.
extension BlockWorker: @unchecked Sendable {}
