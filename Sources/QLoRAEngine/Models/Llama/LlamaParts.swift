import CQLoRAKernels
import Foundation

/// Each part of a Llama model, its forward pass and its backward pass side by side, over row-major
/// buffers: the formula here, the loop eight values at a time in `LlamaRowKernels.c` (with its own
/// e^x, the same bits on every machine), the large products in `MatrixMultiply`.
///
/// Shapes: N tokens (batch x sequence, sequence innermost), H hidden, V vocabulary, d head width.
/// Backward functions add into gradients of parameters only where they say so; every sum runs in
/// a fixed order, so the results do not depend on threads.
enum LlamaParts {
    // MARK: Token embedding

    /// x[n] = E[id[n]].
    static func embeddingForward(
        ids: UnsafeBufferPointer<Int32>, table: UnsafeBufferPointer<Float>, width: Int,
        into x: UnsafeMutableBufferPointer<Float>
    ) {
        for n in 0..<ids.count {
            let row = Int(ids[n]) * width
            for c in 0..<width { x[n * width + c] = table[row + c] }
        }
    }

    /// dE[id[n]] += dx[n], tokens in order.
    static func embeddingBackward(
        ids: UnsafeBufferPointer<Int32>, outputGradient dx: UnsafeBufferPointer<Float>, width: Int,
        tableGradient dE: UnsafeMutableBufferPointer<Float>
    ) {
        for n in 0..<ids.count {
            let row = Int(ids[n]) * width
            for c in 0..<width { dE[row + c] += dx[n * width + c] }
        }
    }

    // MARK: RMSNorm

    /// y = w ⊙ x · r with r = 1 / sqrt(mean(x²) + ε), per row; keeps r for backward.
    struct RMSNormForward: RowBlockWork {
        let x: UnsafeBufferPointer<Float>
        let weight: UnsafeBufferPointer<Float>
        let epsilon: Float
        let y: UnsafeMutableBufferPointer<Float>
        let inverseRMS: UnsafeMutableBufferPointer<Float>

        func run(rows: Range<Int>) {
            let width = weight.count, first = rows.lowerBound * width
            qlora_rms_norm_rows(
                .detected, x.baseAddress! + first, weight.baseAddress!, width, epsilon, rows.count, y.baseAddress! + first,
                inverseRMS.baseAddress! + rows.lowerBound)
        }
    }

    /// With x̂ = x r and g = w ⊙ dy:  dx += r (g - x̂ · mean(g ⊙ x̂)).
    struct RMSNormBackward: RowBlockWork {
        let x: UnsafeBufferPointer<Float>
        let weight: UnsafeBufferPointer<Float>
        let inverseRMS: UnsafeBufferPointer<Float>
        let outputGradient: UnsafeBufferPointer<Float>
        let inputGradient: UnsafeMutableBufferPointer<Float>

        func run(rows: Range<Int>) {
            let width = weight.count, first = rows.lowerBound * width
            qlora_rms_norm_rows_backward(
                .detected, x.baseAddress! + first, weight.baseAddress!, inverseRMS.baseAddress! + rows.lowerBound,
                outputGradient.baseAddress! + first, width, rows.count, inputGradient.baseAddress! + first)
        }
    }

    /// dw += Σ_rows dy ⊙ x̂, rows in order.
    static func rmsNormWeightBackward(
        _ x: UnsafeBufferPointer<Float>, inverseRMS: UnsafeBufferPointer<Float>, outputGradient dy: UnsafeBufferPointer<Float>,
        rows: Int, weightGradient dw: UnsafeMutableBufferPointer<Float>
    ) {
        qlora_rms_norm_weight_gradient(
            .detected, x.baseAddress!, inverseRMS.baseAddress!, dy.baseAddress!, dw.count, rows, dw.baseAddress!)
    }

    // MARK: Rotary position embedding

    /// cos and sin of position t times frequency i = θ^(-2i/d), `[positions, d/2]`, in float32 as
    /// transformers computes them (its cos and sin repeat these for the second half of a head).
    static func rotaryTables(
        positions: Int, headDimension d: Int, theta: Float,
        cos: UnsafeMutableBufferPointer<Float>, sin: UnsafeMutableBufferPointer<Float>
    ) {
        let half = d / 2
        for i in 0..<half {
            let inverseFrequency = 1 / Foundation.pow(theta, Float(2 * i) / Float(d))
            for t in 0..<positions {
                let angle = Float(t) * inverseFrequency
                cos[t * half + i] = Foundation.cos(angle)
                sin[t * half + i] = Foundation.sin(angle)
            }
        }
    }

    /// Rotates each head's pairs (i, i + d/2) of the queries and keys by the angle of their
    /// token's position, in place (transformers' `x cos + rotate_half(x) sin`):
    ///
    ///     x₁' = x₁ c - x₂ s,   x₂' = x₂ c + x₁ s
    ///
    /// The rotation is orthogonal, so its backward (`sinSign` -1) rotates the gradients back by
    /// the opposite angle: dx₁ = dx₁' c + dx₂' s,  dx₂ = dx₂' c - dx₁' s. Negating a float is exact,
    /// so the backward's bits are those of its formula written out.
    struct Rotation: RowBlockWork {
        let query: UnsafeMutableBufferPointer<Float>
        let key: UnsafeMutableBufferPointer<Float>
        let sequenceLength: Int
        let heads: Int
        let keyValueHeads: Int
        let headDimension: Int
        let cos: UnsafeBufferPointer<Float>
        let sin: UnsafeBufferPointer<Float>
        /// 1 forward, -1 backward.
        let sinSign: Float

        func run(rows: Range<Int>) {
            func rotate(_ x: UnsafeMutableBufferPointer<Float>, heads: Int) {
                qlora_rotate_rows(
                    .detected, x.baseAddress!, rows.lowerBound, rows.count, sequenceLength, heads, headDimension / 2,
                    cos.baseAddress!, sin.baseAddress!, sinSign)
            }
            rotate(query, heads: heads)
            rotate(key, heads: keyValueHeads)
        }
    }

    // MARK: Causal softmax

    /// Rows `firstRow ..< firstRow + rows` of a causal score matrix, stored `width` wide (columns
    /// past `width` are all masked): row i becomes softmax over columns 0...i; columns after i become 0.
    static func causalSoftmaxForward(_ scores: UnsafeMutablePointer<Float>, firstRow: Int, rows: Int, width: Int) {
        qlora_causal_softmax_rows(.detected, scores, firstRow, rows, width)
    }

    /// With P the probabilities and dP their gradient, laid out as in `causalSoftmaxForward`, in
    /// place: dS = P ⊙ (dP - Σ_j dP ⊙ P) per row.
    static func causalSoftmaxBackward(
        probabilities p: UnsafePointer<Float>, gradient dP: UnsafeMutablePointer<Float>, firstRow: Int, rows: Int, width: Int
    ) {
        qlora_causal_softmax_rows_backward(.detected, p, dP, firstRow, rows, width)
    }

    // MARK: SwiGLU

    /// a = silu(g) ⊙ u, with silu(g) = g σ(g), for rows of `width` values.
    struct SwiGLUForward: RowBlockWork {
        let gate: UnsafeBufferPointer<Float>
        let up: UnsafeBufferPointer<Float>
        let activated: UnsafeMutableBufferPointer<Float>
        let width: Int

        func run(rows: Range<Int>) {
            let first = rows.lowerBound * width
            qlora_swiglu(
                .detected, gate.baseAddress! + first, up.baseAddress! + first, activated.baseAddress! + first,
                rows.count * width)
        }
    }

    /// dg = da ⊙ u ⊙ σ(g)(1 + g(1 - σ(g))),  du = da ⊙ silu(g).
    struct SwiGLUBackward: RowBlockWork {
        let gate: UnsafeBufferPointer<Float>
        let up: UnsafeBufferPointer<Float>
        let activatedGradient: UnsafeBufferPointer<Float>
        let gateGradient: UnsafeMutableBufferPointer<Float>
        let upGradient: UnsafeMutableBufferPointer<Float>
        let width: Int

        func run(rows: Range<Int>) {
            let first = rows.lowerBound * width
            qlora_swiglu_backward(
                .detected, gate.baseAddress! + first, up.baseAddress! + first, activatedGradient.baseAddress! + first,
                gateGradient.baseAddress! + first, upGradient.baseAddress! + first, rows.count * width)
        }
    }

    // MARK: Causal-LM loss

    /// Cross-entropy of logits[:, t] against ids[:, t + 1] into `rowLosses` (0 on the last
    /// position of a sequence, which has nothing to predict), and, when `gradient` is given,
    /// d mean loss / d logits: (softmax - onehot) / `predicted` on predicting rows and 0 on the last.
    struct CrossEntropy: RowBlockWork {
        let logits: UnsafeBufferPointer<Float>
        let ids: UnsafeBufferPointer<Int32>
        let sequenceLength: Int
        let vocabulary: Int
        let predicted: Int
        let rowLosses: UnsafeMutableBufferPointer<Float>
        let gradient: UnsafeMutableBufferPointer<Float>?

        func run(rows: Range<Int>) {
            let first = rows.lowerBound * vocabulary
            qlora_cross_entropy_rows(
                .detected, logits.baseAddress! + first, ids.baseAddress!, rows.lowerBound, rows.count, sequenceLength,
                vocabulary, predicted, rowLosses.baseAddress! + rows.lowerBound, gradient.map { $0.baseAddress! + first })
        }
    }
}

// MARK: Grouped-query attention

extension LlamaParts {
    /// The shape of one attention call.
    struct AttentionShape {
        let batchSize: Int
        let sequenceLength: Int
        let heads: Int
        let keyValueHeads: Int
        let headDimension: Int

        var queryWidth: Int { heads * headDimension }
        var keyValueWidth: Int { keyValueHeads * headDimension }
        /// Query heads that share one key/value head (transformers' `num_key_value_groups`).
        var group: Int { heads / keyValueHeads }
        /// Floats of scratch one worker needs: a key/value head's keys and values packed for the
        /// products (as Kᵀ and V forward, as K and Vᵀ backward), dP of one row block (or its P, in
        /// an evaluation), and one row block of dO or Q packed (backward).
        var scratchPerWorker: Int { 2 * packedHeadCount + Self.rowBlock * sequenceLength + packedBlockCount }

        /// Floats one row block of a head's queries (or their gradient) takes packed.
        var packedBlockCount: Int { MatrixMultiply.PackedMatrix.count(rows: Self.rowBlock, columns: headDimension) }

        /// Floats one key or value head takes packed, as T x d or d x T.
        var packedHeadCount: Int {
            max(MatrixMultiply.PackedMatrix.count(rows: sequenceLength, columns: headDimension),
                MatrixMultiply.PackedMatrix.count(rows: headDimension, columns: sequenceLength))
        }

        /// Worker `worker`'s part of `scratch`: room for a packed key head and a packed value
        /// head, for dP, and for a packed row block.
        func scratch(_ scratch: UnsafeMutableBufferPointer<Float>, worker: Int) -> (
            keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>, dP: UnsafeMutablePointer<Float>,
            block: UnsafeMutablePointer<Float>
        ) {
            let start = scratch.baseAddress.unsafelyUnwrapped + worker * scratchPerWorker
            let dP = start + 2 * packedHeadCount
            return (start, start + packedHeadCount, dP, dP + Self.rowBlock * sequenceLength)
        }

        /// The rows of key/value head g of sequence b in k or v: `sequenceLength` x `headDimension`.
        func head(_ values: UnsafeBufferPointer<Float>, b: Int, g: Int) -> MatrixMultiply.Operand {
            MatrixMultiply.Operand(
                values, offset: b * sequenceLength * keyValueWidth + g * headDimension, rows: sequenceLength,
                columns: headDimension, rowStride: keyValueWidth)
        }

        /// Query rows computed together. A causal row block [r0, r1) sees keys 0..<r1 only, so the
        /// blocks skip the masked upper triangle's work: about half of it.
        static let rowBlock = 16

        /// Row blocks in a head.
        var rowBlockCount: Int { sequenceLength.dividedRoundingUp(by: Self.rowBlock) }

        /// Row block `index` of a head: its rows, and where its `rows.count` x `rows.upperBound`
        /// scores start within the head's T x T probabilities.
        func rowBlock(_ index: Int) -> (rows: Range<Int>, offset: Int) {
            let start = index * Self.rowBlock
            // Full block j before this one holds B rows of (j + 1) B scores: B² (1 + ... + k) in all.
            let offset = Self.rowBlock * Self.rowBlock * index * (index + 1) / 2
            return (start..<min(start + Self.rowBlock, sequenceLength), offset)
        }
    }

    /// Causal attention per sequence b and query head h, over key/value head g = h / group:
    ///
    ///     S = Q_bh K_bgᵀ / sqrt(d),   P = causal softmax(S),   O_bh = P V_bg
    ///
    /// q is `[N, heads·d]`, k and v `[N, kvHeads·d]` (already rotated); O is written as
    /// `[N, heads·d]`, the layout `o_proj` reads. P is kept for backward in `probabilities` when
    /// given, each row block of a head as its `rows` x `r1` scores (`AttentionShape.rowBlock(_:)`);
    /// without it (an evaluation), each block's P lives only in the worker's scratch, in cache. The
    /// (b, g) pairs run in parallel; each writes its own rows.
    static func attentionForward(
        query q: UnsafeBufferPointer<Float>, key k: UnsafeBufferPointer<Float>, value v: UnsafeBufferPointer<Float>,
        shape: AttentionShape, probabilities: UnsafeMutableBufferPointer<Float>?,
        into output: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>,
        context: LlamaKernelContext
    ) {
        context.forEach(
            shape.batchSize * shape.keyValueHeads,
            AttentionForward(
                q: q, k: k, v: v, shape: shape, probabilities: probabilities, output: output, scratch: scratch,
                vectorLevel: .detected))
    }

    /// `attentionForward` for one (b, g) pair, the item (b · kvHeads + g).
    private struct AttentionForward: ItemWork {
        let q: UnsafeBufferPointer<Float>, k: UnsafeBufferPointer<Float>, v: UnsafeBufferPointer<Float>
        let shape: AttentionShape
        let probabilities: UnsafeMutableBufferPointer<Float>?
        let output: UnsafeMutableBufferPointer<Float>
        let scratch: UnsafeMutableBufferPointer<Float>
        let vectorLevel: qlora_vector_level

        func run(item: Int, worker: Int) {
            let (T, d) = (shape.sequenceLength, shape.headDimension)
            let scale = 1 / Float(d).squareRoot()
            let (b, g) = (item / shape.keyValueHeads, item % shape.keyValueHeads)
            // The group's keys and values, packed once for all its heads and row blocks: a block
            // multiplies by the first `seen` columns of Kᵀ and the first `seen` rows of V.
            let room = shape.scratch(scratch, worker: worker)
            let keys = MatrixMultiply.PackedMatrix(packing: shape.head(k, b: b, g: g).transposed, into: room.keys, vectorLevel: vectorLevel)
            let values = MatrixMultiply.PackedMatrix(packing: shape.head(v, b: b, g: g), into: room.values, vectorLevel: vectorLevel)
            for h in g * shape.group..<(g + 1) * shape.group {
                let head = probabilities.map { $0.baseAddress.unsafelyUnwrapped + (b * shape.heads + h) * T * T }
                for block in 0..<shape.rowBlockCount {
                    let (rows, offset) = shape.rowBlock(block)
                    let seen = rows.upperBound
                    let first = (b * T + rows.lowerBound) * shape.queryWidth + h * d
                    let queries = MatrixMultiply.Operand(q, offset: first, rows: rows.count, columns: d, rowStride: shape.queryWidth)
                    let p = head.map { $0 + offset } ?? room.dP
                    keys.multiply(queries, columns: seen, into: p, rowStride: seen, scale: scale)
                    causalSoftmaxForward(p, firstRow: rows.lowerBound, rows: rows.count, width: seen)
                    values.multiply(
                        MatrixMultiply.Operand(UnsafeBufferPointer(start: p, count: rows.count * seen), rows: rows.count, columns: seen),
                        columns: d, into: output.baseAddress.unsafelyUnwrapped + first, rowStride: shape.queryWidth)
                }
            }
        }
    }

    /// Backward of `attentionForward`, given dO; per (b, h) and row block, with dS the softmax's
    /// backward of dP:
    ///
    ///     dP = dO Vᵀ      dV += Pᵀ dO      dQ = dS K / sqrt(d)      dK += dSᵀ Q / sqrt(d)
    ///
    /// the query heads of a group, and their row blocks, adding into their shared dK and dV in order.
    static func attentionBackward(
        query q: UnsafeBufferPointer<Float>, key k: UnsafeBufferPointer<Float>, value v: UnsafeBufferPointer<Float>,
        shape: AttentionShape, probabilities: UnsafeBufferPointer<Float>, outputGradient dO: UnsafeBufferPointer<Float>,
        queryGradient dQ: UnsafeMutableBufferPointer<Float>, keyGradient dK: UnsafeMutableBufferPointer<Float>,
        valueGradient dV: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>,
        context: LlamaKernelContext
    ) {
        context.forEach(
            shape.batchSize * shape.keyValueHeads,
            AttentionBackward(
                q: q, k: k, v: v, shape: shape, probabilities: probabilities, dO: dO, dQ: dQ, dK: dK, dV: dV,
                scratch: scratch, vectorLevel: .detected))
    }

    /// `attentionBackward` for one (b, g) pair, the item (b · kvHeads + g).
    private struct AttentionBackward: ItemWork {
        let q: UnsafeBufferPointer<Float>, k: UnsafeBufferPointer<Float>, v: UnsafeBufferPointer<Float>
        let shape: AttentionShape
        let probabilities: UnsafeBufferPointer<Float>
        let dO: UnsafeBufferPointer<Float>
        let dQ: UnsafeMutableBufferPointer<Float>, dK: UnsafeMutableBufferPointer<Float>, dV: UnsafeMutableBufferPointer<Float>
        let scratch: UnsafeMutableBufferPointer<Float>
        let vectorLevel: qlora_vector_level

        func run(item: Int, worker: Int) {
            let (T, d) = (shape.sequenceLength, shape.headDimension)
            let scale = 1 / Float(d).squareRoot()
            let (b, g) = (item / shape.keyValueHeads, item % shape.keyValueHeads)
            // The group's K and Vᵀ, packed once for all its heads and row blocks.
            let room = shape.scratch(scratch, worker: worker)
            let keys = MatrixMultiply.PackedMatrix(packing: shape.head(k, b: b, g: g), into: room.keys, vectorLevel: vectorLevel)
            let valuesTransposed = MatrixMultiply.PackedMatrix(
                packing: shape.head(v, b: b, g: g).transposed, into: room.values, vectorLevel: vectorLevel)
            let dP = room.dP
            // The group's dK and dV, written in place (rows keyValueWidth apart), start from zero.
            let keyOffset = b * T * shape.keyValueWidth + g * d
            for t in 0..<T {
                let row = keyOffset + t * shape.keyValueWidth
                UnsafeMutableBufferPointer(rebasing: dK[row..<row + d]).update(repeating: 0)
                UnsafeMutableBufferPointer(rebasing: dV[row..<row + d]).update(repeating: 0)
            }
            let (dKGroup, dVGroup) = (dK.baseAddress.unsafelyUnwrapped + keyOffset, dV.baseAddress.unsafelyUnwrapped + keyOffset)
            for h in g * shape.group..<(g + 1) * shape.group {
                let head = probabilities.baseAddress! + (b * shape.heads + h) * T * T
                for block in 0..<shape.rowBlockCount {
                    let (rows, offset) = shape.rowBlock(block)
                    let seen = rows.upperBound
                    let queryOffset = (b * T + rows.lowerBound) * shape.queryWidth + h * d
                    let queries = MatrixMultiply.Operand(q, offset: queryOffset, rows: rows.count, columns: d, rowStride: shape.queryWidth)
                    let outputGradient = MatrixMultiply.Operand(
                        dO, offset: queryOffset, rows: rows.count, columns: d, rowStride: shape.queryWidth)
                    let p = MatrixMultiply.Operand(
                        UnsafeBufferPointer(start: head + offset, count: rows.count * seen), rows: rows.count, columns: seen)
                    let block = UnsafeMutableBufferPointer(start: dP, count: rows.count * seen)
                    // dV and dK take a row block's dO and Q, packed here, as B.
                    MatrixMultiply.PackedMatrix(packing: outputGradient, into: room.block, vectorLevel: vectorLevel)
                        .multiply(p.transposed, columns: d, into: dVGroup, rowStride: shape.keyValueWidth, initial: dVGroup)
                    valuesTransposed.multiply(outputGradient, columns: seen, into: dP, rowStride: seen)
                    causalSoftmaxBackward(
                        probabilities: head + offset, gradient: dP, firstRow: rows.lowerBound, rows: rows.count, width: seen)
                    let dS = MatrixMultiply.Operand(UnsafeBufferPointer(block), rows: rows.count, columns: seen)
                    keys.multiply(
                        dS, columns: d, into: dQ.baseAddress.unsafelyUnwrapped + queryOffset, rowStride: shape.queryWidth,
                        scale: scale)
                    MatrixMultiply.PackedMatrix(packing: queries, into: room.block, vectorLevel: vectorLevel)
                        .multiply(dS.transposed, columns: d, into: dKGroup, rowStride: shape.keyValueWidth, scale: scale, initial: dKGroup)
                }
            }
        }
    }
}
