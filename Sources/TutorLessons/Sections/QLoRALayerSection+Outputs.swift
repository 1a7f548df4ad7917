import QLoRAEngine

/// What the `qlora-layer` section shows, built from one run's layer and results.
struct QLoRALayerOutputs {
    var tuning: LayerFineTuning
    var results: [QLoRALayerSection.ResultKey: Double]

    /// The output `key` names, built on its own.
    func build(_ key: QLoRALayerSection.OutputKey) -> [Output] {
        switch key {
        case .base: [base]
        case .`init`: [initialization]
        case .scaling: [scaling]
        case .gradients: [gradients]
        case .memory: memory
        case .merge: [merge]
        }
    }

    /// The trained layer.
    private var layer: LoRALinear { tuning.trained }
    private var baseBuffers: [StoredBuffer] { tuning.initial.base.storedBuffers }
    private var format: FrozenBase.Format { tuning.settings.format }
    private var initialA: Tensor { tuning.initial.a }
    private var trainSteps: Int { tuning.settings.trainSteps }
    private var alpha: Double { Double(tuning.settings.adapter.alpha) }

    private func value(_ key: QLoRALayerSection.ResultKey) -> Double { results[key] ?? .nan }

    private var shape: String { "\(layer.outFeatures) x \(layer.inFeatures)" }

    private var base: Output {
        var rows = baseBuffers.map { [$0.name, $0.dtype, NumberFormat.count($0.count), NumberFormat.bytes(Double($0.bytes))] }
        rows.append(["bits per weight", "", "", NumberFormat.decimal(value(.baseBitsPerParameter), digits: 3)])
        rows.append(["values that train", "", "", NumberFormat.count(Int(value(.baseTrainable)))])
        return .table(OutputTable(
            title: "Frozen base W, \(shape), stored as \(format.rawValue)",
            headers: ["buffer", "type", "values", "bytes"], alignments: [.left, .left, .right, .right], rows: rows))
    }

    private var initialization: Output {
        let rows = [
            ["A (\(initialA.rows) x \(initialA.columns))", "largest |A|", NumberFormat.scientific(value(.aMaxAbs))],
            ["", "peft's bound 1 / sqrt(in)", NumberFormat.scientific(value(.aBound))],
            ["", "standard deviation", NumberFormat.scientific(value(.aStandardDeviation))],
            ["", "the notebook's randn * 0.01", NumberFormat.scientific(value(.notebookAStandardDeviation))],
            ["B (\(layer.b.rows) x \(layer.b.columns))", "largest |B|", NumberFormat.scientific(value(.bMaxAbs))],
            ["layer(x) - base(x)", "largest difference", NumberFormat.scientific(value(.initialOutputDifference))],
        ]
        return .table(OutputTable(
            title: "The adapter at the start (\(layer.configuration.initialization.rawValue))",
            headers: ["", "", "value"], alignments: [.left, .left, .right], rows: rows))
    }

    private var scaling: Output {
        let rows = QLoRALayerSection.tableRanks.map { rank in
            [
                "\(rank)", NumberFormat.decimal(value(.scalingAtRank(rank))), NumberFormat.decimal(value(.rsLoRAScalingAtRank(rank))),
                NumberFormat.decimal(value(.notebookScalingAtRank(rank))),
            ]
        }
        return .table(OutputTable(
            title: "What the adapter's output is multiplied by, alpha = \(NumberFormat.decimal(alpha))",
            headers: ["r", "peft: alpha / r", "rsLoRA: alpha / sqrt(r)", "notebook: 1 / r"],
            alignments: [.right, .right, .right, .right], rows: rows))
    }

    private var gradients: Output {
        let rows = [
            ["W (\(shape))", "frozen: no gradient kept", NumberFormat.count(Int(value(.frozen))), "0"],
            ["A", NumberFormat.scientific(value(.gradientNormA)), NumberFormat.count(layer.a.count), NumberFormat.count(layer.a.count)],
            ["B", NumberFormat.scientific(value(.gradientNormB)), NumberFormat.count(layer.b.count), NumberFormat.count(layer.b.count)],
            ["share that trains", "", "", NumberFormat.percent(value(.trainablePercent), digits: 3)],
        ]
        return .table(OutputTable(
            title: "The first training step",
            headers: ["tensor", "gradient norm", "values", "values that train"],
            alignments: [.left, .right, .right, .right], rows: rows))
    }

    private var memory: [Output] {
        var rows = layer.storedBuffers.map { [$0.name, $0.dtype, NumberFormat.bytes(Double($0.bytes))] }
        rows.append(["total", "", NumberFormat.bytes(value(.totalBytes))])
        rows.append(["notebook: counted for its base", "0.5 byte per weight", NumberFormat.bytes(value(.notebookCountedBaseBytes))])
        rows.append(["notebook: stored for its base", "uint8, one per weight", NumberFormat.bytes(value(.notebookStoredBaseBytes))])
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
            ["loss before training", NumberFormat.scientific(value(.lossBefore))],
            ["loss after \(trainSteps) steps", NumberFormat.scientific(value(.lossAfter))],
            ["size of the update, RMS of scaling x B A", NumberFormat.scientific(value(.updateRMS))],
            ["merged in float32: largest output change", NumberFormat.scientific(value(.mergedOutputDifference))],
            ["re-quantized to \(format.rawValue): error it adds, RMS", NumberFormat.scientific(value(.requantizationRMS))],
            ["re-quantized to \(format.rawValue): largest output change", NumberFormat.scientific(value(.requantizedOutputDifference))],
        ]
        return .table(OutputTable(
            title: "Merging W' = W + scaling x B A", headers: ["", "value"], alignments: [.left, .right], rows: rows))
    }
}
