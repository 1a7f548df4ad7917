import Testing
@testable import QLoRAEngine

@Suite struct MemoryEstimateTests {
    typealias Configuration = MemoryEstimate.Configuration

    static func llama7b() throws -> ModelArchitecture { try ModelArchitecture.named("llama-2-7b") }

    static func estimate(_ method: MemoryEstimate.Method, _ change: (inout Configuration) -> Void = { _ in }) throws
        -> MemoryEstimate
    {
        var configuration = Configuration(model: try llama7b(), method: method)
        change(&configuration)
        return try MemoryEstimate(configuration)
    }

    /// ZeRO's 2 + 2 + 12: mixed-precision Adam is 16 bytes per parameter before activations.
    @Test func mixedPrecisionAdamIsSixteenBytesPerParameter() throws {
        let estimate = try Self.estimate(.fullMixedPrecision)
        let parameters = try Self.llama7b().parameterCount
        #expect(estimate.totalBeforeActivations.bytes == 16 * parameters)
        #expect(estimate[.weights].bytes == 2 * parameters)
        #expect(estimate[.gradients].bytes == 2 * parameters)
        #expect(estimate[.optimizerStates].bytes == 12 * parameters)
        #expect(estimate[.adapterWeights].bytes == 0)
    }

    /// fp32 Adam is 4 + 4 + 8, also 16 bytes per parameter: the notebook's own formula.
    @Test func fp32AdamIsSixteenBytesPerParameter() throws {
        let estimate = try Self.estimate(.fullFP32)
        let parameters = try Self.llama7b().parameterCount
        #expect(estimate[.weights].bytes == 4 * parameters)
        #expect(estimate.totalBeforeActivations.bytes == 16 * parameters)
    }

    @Test(arguments: [
        (MemoryEstimate.Optimizer.adam, 16), (.adam8bit, 10), (.sgd, 8),
    ])
    func optimizerChangesMixedPrecisionBytesPerParameter(optimizer: MemoryEstimate.Optimizer, bytes: Int) throws {
        let estimate = try Self.estimate(.fullMixedPrecision) { $0.optimizer = optimizer }
        #expect(estimate.totalBeforeActivations.bytes == bytes * (try Self.llama7b().parameterCount))
    }

    @Test func loraKeepsA16BitBaseAndFloat32Adapters() throws {
        let estimate = try Self.estimate(.lora)
        let adapters = 4_194_304
        #expect(estimate.parameters.trainable == adapters)
        #expect(estimate[.weights].bytes == 2 * 6_738_415_616)
        #expect(estimate[.adapterWeights].bytes == 4 * adapters)
        #expect(estimate[.gradients].bytes == 4 * adapters)
        #expect(estimate[.optimizerStates].bytes == 8 * adapters)
        #expect(estimate[.quantizationConstants].bytes == 0)
    }

    /// The 4-bit base: decoder linear weights at half a byte, everything else 16-bit.
    @Test func qloraWeightsQuantizeOnlyDecoderLinearLayers() throws {
        let estimate = try Self.estimate(.qlora(.init()))
        let quantized = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008)
        let sixteenBit = 2 * 32000 * 4096 + 32 * 2 * 4096 + 4096
        #expect(estimate[.weights].bytes == quantized / 2 + 2 * sixteenBit)
    }

    /// Constants from the block counts of each matrix: 4096x4096 and 4096x11008, blocks of 64.
    @Test func doubleQuantizedConstantsCountCodesScalesAndOffsets() throws {
        let estimate = try Self.estimate(.qlora(.init(dataType: .nf4, blocksize: 64, doubleQuantization: true)))
        func constants(_ values: Int) -> Int {
            let blocks = values / 64
            return blocks + 4 * ((blocks + 255) / 256) + 4
        }
        let perLayer = 4 * constants(4096 * 4096) + 3 * constants(4096 * 11008)
        #expect(estimate[.quantizationConstants].bytes == 32 * perLayer)
    }

    @Test func plainConstantsAreHalfABitPerValue() throws {
        let estimate = try Self.estimate(.qlora(.init(dataType: .fp4, blocksize: 64, doubleQuantization: false)))
        let quantized = try Self.llama7b().quantizedParameters
        #expect(8 * estimate[.quantizationConstants].bytes * 2 == quantized)
    }

    /// The QLoRA paper's 4 + 8/64 + 32/(64*256) = 4.127 bits per parameter, plus one float32 offset per matrix.
    @Test func doubleQuantizationIsThePapers4Point127BitsPlusOffsets() throws {
        let estimate = try Self.estimate(.qlora(.init()))
        let quantized = try Self.llama7b().quantizedParameters
        let matrices = 7 * 32
        #expect(estimate[.quantizationConstants].bytes == quantized / 64 + 4 * quantized / (64 * 256) + 4 * matrices)
        let bits = 4 + 8 * Double(estimate[.quantizationConstants].bytes) / Double(quantized)
        let offsetBits = Double(32 * matrices) / Double(quantized)
        #expect(abs(bits - (4 + 8.0 / 64 + 32.0 / (64 * 256) + offsetBits)) < 1e-12)
    }

    @Test func partialLastBlocksAreCounted() {
        let base = MemoryEstimate.FourBitBase(dataType: .nf4, blocksize: 64, doubleQuantization: false)
        #expect(base.quantizationConstantBytes(count: 65) == 8)
        #expect(base.packedBytes(count: 33) == 17)
        let nested = MemoryEstimate.FourBitBase(blocksize: 64, doubleQuantization: true)
        #expect(nested.quantizationConstantBytes(count: 64 * 257) == 257 + 4 * 2 + 4)
    }

    @Test func activationsFollowKorthikanti() throws {
        let estimate = try Self.estimate(.fullMixedPrecision) {
            $0.batch = 2
            $0.sequenceLength = 128
        }
        let (s, b, h, a) = (128, 2, 4096, 32)
        let perLayer = s * b * h * 34 + 5 * a * s * s * b
        #expect(estimate.activations.decoderLayers == 32 * perLayer)
        #expect(estimate.activations.logits == 4 * s * b * 32000)
        #expect(estimate.activations.adapterOutputs == 0)
        #expect(estimate[.activations].bytes == 32 * perLayer + 4 * s * b * 32000)
    }

    @Test func float32FullFineTuningDoublesTheLayerActivations() throws {
        let mixed = try Self.estimate(.fullMixedPrecision)
        let fp32 = try Self.estimate(.fullFP32)
        #expect(fp32.activations.decoderLayers == 2 * mixed.activations.decoderLayers)
        #expect(fp32.activations.logits == mixed.activations.logits)
    }

    @Test func checkpointingKeepsEachLayerInputAndOneLayer() throws {
        let estimate = try Self.estimate(.lora) { $0.gradientCheckpointing = true }
        let (s, h) = (512, 4096)
        let fullLayer = s * h * 34 + 5 * 32 * s * s
        #expect(estimate.activations.decoderLayers == 32 * 2 * s * h + fullLayer)
        #expect(estimate.activations.adapterOutputs == 2 * s * 8 * 2)
        let without = try Self.estimate(.lora)
        #expect(without.activations.adapterOutputs == 32 * 2 * s * 8 * 2)
        #expect(estimate.total < without.total)
    }

    @Test func unitsAreDecimalAndBinary() {
        let amount = MemoryEstimate.Amount(bytes: 1_073_741_824)
        #expect(amount.gibibytes == 1)
        #expect(amount.gigabytes == 1.073741824)
    }

    @Test func partsAddUpToTheTotal() throws {
        let estimate = try Self.estimate(.qlora(.init())) { $0.targets = LinearModule.allCases }
        let sum = MemoryEstimate.Part.allCases.reduce(0) { $0 + estimate[$1].bytes }
        #expect(sum == estimate.total.bytes)
        #expect(estimate.total.bytes > estimate.totalBeforeActivations.bytes)
    }

    @Test func qloraIsSmallestAndFitsWhereFullDoesNot() throws {
        let full = try Self.estimate(.fullMixedPrecision)
        let lora = try Self.estimate(.lora)
        let qlora = try Self.estimate(.qlora(.init()))
        #expect(qlora.total < lora.total && lora.total < full.total)
        #expect(qlora.gpuFit.smallestFittingCapacity == 8)
        #expect(full.gpuFit.smallestFittingCapacity == nil)
    }

    /// The largest settings accepted, on the largest model, in float32: counts stay in 64 bits.
    @Test func largestSettingsDoNotOverflow() throws {
        var configuration = Configuration(
            model: try ModelArchitecture.named("llama-2-70b"), method: .fullFP32,
            rank: Configuration.rankLimit, targets: LinearModule.allCases, batch: 16,
            sequenceLength: Configuration.sequenceLengthLimit)
        let full = try MemoryEstimate(configuration)
        #expect(full.total.bytes > 0)
        configuration.method = .qlora(.init())
        configuration.model = try ModelArchitecture.named("qwen2.5-7b")
        #expect(try MemoryEstimate(configuration).total.bytes > 0)
    }

    /// Settings a person can get wrong, each with the source its error must name.
    enum BadSetting: CaseIterable, Sendable {
        case zeroRank, negativeRank, hugeRank, zeroAlpha, nanAlpha, noTargets, zeroBatch, hugeBatch
        case negativeSequence, hugeSequence, oddBlocksize

        var source: String {
            switch self {
            case .zeroRank, .negativeRank, .hugeRank: "rank"
            case .zeroAlpha, .nanAlpha: "alpha"
            case .noTargets: "targets"
            case .zeroBatch, .hugeBatch: "batch"
            case .negativeSequence, .hugeSequence: "seq"
            case .oddBlocksize: "blocksize"
            }
        }

        func apply(to configuration: inout Configuration) {
            switch self {
            case .zeroRank: configuration.rank = 0
            case .negativeRank: configuration.rank = -3
            case .hugeRank: configuration.rank = Configuration.rankLimit + 1
            case .zeroAlpha: configuration.alpha = 0
            case .nanAlpha: configuration.alpha = .nan
            case .noTargets: configuration.targets = []
            case .zeroBatch: configuration.batch = 0
            case .hugeBatch: configuration.batch = Int.max
            case .negativeSequence: configuration.sequenceLength = -1
            case .hugeSequence: configuration.sequenceLength = Configuration.sequenceLengthLimit + 1
            case .oddBlocksize: configuration.method = .qlora(.init(blocksize: 100))
            }
        }
    }

    @Test(arguments: BadSetting.allCases)
    func badSettingsThrowNamingTheSetting(setting: BadSetting) throws {
        var configuration = Configuration(model: try Self.llama7b(), method: .lora)
        setting.apply(to: &configuration)
        do {
            _ = try MemoryEstimate(configuration)
            Issue.record("expected an InputError for \(setting)")
        } catch {
            #expect(error.source == setting.source)
        }
    }

    @Test func optimizersAreParsedByName() throws {
        #expect(try MemoryEstimate.Optimizer(named: "adam-8bit") == .adam8bit)
        #expect(throws: InputError("optimizer", "unknown optimizer 'lion'; expected one of: adam, adam-8bit, sgd")) {
            try MemoryEstimate.Optimizer(named: "lion")
        }
    }

    @Test func gpuFitUsesDecimalGigabytes() {
        #expect(GPUFit(bytes: 24_000_000_000).fittingCapacities == [24, 40, 48, 80])
        #expect(GPUFit(bytes: 24_000_000_001).fittingCapacities == [40, 48, 80])
        #expect(GPUFit(bytes: 80_000_000_001).smallestFittingCapacity == nil)
        #expect(GPUFit(bytes: 1).smallestFittingCapacity == 8)
    }
}
