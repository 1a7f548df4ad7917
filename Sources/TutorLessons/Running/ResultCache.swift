/// The most recently used results, at most `capacity` of them: the least recently used one makes
/// room for a new one.
///
/// Not thread-safe on its own; `LessonRunner` keeps it under its lock.
struct ResultCache<Key: Hashable, Value> {
    /// The most entries kept.
    let capacity: Int
    private var entries: [Key: Value] = [:]
    /// Keys from least to most recently used.
    private var order: [Key] = []

    init(capacity: Int) {
        self.capacity = max(capacity, 0)
    }

    /// The value for `key`, now the most recently used; nil when it is not kept.
    mutating func value(for key: Key) -> Value? {
        guard let value = entries[key] else { return nil }
        touch(key)
        return value
    }

    /// Keeps `value` for `key`, dropping the least recently used entry when full.
    mutating func insert(_ value: Value, for key: Key) {
        guard capacity > 0 else { return }
        if entries.updateValue(value, forKey: key) != nil {
            touch(key)
            return
        }
        order.append(key)
        if order.count > capacity {
            entries[order.removeFirst()] = nil
        }
    }

    /// How many entries are kept.
    var count: Int { entries.count }

    /// Whether `key` is kept, without marking it used.
    func contains(_ key: Key) -> Bool { entries[key] != nil }

    private mutating func touch(_ key: Key) {
        if let index = order.firstIndex(of: key) { order.remove(at: index) }
        order.append(key)
    }
}

extension ResultCache: Sendable where Key: Sendable, Value: Sendable {}
