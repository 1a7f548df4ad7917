import Dispatch
import Testing
@testable import QLoRAEngine

/// The pool runs every worker of a loop exactly once, from one caller or several at a time, and
/// a loop started inside a worker still runs (on Dispatch's threads).
@Suite struct WorkerPoolTests {
    /// Adds one to slot `worker` of a buffer, and the inner loop's workers to slots past it.
    struct Count: ParallelWork {
        let slots: UnsafeMutableBufferPointer<Int>
        let inner: Int

        func run(worker: Int) {
            slots[worker] += 1
            if inner > 0 {
                let rest = UnsafeMutableBufferPointer(rebasing: slots[(worker + 1) * 100..<(worker + 2) * 100])
                WorkerPool.run(inner, Count(slots: rest, inner: 0))
            }
        }
    }

    @Test(arguments: [1, 2, 3, 8])
    func everyWorkerRunsOnce(workers: Int) {
        var slots = [Int](repeating: 0, count: 1000)
        slots.withUnsafeMutableBufferPointer { slots in
            for _ in 0..<200 { WorkerPool.run(workers, Count(slots: slots, inner: 0)) }
        }
        #expect(slots.prefix(workers).allSatisfy { $0 == 200 })
        #expect(slots.dropFirst(workers).allSatisfy { $0 == 0 })
    }

    @Test func nestedAndConcurrentLoopsAllRun() {
        let callers = 4
        var slots = [[Int]](repeating: [Int](repeating: 0, count: 400), count: callers)
        slots.withUnsafeMutableBufferPointer { perCaller in
            nonisolated(unsafe) let perCaller = perCaller
            DispatchQueue.concurrentPerform(iterations: callers) { caller in
                perCaller[caller].withUnsafeMutableBufferPointer { slots in
                    for _ in 0..<50 { WorkerPool.run(2, Count(slots: slots, inner: 3)) }
                }
            }
        }
        for caller in slots {
            #expect(caller[0] == 50 && caller[1] == 50)
            #expect(caller[100..<103].allSatisfy { $0 == 50 } && caller[200..<203].allSatisfy { $0 == 50 })
        }
    }
}
