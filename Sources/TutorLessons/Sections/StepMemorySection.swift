import Foundation
import QLoRAEngine

/// The `step-memory` section: GPU memory through one LoRA or QLoRA training step of a real
/// architecture, and what bitsandbytes' paged optimizers do to its peak (the engine's `StepMemoryTimeline`).
public struct StepMemorySection: LessonSection {
    public init() {}

    public let name = "step-memory"
    public let summary = "GPU memory through one training step (weights, activations, gradients, optimizer states) with and without paged optimizer states."

    public var parameters: [ParameterSpec] {
        let powersOfTwo = { (range: ClosedRange<Int>) in ParameterDomain.numbers(range.map { pow(2, Double($0)) }) }
        return [
            ParameterSpec(
                name: "model", summary: "The architecture, from its `config.json`.",
                domain: .choices(ModelArchitecture.known.map(\.name)), defaultValue: .word("llama-2-7b")),
            ParameterSpec(
                name: "method", summary: "qlora (4-bit NF4 base, double quantization, blocks of 64) or lora (16-bit base).",
                domain: .choices(["qlora", "lora"]), defaultValue: .word("qlora")),
            ParameterSpec(name: "rank", summary: "LoRA's rank r.", domain: powersOfTwo(0...10), defaultValue: .number(16)),
            ParameterSpec(
                name: "targets", summary: "The linear layers that get adapters, as peft's `target_modules`.",
                domain: .choices(MemoryTableSection.targetSets.map(\.targets)), defaultValue: .word(LinearModule.allLinearName)),
            ParameterSpec(name: "seq_len", summary: "Tokens per sequence.", domain: powersOfTwo(0...17), defaultValue: .number(512)),
            ParameterSpec(name: "batch", summary: "Sequences per step.", domain: powersOfTwo(0...8), defaultValue: .number(1)),
            .flag(name: "checkpointing", summary: "Gradient checkpointing: keep each block's input and recompute the rest.", defaultValue: false),
            ParameterSpec(
                name: "optimizer", summary: "adam (m and v in float32) or adam-8bit.",
                domain: .choices([MemoryEstimate.Optimizer.adam.rawValue, MemoryEstimate.Optimizer.adam8bit.rawValue]),
                defaultValue: .word("adam")),
            ParameterSpec(
                name: "gpu_gb", summary: "The GPU's memory in GB, for the eviction and the fit.",
                domain: .numbers(MemoryTableSection.gpuSizesInGigabytes.map(Double.init)), defaultValue: .number(24)),
        ] + MemoryTableSection.activationSettingParameters
    }

    public func run(
        _ parameters: ParameterValues, request: SectionRequest<Self>, progress: (SectionProgress) -> Void, isCancelled: () -> Bool
    ) throws -> SectionRun<Self> {
        try checkCancellation(isCancelled)
        // The QLoRA paper's 4-bit base: NF4, blocks of 64, double quantization.
        let method: MemoryEstimate.Method = try parameters.word("method") == "lora" ? .lora : .qlora(.init())
        let configuration = try MemoryTableSection.configuration(parameters, method: method)
        let timeline = try StepMemoryTimeline(configuration)
        let estimate = timeline.estimate
        let capacity = try parameters.integer("gpu_gb") * 1_000_000_000
        let peak = timeline.peakWithoutPaging, paged = timeline.peakWithPaging
        let lastEvent = timeline.events.count - 1
        let gigabytes = { (bytes: Int) in Double(bytes) / 1e9 }

        var run = SectionRun<Self>()
        run.results = [
            .peakGB: gigabytes(peak.bytes),
            .pagedPeakGB: gigabytes(paged.bytes),
            .pagingSavesGB: gigabytes(peak.bytes - paged.bytes),
            .peakEvent: Double(peak.eventIndex),
            .pagedPeakEvent: Double(paged.eventIndex),
            .peakAtOptimizerStep: peak.eventIndex == lastEvent ? 1 : 0,
            .pagedPeakAtOptimizerStep: paged.eventIndex == lastEvent ? 1 : 0,
            .events: Double(timeline.events.count),
            .staticGB: gigabytes(timeline.events[0].residentBytes + timeline.pageableStateBytes),
            .activationsPeakGB: gigabytes(timeline.events.map(\.activationBytes).max() ?? 0),
            .gradientsGB: estimate[.gradients].gigabytes,
            .optimizerStatesGB: estimate[.optimizerStates].gigabytes,
            .pagedStatesGB: gigabytes(timeline.pageableStateBytes),
            .evictedGB: gigabytes(timeline.mostEvictedBytes(capacity: capacity)),
            .fitsWithoutPaging: peak.bytes <= capacity ? 1 : 0,
            .fitsWithPaging: paged.bytes <= capacity ? 1 : 0,
        ]
        let title = MemoryTableSection.title(of: configuration)
        for key in request.outputs {
            switch key {
            case .timeline: run.outputs[key] = [Self.timelineChart(timeline, capacity: capacity, title: title)]
            case .summary: run.outputs[key] = [Self.summaryTable(timeline, capacity: capacity, title: title)]
            }
        }
        return run
    }
}

extension StepMemorySection {
    /// GPU memory at every event without paging, the least it needs with paged states (out of the GPU
    /// until the optimizer step), and the GPU's size as a flat line. The driver evicts only under
    /// pressure, so on a roomy GPU the states stay; the second line shows what paging makes room for.
    static func timelineChart(_ timeline: StepMemoryTimeline, capacity: Int, title: String) -> Output {
        let gigabytes = { (bytes: Int) in Float(Double(bytes) / 1e9) }
        let events = timeline.events
        return .series(Series(
            title: "\(title): GPU memory through one step (GB)",
            xLabel: "forward → loss → backward → optimizer step",
            yLabel: "GB",
            lines: [
                .init(name: "no paging", values: events.map { gigabytes(timeline.bytesWithoutPaging($0)) }),
                .init(name: "with paging", values: events.map { gigabytes(timeline.bytesNeededWithPaging($0)) }),
                .init(name: "GPU", values: events.map { _ in gigabytes(capacity) }),
            ],
            legendValue: .peak))
    }

    /// The peaks and where they fall, and what paging moves.
    static func summaryTable(_ timeline: StepMemoryTimeline, capacity: Int, title: String) -> Output {
        let bytes = { (value: Int) in NumberFormat.gigabytes(Double(value)) }
        let peak = timeline.peakWithoutPaging, paged = timeline.peakWithPaging
        let estimate = timeline.estimate
        let staticBytes = timeline.events[0].residentBytes + timeline.pageableStateBytes
        let rows: [[String]] = [
            ["held all step (weights, constants, adapters, states)", bytes(staticBytes)],
            ["  of which optimizer states", bytes(estimate[.optimizerStates].bytes)],
            ["  of which paged (tensors of 100,000 values or more)", bytes(timeline.pageableStateBytes)],
            ["most activations at once", bytes(timeline.events.map(\.activationBytes).max() ?? 0)],
            ["gradients at the optimizer step", bytes(estimate[.gradients].bytes)],
            ["peak without paging, at " + timeline.events[peak.eventIndex].name, bytes(peak.bytes)],
            ["peak with paged states, at " + timeline.events[paged.eventIndex].name, bytes(paged.bytes)],
            ["paged states evicted to CPU memory on \(capacity / 1_000_000_000) GB", bytes(timeline.mostEvictedBytes(capacity: capacity))],
        ]
        return .table(OutputTable(title: title, headers: ["", "memory"], alignments: [.left, .right], rows: rows))
    }
}
