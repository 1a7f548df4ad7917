import CQLoRAKernels
import Dispatch

/// What one worker of a parallel loop computes.
///
/// A value, not a closure: handing a closure to other threads makes Swift box it on the heap,
/// and the engine's loops allocate nothing after their first step.
protocol ParallelWork {
    /// Computes worker `worker`'s share.
    func run(worker: Int)
}

/// Where the engine's parallel loops run: threads started once (`WorkerPool.c`), so that a loop
/// allocates nothing and usually finds its threads awake.
enum WorkerPool {
    /// Helpers for every core but the caller's, started on first use.
    nonisolated(unsafe) private static let pool = qlora_worker_pool_create(Int32(min(Cores.available - 1, 63)))

    /// Runs `work` for every worker in `0..<workers` in parallel and returns when all have
    /// finished; the workers must write disjoint memory.
    ///
    /// The pool runs one loop at a time. A loop that finds it busy (another caller's loop, or one
    /// nested inside a worker) runs on Dispatch's threads instead: the same calls, the same bits.
    static func run<Work: ParallelWork>(_ workers: Int, _ work: Work) {
        guard workers > 1 else {
            if workers == 1 { work.run(worker: 0) }
            return
        }
        withUnsafePointer(to: work) { work in
            // The C pool calls back one function for every kind of work: through an existential
            // small enough to hold inline, so nothing is boxed.
            var job: any ParallelWork = Borrowed(work: work)
            let ran = withUnsafeMutablePointer(to: &job) { job in
                qlora_worker_pool_run(
                    pool,
                    { job, worker in job.unsafelyUnwrapped.assumingMemoryBound(to: (any ParallelWork).self).pointee.run(worker: worker) },
                    job, workers)
            }
            if ran == 0 {
                nonisolated(unsafe) let work = work
                DispatchQueue.concurrentPerform(iterations: workers) { work.pointee.run(worker: $0) }
            }
        }
    }

    /// Runs `body` on the pieces `worker` takes of `0..<pieces` shared by `workers`: its own
    /// first (piece `worker`), then each next one it claims from `next` (a counter starting at
    /// 0), so a thread the machine slows down takes fewer. Which thread takes a piece must never
    /// change a result.
    @inline(__always)
    static func forEachPiece(
        worker: Int, of workers: Int, pieces: Int, next: UnsafeMutablePointer<Int>, _ body: (Int) -> Void
    ) {
        var piece = worker
        while piece < pieces {
            body(piece)
            piece = workers + qlora_claim_next(next)
        }
    }

    /// Work read through a pointer: one word, however large the work.
    private struct Borrowed<Work: ParallelWork>: ParallelWork {
        let work: UnsafePointer<Work>
        func run(worker: Int) { work.pointee.run(worker: worker) }
    }
}
