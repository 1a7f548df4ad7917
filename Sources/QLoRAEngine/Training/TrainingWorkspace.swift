/// Scratch memory shared by the layers of a training step, allocated once so a step allocates nothing.
///
/// Layers run one at a time, so they share the matrix kernel's panels; a packed weight is decoded
/// into those panels, so no layer needs a float32 copy of its weight.
public struct TrainingWorkspace {
    /// Panel scratch for `MatrixMultiply`.
    var panels: [Float]
    /// Threads the matrix kernel may use to split large products.
    public let threads: Int
    /// Weights of packed bases decoded in the products run with this scratch so far: what a QLoRA
    /// step really dequantizes, counted as the kernel decodes it.
    public internal(set) var dequantizedValues = 0
    /// Threads' shares of the frozen-base products run with this scratch, counted where a product
    /// was split: 0 while every product ran on one thread, and 2 more for each product two threads
    /// shared (each computes at least one piece of it). What shows that `threads` split the work.
    public internal(set) var parallelPartitions = 0

    /// Creates scratch for products on up to `threads` threads, at most one per core.
    public init(threads: Int = 1) {
        self.threads = max(1, min(threads, Cores.available))
        panels = [Float](repeating: 0, count: MatrixMultiply.panelScratchCount(threads: self.threads))
    }

    /// The bytes the scratch holds.
    public var bytes: Int { 4 * panels.count }

    /// Adds what a frozen-base product did to the counts.
    mutating func record(_ work: MatrixMultiply.Work) {
        dequantizedValues += work.packedValues
        parallelPartitions += work.parallelPartitions
    }

    /// Threads worth using for an `m` x `n` x `k` product when `available` may run: waking a
    /// second thread takes tens of microseconds, more than it saves below some sixteen million
    /// multiply-adds (T1's 5.2 million ran no faster on two cores than on one).
    static func threads(_ available: Int, m: Int, n: Int, k: Int) -> Int {
        m * n * k >= 1 << 24 ? available : 1
    }
}

extension TrainingWorkspace: Sendable {}
