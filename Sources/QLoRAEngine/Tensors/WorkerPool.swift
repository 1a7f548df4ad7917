import CQLoRAKernels
import Dispatch

/// Where the engine's parallel loops run: threads started once (`WorkerPool.c`), so that a loop
/// allocates nothing and usually finds its threads awake.
enum WorkerPool {
    /// Helpers for every core but the caller's, started on first use.
    nonisolated(unsafe) private static let pool = qlora_worker_pool_create(Int32(min(Cores.available - 1, 63)))

    /// Calls `body(worker)` for every worker in `0..<workers` in parallel and returns when all
    /// have returned; the workers must write disjoint memory.
    ///
    /// The pool runs one loop at a time. A loop that finds it busy (another caller's loop, or one
    /// nested inside a worker) runs on Dispatch's threads instead: the same calls, the same bits.
    @inline(never)
    static func run(_ workers: Int, _ body: (Int) -> Void) {
        guard workers > 1 else {
            if workers == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = body
            let ran = withUnsafeMutablePointer(to: &job) { job in
                qlora_worker_pool_run(
                    pool,
                    { context, worker in context.unsafelyUnwrapped.assumingMemoryBound(to: ((Int) -> Void).self).pointee(worker) },
                    job, workers)
            }
            if ran == 0 {
                nonisolated(unsafe) let body = body
                DispatchQueue.concurrentPerform(iterations: workers) { body($0) }
            }
        }
    }
}
