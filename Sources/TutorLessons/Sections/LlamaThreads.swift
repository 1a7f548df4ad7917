import Foundation

/// Threads the sections that run the shipped Llama give the engine's kernels: every core.
///
/// The engine's results do not depend on the count, so a block computes the same, bit for bit,
/// on any machine; more cores only make it sooner.
enum LlamaThreads {
    static let count = max(1, ProcessInfo.processInfo.activeProcessorCount)
}
