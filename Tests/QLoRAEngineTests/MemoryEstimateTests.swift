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

    /// The 4-bit base: decoder linear weights at half a byte, everything else float32 after
    /// prepare_model_for_kbit_training.
    @Test func qloraWeightsQuantizeOnlyDecoderLinearLayers() throws {
        let estimate = try Self.estimate(.qlora(.init()))
        let quantized = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008)
        let unquantized = 2 * 32000 * 4096 + 32 * 2 * 4096 + 4096
        #expect(estimate[.weights].bytes == quantized / 2 + 4 * unquantized)
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

    /// One Llama-2-7B block under the lora recipe with SDPA and adapters on q_proj and v_proj, tensor by
    /// tensor: what `saved_tensors_hooks` counts for one more layer.
    @Test func loraLayerIsCountedTensorByTensor() throws {
        let estimate = try Self.estimate(.lora)
        let (t, h, i, heads, r) = (512, 4096, 11008, 32, 8)
        let norms = 2 * (4 * t * h + 4 * t)
        let adapterInputs = 2 * 4 * t * h  // q_proj and v_proj each cast the bfloat16 input to float32
        let adapterOutputs = 2 * 4 * t * r
        let attention = 2 * t * (4 * h) + 4 * t * heads  // q, k, v, output in bfloat16; float32 log-sum-exp
        let mlp = 3 * 2 * t * i
        let views = 2 * 2 * h + 2 * (4 * h * h + 3 * h * i) + 2 * 4 * r * h + 2 * 4 * r * h
        #expect(estimate.activations.savedPerLayer == norms + adapterInputs + adapterOutputs + attention + mlp + views)
        #expect(estimate.activations.adapterOutputs == 32 * adapterOutputs)
        #expect(estimate.activations.logits == 4 * t * 32000)
        #expect(estimate.activations.setting.summary
            == "sdpa attention, lora recipe (bfloat16 hidden states, float32 adapters, float32 logits), "
            + "no gradient checkpointing")
    }

    /// Under the qlora recipe the hidden states are float32: the adapters share their input, the 4-bit base
    /// keeps no weight view, and attention and the MLP keep twice the bytes.
    @Test func qloraRecipeKeepsFloat32HiddenStates() throws {
        let estimate = try Self.estimate(.qlora(.init())) { $0.targets = LinearModule.allCases }
        let (t, h, i, heads, r) = (512, 4096, 11008, 32, 8)
        let norms = 2 * (4 * t * h + 4 * t)
        let adapterInputs = 4 * t * h + 4 * t * h + 4 * t * i  // q,k,v share one; o reads attention's output; gate,up share one; down
        let adapterOutputs = 7 * 4 * t * r
        let attention = 4 * t * (4 * h) + 4 * t * heads
        let mlp = 3 * 4 * t * i
        let views = 2 * 4 * h + 4 * r * (6 * h + i) + 4 * r * (5 * h + 2 * i)  // norm scales, A, B
        #expect(estimate.activations.savedPerLayer == norms + adapterInputs + adapterOutputs + attention + mlp + views)
        #expect(estimate.activations.setting.hiddenStateType == "float32")
        let lora = try Self.estimate(.lora) { $0.targets = LinearModule.allCases }
        #expect(estimate[.activations] > lora[.activations])
    }

    /// Eager attention keeps the float32 softmax of every head and its bfloat16 copy, and repeats grouped keys
    /// and values to every head.
    @Test func eagerAttentionKeepsTheScores() throws {
        let model = try ModelArchitecture.named("llama-3-8b")
        let sdpa = try MemoryEstimate(.init(model: model, method: .lora, batch: 2, sequenceLength: 256))
        let eager = try MemoryEstimate(
            .init(model: model, method: .lora, batch: 2, sequenceLength: 256, attention: .eager))
        let (b, s, t, heads) = (2, 256, 512, 32)
        let repeatedKeysAndValues = 2 * 2 * t * (model.queryWidth - model.keyValueWidth)
        let scores = 4 * b * heads * s * s + 2 * b * heads * s * s
        // SDPA keeps its output and log-sum-exp; eager keeps neither (o_proj has no adapter here).
        let sdpaOnly = 2 * t * model.queryWidth + 4 * t * heads
        #expect(eager.activations.savedPerLayer - sdpa.activations.savedPerLayer
            == scores + repeatedKeysAndValues - sdpaOnly)
        #expect(eager.activations.setting.attention == .eager)
    }

    /// The first block's input comes from the frozen embedding: its norm keeps nothing, its frozen q_proj,
    /// k_proj and v_proj keep no weight view, its first adapters no view of A.
    @Test func firstLayerKeepsNothingForItsInput() throws {
        let estimate = try Self.estimate(.lora)
        let (t, h, r) = (512, 4096, 8)
        let head = (4 * t * h + 4 * t + 2 * h) + 2 * h * 32000 + 4 * t * 32000 + 8 * (t + 1) + 4
        let rotaryTables = 2 * 2 * t * 128
        let firstLayerSkips = (4 * t * h + 4 * t + 2 * h) + 2 * 3 * h * h + 2 * 4 * r * h
        #expect(estimate.activations.savedOutsideLayers == head + rotaryTables - firstLayerSkips)
    }

    @Test func checkpointingKeepsEachLayerInputAndRecomputesOneBlock() throws {
        let estimate = try Self.estimate(.lora) { $0.gradientCheckpointing = true }
        let without = try Self.estimate(.lora)
        let (t, h) = (512, 4096)
        #expect(estimate.activations.decoderLayers == 32 * 2 * t * h)
        #expect(estimate.activations.savedPerLayer == 2 * t * h)
        #expect(estimate.activations.adapterOutputs == 0)
        let block = without.activations.savedPerLayer - without.activations.savedParameterViews / 32
        #expect(estimate.activations.recomputedLayer > 0)
        #expect(estimate.activations.recomputedLayer < block)
        #expect(estimate.total < without.total)
    }

    @Test func fullFineTuningKeepsEveryLinearInput() throws {
        let mixed = try Self.estimate(.fullMixedPrecision)
        let fp32 = try Self.estimate(.fullFP32)
        let lora = try Self.estimate(.lora)
        #expect(mixed.activations.decoderLayers > lora.activations.decoderLayers)
        #expect(fp32.activations.decoderLayers > mixed.activations.decoderLayers)
        #expect(fp32.activations.logits == mixed.activations.logits)
        #expect(fp32.activations.setting.recipe == nil)
    }

    /// prepare_model_for_kbit_training casts every 16-bit parameter to float32: the rest of a 4-bit base,
    /// or all of a 16-bit one.
    @Test func recipeSetsTheUnquantizedWeights() throws {
        let model = try Self.llama7b()
        let unquantized = model.parameterCount - model.quantizedParameters
        let qlora = try Self.estimate(.qlora(.init()))
        let qloraAsLoaded = try Self.estimate(.qlora(.init())) { $0.recipe = .lora }
        #expect(qlora[.weights].bytes - qloraAsLoaded[.weights].bytes == 2 * unquantized)
        let loraPrepared = try Self.estimate(.lora) { $0.recipe = .qlora }
        #expect(loraPrepared[.weights].bytes == 4 * model.parameterCount)
        #expect(loraPrepared.activations.setting.hiddenStateBytes == 4)
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
        let checkpointed = try Self.estimate(.qlora(.init())) { $0.gradientCheckpointing = true }
        #expect(checkpointed.gpuFit.smallestFittingCapacity == 8)
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
