/// What a part of the model needs to run its products: panel scratch and the threads it may use.
struct LlamaKernelContext {
    /// Panel scratch for `MatrixMultiply`, enough for a product shared by all the threads.
    let panels: UnsafeMutableBufferPointer<Float>
    /// Room for the partial sums of an adapter's weight gradients (`LowRankWeightGradients`):
    /// empty when nothing trains adapters.
    let partials: UnsafeMutableBufferPointer<Float>
    /// Threads the large products may use.
    let available: Int

    /// Threads worth using for an `m` x `n` x `k` product: from about a million multiply-adds
    /// (some 40 microseconds on one core), since the worker pool's threads are usually awake
    /// between products (an adapter's 2048 x 128 x 8 is worth splitting; the pool, not
    /// Dispatch, is what makes it so).
    func threads(m: Int, n: Int, k: Int) -> Int { m * n * k >= 1 << 20 ? available : 1 }

    /// Runs `work` on blocks of `0..<rows` that together cover it, in parallel: for parts whose
    /// rows are independent. The blocks never depend on the thread count.
    func forEachBlock<Work: RowBlockWork>(of rows: Int, _ work: Work) {
        forEach(min(rows, 16), Blocks(rows: rows, blocks: min(rows, 16), work: work))
    }

    /// Runs `work` for every item in `0..<items`, on up to `available` threads, each thread
    /// taking every `available`-th item; items must write disjoint memory.
    func forEach<Work: ItemWork>(_ items: Int, _ work: Work) {
        let workers = max(1, min(available, items))
        WorkerPool.run(workers, Items(items: items, workers: workers, work: work))
    }

    /// Worker w's items: w, w + workers, ...
    private struct Items<Work: ItemWork>: ParallelWork {
        let items: Int
        let workers: Int
        let work: Work

        func run(worker: Int) {
            for item in stride(from: worker, to: items, by: workers) { work.run(item: item, worker: worker) }
        }
    }

    /// Block b of `rows` as an item: rows b·rows/blocks ..< (b + 1)·rows/blocks.
    private struct Blocks<Work: RowBlockWork>: ItemWork {
        let rows: Int
        let blocks: Int
        let work: Work

        func run(item block: Int, worker: Int) { work.run(rows: rows * block / blocks..<rows * (block + 1) / blocks) }
    }
}

/// A part of the model whose rows are independent, run a block of rows at a time.
protocol RowBlockWork {
    /// Computes the rows in `rows`, writing only theirs.
    func run(rows: Range<Int>)
}

/// Work on independent items, each told the worker that runs it (to pick its scratch).
protocol ItemWork {
    /// Computes item `item` on worker `worker`.
    func run(item: Int, worker: Int)
}

extension MatrixMultiply.Operand {
    /// A `rows` x `columns` matrix starting at `offset` in `buffer`, its rows `rowStride` apart:
    /// one head's slice of a [tokens, heads · width] activation.
    init(_ buffer: UnsafeBufferPointer<Float>, offset: Int, rows: Int, columns: Int, rowStride: Int) {
        let end = offset + (rows - 1) * rowStride + columns
        self.init(UnsafeBufferPointer(rebasing: buffer[offset..<end]), rows: 1, columns: end - offset)
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride
        self.columnStride = 1
    }
}
