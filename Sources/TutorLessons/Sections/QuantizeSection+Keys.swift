extension QuantizeSection {
    /// What the `quantize` section can show.
    public enum OutputKey: String, SectionOutputKey {
        case constants, stats, heatmap, error, histogram, usage, codes, buffers, memory

        public var summary: String {
            switch self {
            case .constants: "table of the scale, the zero point (`minmax4`) and the codes a weight can get"
            case .stats: "table of the error statistics and the storage cost"
            case .heatmap: "the original and the reconstructed matrix side by side, on one signed scale"
            case .error: "heatmap of reconstructed - original, with the block grid"
            case .histogram: "histogram of the weights, the quantizer's levels marked"
            case .usage: "histogram of how often each code is used"
            case .codes: "table of the first values: original, code, reconstructed, error"
            case .buffers: "table of every stored buffer with its type and bytes"
            case .memory: "memory breakdown of the stored buffers"
            }
        }
    }

    /// The numbers the `quantize` section produces.
    public enum ResultKey: String, SectionResultKey {
        case count, blocks, mae, mse, rmse
        case maxError = "max_error"
        case sqnrDecibels = "sqnr_db"
        case worstBlockMSE = "worst_block_mse"
        case bitsPerParameter = "bits_per_param"
        case codeBytes = "code_bytes"
        case storedBytes = "stored_bytes"
        case codebookBytes = "codebook_bytes"
        case float32Bytes = "float32_bytes"
        case savingPercent = "saving_percent"
        case levels
        case distinctCodes = "distinct_codes"
        case codeEntropyBits = "code_entropy_bits"
        case absmax, scale, minimum
        case zeroGap = "zero_gap"

        public var name: String { rawValue }

        public var summary: String {
            switch self {
            case .count: "number of weights: rows x cols"
            case .blocks: "number of scale blocks the quantizer stored (block types only)"
            case .mae: "mean absolute error"
            case .mse: "mean squared error"
            case .rmse: "root mean squared error"
            case .maxError: "largest absolute error"
            case .sqnrDecibels: "signal-to-quantization-noise ratio in dB (inf when exact)"
            case .worstBlockMSE: "largest mean squared error of one block"
            case .bitsPerParameter: "stored bits per weight, codebooks left out (the QLoRA paper's count)"
            case .codeBytes: "bytes of the codes alone"
            case .storedBytes: "bytes of every stored buffer that grows with the matrix (codebooks left out)"
            case .codebookBytes: "bytes of the fixed codebooks stored alongside (16 or 256 float32 values)"
            case .float32Bytes: "bytes of the matrix as float32: 4 per weight"
            case .savingPercent: "100 * (1 - stored_bytes / float32_bytes)"
            case .levels: "number of values a code can stand for (16, 15 for `int4`, 255 for `int8`)"
            case .distinctCodes: "number of distinct codes the matrix uses"
            case .codeEntropyBits: "entropy of the code usage in bits: how evenly the codes are used"
            case .absmax: "largest absolute weight"
            case .scale: "`minmax4`: the step between levels; otherwise the largest block's scale (absmax or absmax / largest code)"
            case .minimum: "the value of code 0, the smallest weight (`minmax4` only)"
            case .zeroGap: "distance from 0.0 to the nearest level: 0 when zero is a level, as in every symmetric type"
            }
        }

        public var provenance: ResultProvenance {
            switch self {
            case .count, .float32Bytes, .levels: .given
            default: .measured
            }
        }
    }
}
