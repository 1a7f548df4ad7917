import Foundation
import Testing
@testable import TutorUI

/// A record of the jobs that ran, shared with the worker thread.
private final class JobLog: @unchecked Sendable {
    private let lock = NSLock()
    private var active = 0
    private(set) var mostAtOnce = 0
    private(set) var order: [Int] = []

    func run(_ job: Int) {
        lock.withLock {
            active += 1
            mostAtOnce = max(mostAtOnce, active)
        }
        Thread.sleep(forTimeInterval: 0.001)
        lock.withLock {
            active -= 1
            order.append(job)
        }
    }
}

@Suite struct BlockWorkerTests {
    @Test func runsOneJobAtATimeInTheOrderAsked() {
        let worker = BlockWorker()
        let log = JobLog()
        for job in 0..<20 { worker.submit { log.run(job) } }
        worker.waitUntilIdle()
        worker.stop()
        #expect(log.order == Array(0..<20))
        #expect(log.mostAtOnce == 1)
    }

    @Test func aStoppedWorkerFinishesWhatWasQueuedFirst() {
        let worker = BlockWorker()
        let log = JobLog()
        worker.submit { log.run(1) }
        worker.submit { log.run(2) }
        worker.stop()
        worker.waitUntilIdle()
        #expect(log.order == [1, 2])
    }
}
