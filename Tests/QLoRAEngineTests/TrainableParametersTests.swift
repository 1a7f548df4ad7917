import Testing
@testable import QLoRAEngine

/// LoRA parameter counts, checked against counts computed here straight from the shapes.
@Suite struct TrainableParametersTests {
    /// `(in, out)` of each module, written out from the config numbers without `LinearModule`'s help.
    static func shapes(_ model: ModelArchitecture) -> [String: (Int, Int)] {
        let headDimension = model.hidden / model.heads
        let query = model.heads * headDimension
        let keyValue = model.kvHeads * headDimension
        return [
            "q_proj": (model.hidden, query), "k_proj": (model.hidden, keyValue), "v_proj": (model.hidden, keyValue),
            "o_proj": (query, model.hidden), "gate_proj": (model.hidden, model.intermediate),
            "up_proj": (model.hidden, model.intermediate), "down_proj": (model.intermediate, model.hidden),
        ]
    }

    static let targetSets: [[String]] = [
        ["q_proj", "v_proj"], ["q_proj", "k_proj", "v_proj", "o_proj"], ["down_proj"],
        ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    ]

    @Test(arguments: ModelArchitecture.known, [1, 8, 16, 64])
    func countsMatchTheShapes(model: ModelArchitecture, rank: Int) throws {
        let shapes = Self.shapes(model)
        for names in Self.targetSets {
            let perLayer = names.reduce(0) { sum, name in
                let (inFeatures, outFeatures) = shapes[name] ?? (0, 0)
                return sum + rank * inFeatures + rank * outFeatures
            }
            let targets = try LinearModule.targets(names.joined(separator: ","))
            let counts = TrainableParameters.lora(model, rank: rank, targets: targets)
            #expect(counts.trainable == model.layers * perLayer)
            #expect(counts.all == model.parameterCount + model.layers * perLayer)
        }
    }

    @Test func allLinearIsEverySevenModules() throws {
        #expect(try LinearModule.targets("all-linear") == LinearModule.allCases)
        #expect(LinearModule.allCases.count == 7)
    }

    @Test func groupedQueryAttentionNarrowsKeyAndValue() throws {
        let model = try ModelArchitecture.named("llama-3-8b")
        #expect(LinearModule.kProj.outFeatures(in: model) == 8 * 128)
        #expect(LinearModule.vProj.weightParameters(in: model) == 4096 * 1024)
        #expect(LinearModule.qProj.outFeatures(in: model) == 4096)
    }

    @Test func qwenCarriesQueryKeyValueBiases() throws {
        let qwen = try ModelArchitecture.named("qwen2.5-7b")
        #expect(LinearModule.qProj.biasParameters(in: qwen) == 3584)
        #expect(LinearModule.kProj.biasParameters(in: qwen) == 512)
        #expect(LinearModule.oProj.biasParameters(in: qwen) == 0)
        let llama = try ModelArchitecture.named("llama-2-7b")
        #expect(LinearModule.qProj.biasParameters(in: llama) == 0)
    }

    @Test func tiedEmbeddingsCountOnce() throws {
        let model = try ModelArchitecture.named("llama-3.2-1b")
        #expect(model.outputHeadParameters == 0)
        #expect(model.parameterCount == model.embeddingParameters + 16 * model.parametersPerLayer + 2048)
    }

    @Test func fullFineTuningTrainsEverything() throws {
        let model = try ModelArchitecture.named("mistral-7b")
        let counts = TrainableParameters.fullFineTuning(model)
        #expect(counts.printedLine == "trainable params: 7,241,732,096 || all params: 7,241,732,096 || trainable%: 100.0000")
    }

    /// Counts and the percentage Python printed for `100 * trainable / all` with them.
    @Test(arguments: [
        ("llama-3.2-1b", 16, "all-linear", 11_272_192, 1_247_086_592, "0.9038820617838861"),
        ("qwen2.5-7b", 64, "all-linear", 161_480_704, 7_777_097_216, "2.076362163350383"),
        ("llama-2-70b", 1, "q_proj", 1_310_720, 68_977_958_912, "0.0019002011956778498"),
        ("mistral-7b", 8, "q_proj,v_proj", 3_407_872, 7_245_139_968, "0.04703666202518836"),
        ("llama-65b", 4, "k_proj", 5_242_880, 65_290_903_552, "0.008030031313358044"),
    ])
    func linesMatchPython(name: String, rank: Int, targets: String, trainable: Int, all: Int, percent: String)
        throws
    {
        let model = try ModelArchitecture.named(name)
        let counts = TrainableParameters.lora(model, rank: rank, targets: try LinearModule.targets(targets))
        #expect(counts.trainable == trainable && counts.all == all)
        #expect(counts.percent.description == percent)
    }

    @Test func printedLineIsTodaysPeftFormat() throws {
        let counts = TrainableParameters.lora(try ModelArchitecture.named("llama-2-7b"), rank: 16, targets: LinearModule.allCases)
        #expect(counts.printedLine == "trainable params: 39,976,960 || all params: 6,778,392,576 || trainable%: 0.5898")
        let full = TrainableParameters(trainable: 1234, all: 1234)
        #expect(full.printedLine == "trainable params: 1,234 || all params: 1,234 || trainable%: 100.0000")
    }
}
