import ArgumentParser

/// `qlora-tutor lm`: a tiny Llama language model, pretrained, fine-tuned (full, LoRA, QLoRA),
/// evaluated and sampled, in the folders transformers and peft read and write.
struct LMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Pretrain, fine-tune, evaluate and sample a tiny Llama language model.",
        discussion: """
            Models are Hugging Face folders (config.json, model.safetensors) that transformers' \
            LlamaForCausalLM loads; adapters are peft folders (adapter_config.json, \
            adapter_model.safetensors). Text is read as bytes: one token per byte, 256 ids.
            """,
        subcommands: [LMEvalCommand.self, LMPretrainCommand.self, LMFinetuneCommand.self, LMSampleCommand.self]
    )
}
