import Foundation

extension ModelArchitecture {
    /// The `model_type`s whose decoder block is the one the memory table counts: Llama's, with grouped-query
    /// attention, rotary embeddings, RMSNorm and a SwiGLU MLP. Qwen2 adds biases to `q_proj`, `k_proj`, `v_proj`.
    public static let llamaFamilyModelTypes = ["llama", "mistral", "qwen2"]

    /// The largest width, in values, accepted from a config (hidden, intermediate, and heads x head width).
    public static let widthLimit = 1 << 20
    /// The most layers, heads and values per head accepted from a config.
    public static let countLimit = 4096
    /// The largest vocabulary accepted from a config.
    public static let vocabularyLimit = 1 << 24

    /// The keys of a transformers `config.json` that give the shape; every other key is ignored.
    private struct ConfigFile: Decodable {
        var model_type: String?
        var hidden_size: Int?
        var intermediate_size: Int?
        var num_hidden_layers: Int?
        var num_attention_heads: Int?
        var num_key_value_heads: Int?
        var head_dim: Int?
        var vocab_size: Int?
        var tie_word_embeddings: Bool?
        var attention_bias: Bool?
    }

    /// Reads the architecture from a transformers `config.json` at `path`, named after its folder.
    ///
    /// - Throws: `InputError` whose source is the path (with `:line` for a syntax error) and whose message
    ///   names the key and what was expected there.
    public init(configFile path: String) throws(InputError) {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw InputError(path, "cannot read the file; expected a transformers config.json")
        }
        let name = url.lastPathComponent == "config.json"
            ? url.deletingLastPathComponent().lastPathComponent : url.deletingPathExtension().lastPathComponent
        try self.init(configJSON: data, name: name, source: path)
    }

    /// Reads the architecture from the bytes of a transformers `config.json`; `source` names them in errors.
    ///
    /// - Throws: `InputError` as `init(configFile:)` does.
    public init(configJSON data: Data, name: String, source: String) throws(InputError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw InputError(Self.syntaxErrorSource(source, data: data, error: error), "expected valid JSON")
        }
        guard let keys = object as? [String: Any] else { throw InputError(source, "expected a JSON object") }
        try JSONShape.refuseDuplicateKeys(in: data, source: source)
        let file: ConfigFile
        do {
            file = try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            throw Self.valueError(context.codingPath.map(\.stringValue).joined(separator: "."), source: source)
        } catch {
            // A number that is not a whole number fitting 64 bits; find which key holds it.
            let key = Self.integerKeys.first { key in
                guard let number = keys[key] as? Double else { return false }
                return number.rounded() != number || abs(number) >= 0x1p62
            }
            throw Self.valueError(key ?? "", source: source)
        }
        guard let modelType = file.model_type else {
            throw InputError(source, "key 'model_type' is missing; expected one of: \(Self.familyNames)")
        }
        guard Self.llamaFamilyModelTypes.contains(modelType) else {
            throw InputError(
                source, "model_type '\(modelType)' is not a Llama-family model; expected one of: \(Self.familyNames)")
        }
        func required(_ key: String, _ value: Int?, limit: Int) throws(InputError) -> Int {
            guard let value else { throw InputError(source, "key '\(key)' is missing; expected a whole number") }
            return try Self.checked(key, value, limit: limit, source: source)
        }
        let hidden = try required("hidden_size", file.hidden_size, limit: Self.widthLimit)
        let intermediate = try required("intermediate_size", file.intermediate_size, limit: Self.widthLimit)
        let layers = try required("num_hidden_layers", file.num_hidden_layers, limit: Self.countLimit)
        let heads = try required("num_attention_heads", file.num_attention_heads, limit: Self.countLimit)
        let vocab = try required("vocab_size", file.vocab_size, limit: Self.vocabularyLimit)
        let kvHeads = try Self.checked(
            "num_key_value_heads", file.num_key_value_heads ?? heads, limit: heads, source: source)
        guard heads % kvHeads == 0 else {
            throw InputError(
                source, "key 'num_key_value_heads': expected a divisor of num_attention_heads (\(heads)), got \(kvHeads)")
        }
        let headDimension: Int
        if let value = file.head_dim {
            headDimension = try Self.checked("head_dim", value, limit: Self.countLimit, source: source)
        } else {
            guard hidden % heads == 0 else {
                throw InputError(
                    source, "key 'head_dim' is missing and hidden_size (\(hidden)) is not a multiple of "
                        + "num_attention_heads (\(heads)); expected head_dim")
            }
            headDimension = hidden / heads
        }
        guard heads * headDimension <= Self.widthLimit else {
            throw InputError(source, "key 'head_dim': expected num_attention_heads x head_dim of at most \(Self.widthLimit)")
        }
        self.init(
            name: name, hidden: hidden, intermediate: intermediate, layers: layers, heads: heads, kvHeads: kvHeads,
            vocab: vocab, tieEmbeddings: file.tie_word_embeddings ?? false,
            qkvBias: modelType == "qwen2" || file.attention_bias == true, headDimension: headDimension)
    }

    /// The keys read as whole numbers.
    private static let integerKeys = [
        "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
        "head_dim", "vocab_size",
    ]

    /// The error for `key` holding a value of the wrong type, or a number that is not a whole number.
    private static func valueError(_ key: String, source: String) -> InputError {
        guard !key.isEmpty else { return InputError(source, "expected whole numbers for the model's sizes") }
        let expected = key == "model_type" ? "a string" : integerKeys.contains(key) ? "a whole number" : "true or false"
        return InputError(source, "key '\(key)': expected \(expected)")
    }

    private static var familyNames: String { llamaFamilyModelTypes.joined(separator: ", ") }

    /// `value` when it is a whole number from 1 to `limit`.
    private static func checked(_ key: String, _ value: Int, limit: Int, source: String) throws(InputError) -> Int {
        guard (1...limit).contains(value) else {
            throw InputError(source, "key '\(key)': expected a whole number from 1 to \(limit), got \(value)")
        }
        return value
    }

    /// `source:line` when the JSON parser says at which character it stopped, else `source`.
    private static func syntaxErrorSource(_ source: String, data: Data, error: any Error) -> String {
        let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
        guard let match = description.firstMatch(of: /character (\d+)/), let offset = Int(match.1),
            offset <= data.count
        else { return source }
        let line = data.prefix(offset).reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        return "\(source):\(line)"
    }
}
