import QLoRAEngine

extension StepMemorySection {
    /// What the `step-memory` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case timeline, summary

        public var summary: String {
            switch self {
            case .timeline: "GPU memory through one training step without paging, the least it needs with paged optimizer states, and `gpu_gb`."
            case .summary: "The parts, the peaks with and without paging and where they occur, what is paged and evicted."
            }
        }
    }

    /// The numbers the `step-memory` section takes from the engine's `StepMemoryTimeline`.
    public enum ResultKey: String, SectionResultKey {
        case peakGB = "peak_gb"
        case pagedPeakGB = "paged_peak_gb"
        case pagingSavesGB = "paging_saves_gb"
        case peakEvent = "peak_event"
        case pagedPeakEvent = "paged_peak_event"
        case peakAtOptimizerStep = "peak_at_optimizer_step"
        case pagedPeakAtOptimizerStep = "paged_peak_at_optimizer_step"
        case events
        case staticGB = "static_gb"
        case activationsPeakGB = "activations_peak_gb"
        case gradientsGB = "gradients_gb"
        case optimizerStatesGB = "optimizer_states_gb"
        case pagedStatesGB = "paged_states_gb"
        case evictedGB = "evicted_gb"
        case fitsWithoutPaging = "fits_without_paging"
        case fitsWithPaging = "fits_with_paging"

        public var name: String { rawValue }

        /// The number of events follows from the layer count alone.
        public var provenance: ResultProvenance { self == .events ? .given : .measured }

        public var summary: String {
            switch self {
            case .peakGB: "The step's highest GPU memory with ordinary optimizer states, in GB."
            case .pagedPeakGB: "The least the peak comes down to with paged states: they need the GPU only at the optimizer step."
            case .pagingSavesGB: "`peak_gb - paged_peak_gb`."
            case .peakEvent: "The event (counted from 0: start, one per block forward, loss, one per block backward, optimizer step) where the peak first occurs."
            case .pagedPeakEvent: "The same for the peak with paging."
            case .peakAtOptimizerStep: "1 when the peak without paging is at the optimizer step, else 0."
            case .pagedPeakAtOptimizerStep: "1 when the peak with paging is at the optimizer step, else 0."
            case .events: "The number of events in the step."
            case .staticGB: "What the GPU holds all step: weights, constants, adapters, optimizer states."
            case .activationsPeakGB: "The most activations held at once."
            case .gradientsGB: "The adapters' gradients, all present at the optimizer step."
            case .optimizerStatesGB: "The optimizer's states, paged or not."
            case .pagedStatesGB: "The part bitsandbytes pages: states of tensors of at least 100,000 values."
            case .evictedGB: "The most paged states in CPU memory at once on a `gpu_gb` GPU."
            case .fitsWithoutPaging: "1 when `peak_gb` fits `gpu_gb`, else 0."
            case .fitsWithPaging: "1 when `paged_peak_gb` fits `gpu_gb`, else 0."
            }
        }
    }
}
