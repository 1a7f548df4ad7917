import Foundation

/// The cores the engine's parallel loops may spread over.
enum Cores {
    /// The cores this process may use, read once: asking Foundation allocates every time.
    static let available = max(1, ProcessInfo.processInfo.activeProcessorCount)
}
