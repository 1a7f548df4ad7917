import Foundation

/// Independent pieces of work spread over the machine's cores, each result kept in its own slot.
///
/// The checker's work items (lessons, a block's tweak values) are independent and each
/// deterministic, so results kept in the order given are the same on any number of cores.
final class ConcurrentSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    private init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// `work(0) ... work(count - 1)`, run concurrently, in index order.
    static func map(_ count: Int, _ work: @Sendable (Int) -> Value) -> [Value] {
        let results = ConcurrentSlots(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let value = work(index)
            results.lock.withLock { results.slots[index] = value }
        }
        return results.lock.withLock { results.slots.compactMap { $0 } }
    }
}
