import QLoRAEngine
import Testing
@testable import TutorLessons

/// The sections the course adds, run directly with their defaults and a few settings.
@Suite struct CourseSectionsTests {
    @Test func formatsComputeTheNotebookCorrections() throws {
        let section = NumberFormatsSection()
        let results = try section.run(section.defaultParameters).byName
        #expect(results["saving_percent_int8"] == 75)
        #expect(results["saving_percent_4bit"] == 87.5)
        #expect(results["model_params"] == 6_738_415_616)
        let overflow = try section.run(section.defaultParameters.merging(["value": .number(70000)])).byName
        #expect(overflow["fp16_overflows"] == 1 && overflow["bf16_overflows"] == 0)
    }

    @Test func storedBytesAreDrawnAgainstTheFloat32TheyReplace() throws {
        let section = QuantizeSection()
        let outputs = try section.run(section.defaultParameters.merging(["matrix.rows": .number(32), "matrix.cols": .number(64)])).outputs
        guard case .memory(let memory)? = outputs[.memory]?.first else {
            Issue.record("expected a memory breakdown")
            return
        }
        #expect(memory.title.contains("against 8192 bytes of float32"))
        #expect(memory.capacities == [8192], "the bar's scale reaches the float32 size its title names")
        #expect(memory.totalBytes < 8192)
    }

    @Test(arguments: ["minmax4", "int8", "int4", "nf4", "fp4"])
    func onlyTheMinMaxGridMissesZero(type: String) throws {
        let section = QuantizeSection()
        let results = try section.run(section.defaultParameters.merging(["type": .word(type)])).byName
        let zeroGap = try #require(results["zero_gap"])
        if type == "minmax4" {
            // Zero lies strictly between two levels, at most half a step from the nearer one.
            let scale = try #require(results["scale"])
            #expect(zeroGap > 0)
            #expect(zeroGap <= scale / 2)
        } else {
            #expect(zeroGap == 0, "a symmetric grid holds zero")
        }
    }

    @Test func theCodebookHistogramGivesEachLevelItsOwnBin() throws {
        let section = CodebookSection()
        let outputs = try section.run(section.defaultParameters).outputs
        guard case .histogram(let histogram)? = outputs[.histogram]?.first else {
            Issue.record("expected a histogram")
            return
        }
        #expect(histogram.counts.reduce(0, +) == 16)
        #expect(histogram.counts.max() == 1, "no bin holds two levels, so no bar is a block of colour")
    }

    @Test func memoryGivesTheNotebookFormulaAndPeftsCount() throws {
        let section = MemoryTableSection()
        let results = try section.run(section.defaultParameters.merging(["method": .word("full-mixed")])).byName
        #expect(results["notebook_formula_full_gb"] == 112)
        #expect(results["notebook_table_full_gb"] == 28)
        #expect(results["bytes_per_param"] == 16)
        #expect(results["trainable_r8_qv"] == 4_194_304)
        #expect((results["full_total_gb"] ?? 0) > (results["lora_total_gb"] ?? .infinity))
    }

    @Test func memoryNamesItsSettingAndEagerKeepsMore() throws {
        let section = MemoryTableSection()
        let run = try section.run(section.defaultParameters.merging(["seq_len": .number(2048)]))
        let results = run.byName
        #expect((results["eager_activations_gb"] ?? 0) > (results["sdpa_activations_gb"] ?? .infinity))
        #expect(results["sdpa_activations_gb"] == results["activations_gb"], "the block's own attention is sdpa")
        let sixteenBit = try section.run(section.defaultParameters.merging(["seq_len": .number(2048), "recipe": .word("lora")])).byName
        #expect((sixteenBit["activations_gb"] ?? .infinity) < (results["activations_gb"] ?? 0), "16-bit hidden states keep less")
        let checkpointed = try section.run(section.defaultParameters.merging(["checkpointing": .word("true")])).byName
        let uncheckpointed = try section.run(section.defaultParameters).byName
        #expect(checkpointed["uncheckpointed_activations_gb"] == uncheckpointed["activations_gb"])
        guard case .text(let setting)? = run.outputsByName["activations"]?.first else {
            Issue.record("expected the setting as text")
            return
        }
        #expect(setting.contains("sdpa attention, qlora recipe (float32 hidden states"))
    }

    /// The dynamic map's stored level is the quantizer's, not a nearest-level search of its own:
    /// right next to 0, bitsandbytes' lookup stores a neighbour of the nearest level.
    @Test func dynamicMapStoresWhatTheQuantizerStores() throws {
        let section = DynamicMapSection()
        let map = DoubleQuantizedAbsmax.dynamicMap
        let middle = try section.run(section.defaultParameters.merging(["value": .number(0.3)])).byName
        let nearest = map.min { abs($0 - 0.3) < abs($1 - 0.3) }.map(Double.init)
        #expect(middle["stored"] == nearest)
        let nearZero = try section.run(section.defaultParameters.merging(["value": .number(1.4e-6)])).byName
        #expect(nearZero["stored"] == Double(map[131]))
        #expect(nearZero["stored"] != Double(map[128]))
    }

    @Test func stepMemoryPagesTheStatesOutOfTheActivationPeak() throws {
        let section = StepMemorySection()
        let parameters = section.defaultParameters.merging([
            "rank": .number(64), "seq_len": .number(2048), "checkpointing": .word("true"), "gpu_gb": .number(8),
        ])
        let run = try section.run(parameters)
        let results = run.byName
        #expect(results["fits_without_paging"] == 0 && results["fits_with_paging"] == 1)
        #expect(results["paged_peak_at_optimizer_step"] == 1 && results["peak_at_optimizer_step"] == 0)
        #expect(results["events"] == 67)
        guard case .series(let series)? = run.outputsByName["timeline"]?.first else {
            Issue.record("expected the timeline as a chart")
            return
        }
        #expect(series.lines.map(\.name) == ["no paging", "with paging", "GPU"])
        #expect(series.lines.allSatisfy { $0.values.count == 67 })
        #expect(series.lines[1].values.allSatisfy { $0 <= 8 }, "paged, the step stays within the GPU")
        #expect(series.lines[0].values.contains { $0 > 8 }, "without paging it does not")
    }

    @Test func productionWritesTheTinyAdaptersFile() throws {
        let section = ProductionSection()
        let results = try section.run(section.defaultParameters.merging(["rank": .number(4)])).byName
        // The shipped tiny Llama: 4 blocks of 7 adapted linears, an A and a B each.
        #expect(results["tiny_adapter_tensors"] == 56)
        let file = try #require(results["tiny_adapter_file_bytes"]), header = try #require(results["tiny_adapter_header_bytes"])
        #expect(file - header == 4 * (results["tiny_adapter_params"] ?? 0))
        #expect(header > 0 && header.truncatingRemainder(dividingBy: 8) == 0, "the header is padded to 8 bytes")
        #expect(results["adapter_tensor_mb"] == 4 * 9_994_240 / 1e6)
    }

    @Test func productionWritesTheChosenSettings() throws {
        let section = ProductionSection()
        let parameters = section.defaultParameters.merging([
            "rank": .number(8), "alpha": .number(32), "double_quant": .word("false"), "quant_type": .word("fp4"),
        ])
        let result = try section.run(parameters)
        #expect(result.byName["scaling"] == 4)
        guard case .text(let bitsandbytes)? = result.outputsByName["bitsandbytes"]?.first,
              case .text(let peft)? = result.outputsByName["peft"]?.first,
              case .text(let unsloth)? = result.outputsByName["unsloth"]?.first
        else {
            Issue.record("expected code text for every library")
            return
        }
        #expect(bitsandbytes.contains("bnb_4bit_quant_type=\"fp4\""))
        #expect(bitsandbytes.contains("bnb_4bit_use_double_quant=False"))
        #expect(peft.contains("r=8,") && peft.contains("lora_alpha=32,"))
        #expect(peft.contains("trainable params: "))
        #expect(unsloth.contains("Note: load_in_4bit"))
    }

    @Test func printedCodeKeepsItsIndentation() throws {
        let section = ProductionSection()
        let output = try #require(section.run(section.defaultParameters).outputsByName["peft"]?.first)
        let lines = PlainTextRenderer(width: 80).render(output)
        #expect(lines.contains("    r=16,"))
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    @Test func plainMemoryBreakdownUsesDecimalUnits() {
        let memory = MemoryBreakdown(title: "7B", parts: [.init(name: "weights", bytes: 2500)], capacities: [24e9])
        let lines = PlainTextRenderer(width: 80).render(.memory(memory))
        #expect(lines.contains { $0.contains("2.5 kB") })
        #expect(lines.last == "fits in 24 GB")
        #expect(NumberFormat.decimalUnit(999).unit == "B")
        #expect(NumberFormat.decimalUnit(3.5e15) == (3500, "TB"))
    }

    @Test func qloraLayerStartsAsTheBaseAndOnlyBMovesFirst() throws {
        let section = QLoRALayerSection()
        let results = try section.run(section.defaultParameters.merging(["in": .number(64), "out": .number(64)])).byName
        #expect(results["initial_output_difference"] == 0)
        #expect(results["grad_a_norm_step1"] == 0)
        #expect((results["grad_b_norm_step1"] ?? 0) > 0)
        #expect(results["trainable"] == Double(8 * (64 + 64)))
        #expect(results["notebook_stored_base_bytes"] == 2 * (results["notebook_counted_base_bytes"] ?? 0))
    }

    @Test func checkpointReadsBackBitForBit() throws {
        let section = CheckpointSection()
        for doubleQuant in ["true", "false"] {
            let results = try section.run(section.defaultParameters.merging(["double_quant": .word(doubleQuant)])).byName
            #expect(results["roundtrip_max_difference"] == 0)
            #expect(results["tensor_count"] == (doubleQuant == "true" ? 6 : 4))
            #expect(results["first_code_is_high_nibble"] == 1)
        }
    }

    @Test func comparisonRanksNF4FirstOnNormalWeights() throws {
        let section = ComparisonSection()
        let results = try section.run(section.defaultParameters).byName
        #expect((results["mse_nf4"] ?? .infinity) < (results["mse_int4"] ?? 0))
        #expect(results["bits_per_param_b64"] == 4.5)
        #expect((results["bits_per_param_with_dq"] ?? .infinity) < (results["bits_per_param_without_dq"] ?? 0))
    }

    @Test func trainingReportsTheCurvesAsItGoesAndStopsWhenCancelled() throws {
        // No spacing: a report after every step, so the count is exact.
        let section = TrainingSection(reportInterval: .zero)
        let parameters = section.defaultParameters.merging(["steps": .number(50), "methods": .word("full,lora,qlora-nf4")])
        var reports: [SectionProgress] = []
        let result = try section.run(parameters, request: .everything, progress: { reports.append($0) }, isCancelled: { false })
        #expect(reports.count == 3 * 50)
        guard case .series(let first)? = reports.first?.outputs["curves"]?.first,
              case .series(let last)? = reports.last?.outputs["curves"]?.first else {
            Issue.record("expected the curves in every report")
            return
        }
        #expect(first.lines.count == 1 && first.lines.first?.values.count == 1)
        #expect(last.lines.map(\.values.count) == [50, 50, 50])
        #expect(result.outputsByName["curves"] == [.series(last)])
        // Reports change when the curves are seen, never what the run computes (its step times aside).
        let plain = try section.run(parameters)
        #expect(result.results == plain.results)
        #expect(result.outputs.filter { $0.key != .speed } == plain.outputs.filter { $0.key != .speed })

        // A report after every step, a check after every step: stopped after the fifth, the run
        // takes no sixth and throws instead of returning.
        var stepsReported = 0
        #expect(throws: CancellationError.self) {
            _ = try section.run(parameters, request: .everything, progress: { _ in stepsReported += 1 }, isCancelled: { stepsReported == 5 })
        }
        #expect(stepsReported == 5)
    }

    @Test func theRunnerStreamsAFineTuningBlocksCurves() throws {
        let lesson = try Course.load(Course.builtInFiles).lesson(named: "08")
        let block = try #require(lesson.liveBlocks.first { $0.id == "finetune-methods" })
        let steps = try block.parameters.integer("steps")
        // No spacing: a report after every step, so the count is exact.
        let runner = LessonRunner(registry: SectionRegistry([FineTuningSection(reportInterval: .zero)]))
        var received: [[Output]] = []
        let run = try runner.run(block, progress: { received.append($0) }, isCancelled: { false })
        #expect(received.count == 4 * steps)
        #expect(received.allSatisfy { $0.count == 1 }, "only the curves: the one output it can show while it trains")
        #expect(received.last?.first == run.outputs.first)
        #expect(run.expectations.allSatisfy { $0.passed })
    }

    @Test func fineTuningComparesAdaptersAndStopsWhenCancelled() throws {
        let section = FineTuningSection(reportInterval: .zero)
        let parameters = section.defaultParameters.merging(["compare": .word("adapters"), "rank": .number(4), "steps": .number(10)])
        var reports = 0
        let result = try section.run(parameters, request: .everything, progress: { _ in reports += 1 }, isCancelled: { false })
        #expect(reports == 4 * 10, "q_proj,v_proj and three ranks, ten steps each")
        let declared = Set(try section.declaredResults(for: parameters).map(\.name))
        #expect(Set(result.results.keys.map(\.name)) == declared)
        #expect(declared.contains("prose_after_all") && declared.contains("prose_after_r16") && !declared.contains("prose_after_full"))
        #expect(!declared.contains("prose_after_r8"), "a rank neither the sweep nor the block trains")
        // Every linear layer at the block's rank is the sweep's run at that rank, not a second run.
        #expect(result.value(.proseAfter(.allLinear)) == result.value(.proseAfter(.rank(4))))
        #expect(result.value(.trainable(.queryValue)) < result.value(.trainable(.allLinear)))
        #expect(result.value(.trainable(.rank(16))) == 16 * result.value(.trainable(.rank(1))))
        guard case .table(let table)? = result.outputs[.table]?.first else {
            Issue.record("expected the table")
            return
        }
        #expect(table.rows.map(\.first) == ["q_proj,v_proj r4", "all-linear r1", "all-linear r4", "all-linear r16"])
        #expect(!table.headers.contains("vs lora"), "no LoRA run to compare step times with")

        var steps = 0
        #expect(throws: CancellationError.self) {
            _ = try section.run(parameters, request: .everything, progress: { _ in steps += 1 }, isCancelled: { steps == 3 })
        }
        #expect(steps == 3)
    }

    @Test func trainingKeysNameEveryMethod() {
        #expect(TrainingSection.key(.qloraNF4) == "qlora")
        #expect(TrainingSection.key(.qloraInt4) == "qlora_int4")
        #expect(TrainingSection.runningMean([1, 3, 5], window: 2) == [1, 2, 4])
    }
}
