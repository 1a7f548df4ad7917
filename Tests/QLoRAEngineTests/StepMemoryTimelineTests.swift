import Testing
@testable import QLoRAEngine

@Suite struct StepMemoryTimelineTests {
    typealias Configuration = MemoryEstimate.Configuration

    static func timeline(
        _ model: String = "llama-2-7b", seq: Int = 2048, checkpointing: Bool = false, rank: Int = 16,
        _ change: (inout Configuration) -> Void = { _ in }
    ) throws -> StepMemoryTimeline {
        var configuration = Configuration(
            model: try ModelArchitecture.named(model), method: .qlora(.init()), rank: rank, alpha: Double(rank),
            targets: LinearModule.allCases, sequenceLength: seq, gradientCheckpointing: checkpointing)
        change(&configuration)
        return try StepMemoryTimeline(configuration)
    }

    /// Start, every block forward, the loss, every block backward, the optimizer step.
    @Test func theStepRunsForwardThroughEveryBlockAndBackAgain() throws {
        let timeline = try Self.timeline()
        #expect(timeline.events.count == 2 * 32 + 3)
        #expect(timeline.events.first?.name == "start")
        #expect(timeline.events[1].name == "forward, block 1")
        #expect(timeline.events[34].name == "backward, block 32")
        #expect(timeline.events.last?.name == "optimizer step")
    }

    /// The activations the forward pass piles up are `MemoryEstimate`'s, and the backward pass frees them all.
    @Test(arguments: [false, true])
    func theActivationsPeakAtTheEstimatesTotal(checkpointing: Bool) throws {
        let timeline = try Self.timeline(checkpointing: checkpointing)
        let activations = timeline.events.map(\.activationBytes)
        #expect(activations.max() == timeline.estimate.activations.total)
        #expect(timeline.events.first?.activationBytes == 0 && timeline.events.last?.activationBytes == 0)
        #expect(timeline.events.last?.gradientBytes == timeline.estimate[.gradients].bytes)
        let forward = timeline.events.filter { $0.phase == .forward }.map(\.activationBytes)
        #expect(forward == forward.sorted(), "the forward pass only adds")
    }

    /// Without paging, the peak is the whole estimate but for the gradients of the blocks not yet reached.
    @Test func withoutPagingThePeakIsAtTheLossWithLongSequences() throws {
        let timeline = try Self.timeline()
        let peak = timeline.peakWithoutPaging
        #expect(timeline.events[peak.eventIndex].phase == .loss)
        #expect(peak.bytes == timeline.estimate.total.bytes - timeline.estimate[.gradients].bytes)
    }

    /// bitsandbytes pages only tensors of 100,000 values or more: at r = 16 on Llama-2 7B that is the
    /// MLP's A of down_proj and B of gate_proj and up_proj (16 x 11008 each), not the attention's 16 x 4096.
    @Test func onlyLargeTensorsStatesArePaged() throws {
        let timeline = try Self.timeline()
        #expect(timeline.pageableStateBytes == 8 * 3 * 16 * 11008 * 32)
        #expect(timeline.pageableStateBytes < timeline.estimate[.optimizerStates].bytes)
        let rankOne = try Self.timeline(rank: 1)
        #expect(rankOne.pageableStateBytes == 0, "at r = 1 no adapter matrix reaches 100,000 values")
        #expect(rankOne.peakWithPaging == rankOne.peakWithoutPaging)
    }

    /// With paging the peak is the larger of the activation peak and the optimizer step, never their sum.
    @Test func pagingLowersThePeakByThePagedStatesWhenActivationsDominate() throws {
        let timeline = try Self.timeline("llama-65b", seq: 2048, rank: 64)
        let unpaged = timeline.peakWithoutPaging, paged = timeline.peakWithPaging
        #expect(paged.bytes == unpaged.bytes - timeline.pageableStateBytes)
        #expect(timeline.events[paged.eventIndex].phase == .loss)
        // Short sequences: the activations are small, and the step itself is the peak paging cannot lower.
        let short = try Self.timeline("llama-65b", seq: 16, rank: 64)
        #expect(short.events[short.peakWithPaging.eventIndex].phase == .optimizerStep)
        #expect(short.peakWithoutPaging.bytes - short.peakWithPaging.bytes < short.pageableStateBytes)
    }

    /// Pages leave the GPU only under pressure, only as many as do not fit, and all are back for the step.
    @Test func evictionFollowsTheCapacity() throws {
        let timeline = try Self.timeline("llama-65b", seq: 2048, rank: 64)
        let roomy = timeline.peakWithoutPaging.bytes
        #expect(timeline.mostEvictedBytes(capacity: roomy) == 0)
        let tight = timeline.peakWithPaging.bytes
        #expect(timeline.mostEvictedBytes(capacity: tight) == timeline.pageableStateBytes)
        for event in timeline.events {
            #expect(timeline.bytesWithPaging(event, capacity: tight) <= tight)
        }
        let step = try #require(timeline.events.last)
        #expect(timeline.bytesWithPaging(step, capacity: tight) == timeline.bytesWithoutPaging(step))
    }

    @Test func fullFineTuningIsRejected() throws {
        #expect(throws: InputError.self) {
            try StepMemoryTimeline(Configuration(model: try ModelArchitecture.named("llama-2-7b"), method: .fullMixedPrecision))
        }
    }
}
