/// Which common GPU memory sizes hold a training run.
///
/// Capacities are decimal gigabytes (10^9 bytes), as GPU vendors quote them. A card sold as 24 GB
/// actually carries about 24 GiB, but the CUDA context, the allocator's caching and fragmentation
/// take a share of that, so the decimal figure is the safer line to compare against.
public struct GPUFit: Equatable {
    /// The memory sizes of common GPUs, in gigabytes: 8 (RTX 4060), 12 (RTX 3060), 16 (T4, RTX 4080),
    /// 24 (RTX 3090/4090, A10), 40 (A100 40GB), 48 (A6000, L40S), 80 (A100/H100 80GB).
    public static let capacitiesInGigabytes = [8, 12, 16, 24, 40, 48, 80]

    /// The bytes that must fit.
    public var bytes: Int

    /// Creates the fit of `bytes` against the common capacities.
    public init(bytes: Int) {
        self.bytes = bytes
    }

    /// The capacities, in gigabytes, that hold `bytes`.
    public var fittingCapacities: [Int] {
        Self.capacitiesInGigabytes.filter { bytes <= $0 * 1_000_000_000 }
    }

    /// The smallest capacity that holds `bytes`, or nil when not even the largest does.
    public var smallestFittingCapacity: Int? { fittingCapacities.first }
}

extension GPUFit: Sendable {}
