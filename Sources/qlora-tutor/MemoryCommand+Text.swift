import Foundation
import QLoRAEngine

extension MemoryCommand {
    /// The known architectures as an aligned table.
    static func modelsText() -> String {
        let header = ["model", "parameters", "layers", "hidden", "intermediate", "heads", "kv heads", "vocab", "tied"]
        let rows = ModelArchitecture.known.map { model in
            [
                model.name, "\(model.parameterCount)", "\(model.layers)", "\(model.hidden)", "\(model.intermediate)",
                "\(model.heads)", "\(model.kvHeads)", "\(model.vocab)", model.tieEmbeddings ? "yes" : "no",
            ]
        }
        return TextTable.numeric([header] + rows).render()
    }

    /// The estimates as text: settings, the table side by side, peft's lines, GPU fit, what is
    /// counted, and the notebook's table beside ours.
    static func text(_ estimates: [MemoryEstimate]) -> String {
        var lines = settingsLines(estimates)
        lines.append("")
        lines.append(TextTable.numeric(partsTable(estimates)).render())
        lines.append("")
        lines += activationLines(estimates)
        lines.append("")
        lines.append("trainable parameters, as peft prints them:")
        lines.append(TextTable(rows: estimates.map { [$0.configuration.method.name, $0.parameters.printedLine] }).render(indent: "  "))
        lines.append("")
        lines.append("fits a GPU of (decimal GB):")
        lines.append(TextTable(rows: estimates.map { [$0.configuration.method.name, fitText($0.gpuFit)] }).render(indent: "  "))
        lines.append("")
        lines.append("what is counted:")
        lines += countedNotes.flatMap { wrapped($0, indent: "  - ", continuation: "    ") }
        lines.append("")
        lines += notebookLines(estimates)
        return lines.joined(separator: "\n")
    }

    /// The model and the settings; the LoRA line only when adapters are estimated, the 4-bit line only for QLoRA.
    private static func settingsLines(_ estimates: [MemoryEstimate]) -> [String] {
        guard let configuration = estimates.first?.configuration else { return [] }
        let model = configuration.model
        var lines = [
            "\(model.name): \(model.parameterCount) parameters, \(model.layers) layers, hidden \(model.hidden), "
                + "\(model.heads) heads (\(model.kvHeads) key/value), vocab \(model.vocab)"
        ]
        if estimates.contains(where: { $0.parameters.trainable < $0.parameters.all }) {
            lines.append(
                "LoRA r = \(configuration.rank), alpha = \(NumberFormat.significant(configuration.alpha)) "
                    + "(scaling \(NumberFormat.significant(configuration.scaling))), "
                    + "targets \(configuration.targets.map(\.rawValue).joined(separator: ","))")
        }
        lines.append(
            "batch \(configuration.batch) x \(configuration.sequenceLength) tokens, "
                + (configuration.gradientCheckpointing ? "gradient checkpointing" : "no gradient checkpointing")
                + ", optimizer \(configuration.optimizer.rawValue), \(configuration.attention.rawValue) attention")
        if let base = estimates.lazy.compactMap(\.configuration.method.fourBitBase).first {
            lines.append(
                "QLoRA base: \(base.dataType.rawValue), blocks of \(base.blocksize), "
                    + (base.doubleQuantization ? "double quantization" : "no double quantization"))
        }
        return lines
    }

    /// Rows of the parts table: bytes, GB and GiB for one method, GB and GiB side by side for several.
    private static func partsTable(_ estimates: [MemoryEstimate]) -> [[String]] {
        let showsBytes = estimates.count == 1
        let units = showsBytes ? ["bytes", "GB", "GiB"] : ["GB", "GiB"]
        func cells(_ amount: MemoryEstimate.Amount) -> [String] {
            let decimal = [String(format: "%.2f", amount.gigabytes), String(format: "%.2f", amount.gibibytes)]
            return showsBytes ? ["\(amount.bytes)"] + decimal : decimal
        }
        var rows = [[""] + estimates.flatMap { [$0.configuration.method.name] + units.dropFirst().map { _ in "" } }]
        rows.append([""] + estimates.flatMap { _ in units })
        for part in MemoryEstimate.Part.allCases {
            rows.append([part.title] + estimates.flatMap { cells($0[part]) })
        }
        rows.append(["total"] + estimates.flatMap { cells($0.total) })
        if !showsBytes {
            rows.append(["total bytes"] + estimates.flatMap { ["\($0.total.bytes)", ""] })
        }
        return rows
    }

    /// The activations term by term for each method, the setting each describes, and the bytes autograd
    /// saves as `measure_activations.py` counts them, to set beside its measurements.
    private static func activationLines(_ estimates: [MemoryEstimate]) -> [String] {
        var lines = ["activations, tensor by tensor as PyTorch keeps them for the backward pass (bytes):"]
        let settings = estimates.map { ["  \($0.configuration.method.name):", $0.activations.setting.summary] }
        lines.append(TextTable(rows: settings).render())
        let terms: [(String, (MemoryEstimate.Activations) -> Int)] = [
            ("decoder layers", \.decoderLayers), ("adapter outputs", \.adapterOutputs), ("logits", \.logits),
            ("outside layers", \.outsideLayers), ("recomputed layer", \.recomputedLayer), ("activations", \.total),
            ("saved per layer *", \.savedPerLayer), ("saved outside layers *", \.savedOutsideLayers),
            ("saved in all *", \.savedTotal), ("of which weight views *", \.savedParameterViews),
        ]
        var rows = [[""] + estimates.map(\.configuration.method.name)]
        rows += terms.map { term in ["  " + term.0] + estimates.map { "\(term.1($0.activations))" } }
        lines.append(TextTable.numeric(rows).render())
        lines += wrapped(
            "* as measure_activations.py counts saved tensors: per layer is a 2-layer model minus a 1-layer one, "
                + "outside layers the rest; views of weights are included there and left out of the activations, "
                + "as the weights already hold them.",
            indent: "  ", continuation: "  ")
        return lines
    }

    private static func fitText(_ fit: GPUFit) -> String {
        let sizes = fit.fittingCapacities
        guard !sizes.isEmpty else {
            return "none: \(NumberFormat.gigabytes(Double(fit.bytes))) is more than 80 GB"
        }
        return sizes.map { "\($0)" }.joined(separator: ", ") + " GB"
    }

    private static let countedNotes = [
        "weights: full fine-tuning keeps every parameter (4 bytes in fp32, 2 in mixed precision); LoRA a 16-bit "
            + "base (float32 under --recipe qlora, as prepare_model_for_kbit_training casts every 16-bit "
            + "parameter); QLoRA the decoder blocks' linear weights in 4 bits, two to a byte, and the embeddings, "
            + "norms, biases and output head in float32 as that recipe casts them (16-bit under --recipe lora).",
        "quantization constants: one float32 absmax per block; with double quantization an 8-bit code per block, "
            + "a float32 scale per 256 blocks and a float32 offset per matrix.",
        "adapters and their gradients: float32 (peft upcasts adapter weights to float32 by default).",
        "optimizer states: Adam's m and v in float32 (8 bytes per trainable value), 8-bit Adam 2, SGD without "
            + "momentum none; mixed precision adds the 4-byte fp32 master copy here, as the ZeRO paper counts it.",
        "activations: every tensor autograd saves in one step of transformers' LlamaForCausalLM under peft "
            + "(no dropout, no padding mask): each norm's float32 input, each adapter's float32 input and r outputs "
            + "per token, attention's tensors (SDPA: queries, keys, values, output, a log-sum-exp; eager: also "
            + "the float32 softmax of every head, s x s), the SwiGLU MLP's three tensors, and the float32 "
            + "log-probabilities of the loss; views of weights are not new memory and are left out. With gradient "
            + "checkpointing each block keeps its input, and one block is recomputed at a time.",
    ]

    private static func notebookLines(_ estimates: [MemoryEstimate]) -> [String] {
        let compared = estimates.filter { $0.configuration.method != .fullFP32 }
        var lines = ["the notebook's 7B table beside ours:"]
        let header = ["  method", "notebook table", "notebook formula", "ours"]
        let rows = compared.map { estimate in
            let row = NotebookMemoryTable(comparingWith: estimate.configuration.method)
            return [
                "  \(estimate.configuration.method.name)", "\(row.tableGigabytes) GB",
                String(format: "%.2f GB", Double(row.formulaBytes) / 1e9),
                String(format: "%.2f GB", estimate.total.gigabytes),
            ]
        }
        lines.append(TextTable.numeric([header] + rows).render())
        for estimate in compared {
            lines.append("")
            lines += wrapped(
                NotebookMemoryTable.reason(comparedWith: estimate),
                indent: "  \(estimate.configuration.method.name): ", continuation: "    ")
        }
        return lines
    }

    /// `text` broken at spaces into lines of at most `width` characters where the words allow, the
    /// first line after `indent`, the others after `continuation`.
    private static func wrapped(_ text: String, indent: String, continuation: String, width: Int = 100) -> [String] {
        var lines: [String] = []
        var line = indent
        var lineHasWord = false
        for word in text.split(separator: " ") {
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = continuation
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }
}
