import QLoRAEngine

/// What the `qlora-layer` section shows, built from one run's layer and results.
struct QLoRALayerOutputs {
    var layer: LoRALinear
    var baseBuffers: [StoredBuffer]
    var format: FrozenBase.Format
    var initialA: Tensor
    var results: [String: Double]
    var trainSteps: Int
    var alpha: Double

    /// Every output by the name a block shows it with.
    var all: [String: [Output]] {
        [
            "base": [base], "init": [initialization], "scaling": [scaling], "gradients": [gradients],
            "memory": memory, "merge": [merge],
        ]
    }

    private func value(_ name: String) -> Double { results[name] ?? .nan }

    private var shape: String { "\(layer.outFeatures) x \(layer.inFeatures)" }

    private var base: Output {
        var rows = baseBuffers.map { [$0.name, $0.dtype, SectionFormat.count($0.count), SectionFormat.bytes(Double($0.bytes))] }
        rows.append(["bits per weight", "", "", SectionFormat.number(value("base_bits_per_param"), digits: 3)])
        rows.append(["values that train", "", "", SectionFormat.count(Int(value("base_trainable")))])
        return .table(OutputTable(
            title: "Frozen base W, \(shape), stored as \(format.rawValue)",
            headers: ["buffer", "type", "values", "bytes"], alignments: [.left, .left, .right, .right], rows: rows))
    }

    private var initialization: Output {
        let rows = [
            ["A (\(initialA.rows) x \(initialA.columns))", "largest |A|", SectionFormat.scientific(value("a_max_abs"))],
            ["", "peft's bound 1 / sqrt(in)", SectionFormat.scientific(value("a_bound"))],
            ["", "standard deviation", SectionFormat.scientific(value("a_std"))],
            ["", "the notebook's randn * 0.01", SectionFormat.scientific(value("notebook_a_std"))],
            ["B (\(layer.b.rows) x \(layer.b.columns))", "largest |B|", SectionFormat.scientific(value("b_max_abs"))],
            ["layer(x) - base(x)", "largest difference", SectionFormat.scientific(value("initial_output_difference"))],
        ]
        return .table(OutputTable(
            title: "The adapter at the start (\(layer.configuration.initialization.rawValue))",
            headers: ["", "", "value"], alignments: [.left, .left, .right], rows: rows))
    }

    private var scaling: Output {
        let rows = QLoRALayerSection.tableRanks.map { rank in
            [
                "\(rank)", SectionFormat.number(value("scaling_r\(rank)")), SectionFormat.number(value("rslora_scaling_r\(rank)")),
                SectionFormat.number(value("notebook_scaling_r\(rank)")),
            ]
        }
        return .table(OutputTable(
            title: "What the adapter's output is multiplied by, alpha = \(SectionFormat.number(alpha))",
            headers: ["r", "peft: alpha / r", "rsLoRA: alpha / sqrt(r)", "notebook: 1 / r"],
            alignments: [.right, .right, .right, .right], rows: rows))
    }

    private var gradients: Output {
        let rows = [
            ["W (\(shape))", "frozen: no gradient kept", SectionFormat.count(Int(value("frozen"))), "0"],
            ["A", SectionFormat.scientific(value("grad_a_norm_step1")), SectionFormat.count(layer.a.count), SectionFormat.count(layer.a.count)],
            ["B", SectionFormat.scientific(value("grad_b_norm_step1")), SectionFormat.count(layer.b.count), SectionFormat.count(layer.b.count)],
            ["share that trains", "", "", SectionFormat.percent(value("trainable_percent"), digits: 3)],
        ]
        return .table(OutputTable(
            title: "The first training step",
            headers: ["tensor", "gradient norm", "values", "values that train"],
            alignments: [.left, .right, .right, .right], rows: rows))
    }

    private var memory: [Output] {
        var rows = layer.storedBuffers.map { [$0.name, $0.dtype, SectionFormat.bytes(Double($0.bytes))] }
        rows.append(["total", "", SectionFormat.bytes(value("total_bytes"))])
        rows.append(["notebook: counted for its base", "0.5 byte per weight", SectionFormat.bytes(value("notebook_counted_base_bytes"))])
        rows.append(["notebook: stored for its base", "uint8, one per weight", SectionFormat.bytes(value("notebook_stored_base_bytes"))])
        let parts = layer.storedBuffers.map { MemoryBreakdown.Part(name: $0.name, bytes: Double($0.bytes)) }
        return [
            .table(OutputTable(
                title: "Every buffer the layer keeps (\(shape), r = \(layer.rank))",
                headers: ["buffer", "type", "bytes"], alignments: [.left, .left, .right], rows: rows)),
            .memory(MemoryBreakdown(title: "The layer at rest", parts: parts)),
        ]
    }

    private var merge: Output {
        let rows = [
            ["loss before training", SectionFormat.scientific(value("loss_before"))],
            ["loss after \(trainSteps) steps", SectionFormat.scientific(value("loss_after"))],
            ["size of the update, RMS of scaling x B A", SectionFormat.scientific(value("update_rms"))],
            ["merged in float32: largest output change", SectionFormat.scientific(value("merged_output_difference"))],
            ["re-quantized to \(format.rawValue): error it adds, RMS", SectionFormat.scientific(value("requantization_rms"))],
            ["re-quantized to \(format.rawValue): largest output change", SectionFormat.scientific(value("requantized_output_difference"))],
        ]
        return .table(OutputTable(
            title: "Merging W' = W + scaling x B A", headers: ["", "value"], alignments: [.left, .right], rows: rows))
    }
}
