/// The shape of a decoder-only transformer: enough to count its parameters and its memory.
///
/// Every model here is a Llama-style stack: token embedding, `layers` decoder blocks (grouped-query
/// attention with `q_proj`, `k_proj`, `v_proj`, `o_proj`; a SwiGLU MLP with `gate_proj`, `up_proj`,
/// `down_proj`; two RMSNorms), a final RMSNorm and an output head. The numbers come from each model's
/// `config.json`; the engine keeps them as a table so it never reads a file to answer.
public struct ModelArchitecture: Equatable {
    /// The short name used on the command line and in lessons, such as `llama-2-7b`.
    public var name: String
    /// The width of the residual stream (`hidden_size`).
    public var hidden: Int
    /// The width of the MLP's inner layer (`intermediate_size`).
    public var intermediate: Int
    /// The number of decoder blocks (`num_hidden_layers`).
    public var layers: Int
    /// The number of query heads (`num_attention_heads`).
    public var heads: Int
    /// The number of key/value heads (`num_key_value_heads`); fewer than `heads` means grouped-query attention.
    public var kvHeads: Int
    /// The number of tokens in the vocabulary (`vocab_size`).
    public var vocab: Int
    /// Whether the output head reuses the embedding matrix (`tie_word_embeddings`), so it is stored once.
    public var tieEmbeddings: Bool
    /// Whether `q_proj`, `k_proj` and `v_proj` carry a bias (Qwen2 does; Llama and Mistral do not).
    public var qkvBias: Bool
    /// The width of one attention head (`head_dim`); transformers' default is `hidden / heads`.
    public var headDimension: Int

    /// Creates an architecture from its `config.json` numbers; `headDimension` nil means `hidden / heads`.
    public init(
        name: String, hidden: Int, intermediate: Int, layers: Int, heads: Int, kvHeads: Int, vocab: Int,
        tieEmbeddings: Bool, qkvBias: Bool = false, headDimension: Int? = nil
    ) {
        self.name = name
        self.hidden = hidden
        self.intermediate = intermediate
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.vocab = vocab
        self.tieEmbeddings = tieEmbeddings
        self.qkvBias = qkvBias
        self.headDimension = headDimension ?? hidden / max(heads, 1)
    }

    /// The width of the query projection's output and of the attention's: `heads` heads of `headDimension`.
    public var queryWidth: Int { heads * headDimension }

    /// The width of the key and value projections' outputs: `kvHeads` heads of `headDimension`.
    public var keyValueWidth: Int { kvHeads * headDimension }
}

extension ModelArchitecture {
    /// Every architecture the memory table knows, in the order they are listed.
    public static let known: [ModelArchitecture] = [
        ModelArchitecture(
            name: "llama-2-7b", hidden: 4096, intermediate: 11008, layers: 32, heads: 32, kvHeads: 32,
            vocab: 32000, tieEmbeddings: false),
        ModelArchitecture(
            name: "llama-2-13b", hidden: 5120, intermediate: 13824, layers: 40, heads: 40, kvHeads: 40,
            vocab: 32000, tieEmbeddings: false),
        ModelArchitecture(
            name: "llama-2-70b", hidden: 8192, intermediate: 28672, layers: 80, heads: 64, kvHeads: 8,
            vocab: 32000, tieEmbeddings: false),
        ModelArchitecture(
            name: "llama-3-8b", hidden: 4096, intermediate: 14336, layers: 32, heads: 32, kvHeads: 8,
            vocab: 128_256, tieEmbeddings: false),
        ModelArchitecture(
            name: "llama-3.2-1b", hidden: 2048, intermediate: 8192, layers: 16, heads: 32, kvHeads: 8,
            vocab: 128_256, tieEmbeddings: true),
        ModelArchitecture(
            name: "llama-3.2-3b", hidden: 3072, intermediate: 8192, layers: 28, heads: 24, kvHeads: 8,
            vocab: 128_256, tieEmbeddings: true),
        ModelArchitecture(
            name: "mistral-7b", hidden: 4096, intermediate: 14336, layers: 32, heads: 32, kvHeads: 8,
            vocab: 32000, tieEmbeddings: false),
        ModelArchitecture(
            name: "qwen2.5-7b", hidden: 3584, intermediate: 18944, layers: 28, heads: 28, kvHeads: 4,
            vocab: 152_064, tieEmbeddings: false, qkvBias: true),
        ModelArchitecture(
            name: "llama-65b", hidden: 8192, intermediate: 22016, layers: 80, heads: 64, kvHeads: 64,
            vocab: 32000, tieEmbeddings: false),
    ]

    /// The known architecture called `name`.
    ///
    /// - Throws: `InputError` with source `model` naming every known architecture when there is none by that name.
    public static func named(_ name: String) throws(InputError) -> ModelArchitecture {
        guard let model = known.first(where: { $0.name == name }) else {
            let names = known.map(\.name).joined(separator: ", ")
            throw InputError("model", "unknown model '\(name)'; expected one of: \(names)")
        }
        return model
    }
}

extension ModelArchitecture: Sendable {}
