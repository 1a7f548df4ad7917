// Filling a panel of B: copying it from a float matrix, or decoding it from a packed weight.
//
// The micro-kernel (MatrixKernel.c) reads B as panels of QLORA_PANEL_WIDTH columns, row after row.
// When B is read across its storage (Wᵀ for y = x Wᵀ, Aᵀ for x Aᵀ) each panel row gathers one
// value from each of sixteen stored rows: the code reads eight stored rows along and transposes
// 8 x 8 blocks in registers instead. A packed weight is decoded on the way, so the product never
// needs a float32 copy of it: the fused dequantize-and-multiply of a QLoRA layer. Decoding is
// `level * scale` per value, one IEEE multiply, the same in every variant.

#include "PanelPacking.h"
#include "Variant.h"
#include "VectorTypes.h"

#include <string.h>

#pragma clang fp contract(off)

/// Values of a stored row handled at a time before they are transposed into the panel.
enum { chunk = 64 };

/// Transposes `rows` x `columns` of `source` (rows `source_stride` apart) into the panel: panel
/// row t gets source column t. Panel columns past `rows` are zero.
ALWAYS_INLINE void transpose_into_panel(
    const float *source, ptrdiff_t source_stride, ptrdiff_t rows, ptrdiff_t columns, float *panel)
{
    ptrdiff_t t = 0;
    if (rows == QLORA_PANEL_WIDTH) {
        // Eight columns of two groups of eight rows at a time: an 8 x 8 transpose in registers.
        for (; t + 8 <= columns; t += 8) {
            for (int group = 0; group < 2; group++) {
                lanes8 v[8];
                for (int i = 0; i < 8; i++) v[i] = *(const lanes8_unaligned *)(source + (group * 8 + i) * source_stride + t);
                transpose8x8(v);
                for (int i = 0; i < 8; i++) *(lanes8_unaligned *)(panel + (t + i) * QLORA_PANEL_WIDTH + group * 8) = v[i];
            }
        }
    }
    for (; t < columns; t++) {
        float *destination = panel + t * QLORA_PANEL_WIDTH;
        for (ptrdiff_t j = 0; j < QLORA_PANEL_WIDTH; j++) destination[j] = j < rows ? source[j * source_stride + t] : 0;
    }
}

// MARK: - Float matrices

ALWAYS_INLINE void pack_float_panel(
    const float *values, ptrdiff_t row_stride, ptrdiff_t column_stride,
    ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel)
{
    const float *corner = values + first_row * row_stride + first_column * column_stride;
    if (column_stride == 1 && width == QLORA_PANEL_WIDTH) {
        // A copy of a known size: a few vector moves per row, not a call.
        for (ptrdiff_t t = 0; t < depth; t++) {
            memcpy(panel + t * QLORA_PANEL_WIDTH, corner + t * row_stride, QLORA_PANEL_WIDTH * sizeof(float));
        }
    } else if (column_stride == 1) {
        for (ptrdiff_t t = 0; t < depth; t++) {
            float *destination = panel + t * QLORA_PANEL_WIDTH;
            memcpy(destination, corner + t * row_stride, (size_t)width * sizeof(float));
            for (ptrdiff_t j = width; j < QLORA_PANEL_WIDTH; j++) destination[j] = 0;
        }
    } else if (row_stride == 1) {
        transpose_into_panel(corner, column_stride, width, depth, panel);
    } else {
        for (ptrdiff_t t = 0; t < depth; t++) {
            for (ptrdiff_t j = 0; j < QLORA_PANEL_WIDTH; j++) {
                panel[t * QLORA_PANEL_WIDTH + j] = j < width ? corner[t * row_stride + j * column_stride] : 0;
            }
        }
    }
}

DEFINE_VARIANTS(pack_float_panel,
    (const float *values, ptrdiff_t row_stride, ptrdiff_t column_stride,
     ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel),
    (values, row_stride, column_stride, first_row, depth, first_column, width, panel))

void qlora_pack_float_panel(
    qlora_vector_level level, const float *values, ptrdiff_t row_stride, ptrdiff_t column_stride,
    ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel)
{
    VARIANT(pack_float_panel, level)(values, row_stride, column_stride, first_row, depth, first_column, width, panel);
}

// MARK: - Packed weights

/// Writes elements [first, first + count) of the weight, which lie in one block, to `out`.
ALWAYS_INLINE void decode_run_scalar(qlora_packed_weight weight, float scale, ptrdiff_t first, ptrdiff_t count, float *out) {
    for (ptrdiff_t t = 0; t < count; t++) {
        ptrdiff_t element = first + t;
        if (weight.codebook) {
            uint8_t byte = weight.codes[element >> 1];
            out[t] = weight.codebook[(element & 1) ? (byte & 0x0F) : (byte >> 4)] * scale;
        } else {
            out[t] = (float)(int8_t)weight.codes[element] * scale;
        }
    }
}

/// Decodes a run of elements in one block: one of these per vector level.
typedef void (*run_decoder)(qlora_packed_weight, float scale, ptrdiff_t first, ptrdiff_t count, float *out);

/// A position in the stored weight: an element, its block, and how many elements are left in that block.
typedef struct element_cursor {
    ptrdiff_t element;
    ptrdiff_t block;
    ptrdiff_t left_in_block;
} element_cursor;

/// The cursor at `element`: the one division a run of elements needs.
ALWAYS_INLINE element_cursor cursor_at(qlora_packed_weight weight, ptrdiff_t element) {
    ptrdiff_t block = element / weight.blocksize;
    return (element_cursor){ element, block, (block + 1) * weight.blocksize - element };
}

/// Moves the cursor `length` elements on, at most to the end of its block.
ALWAYS_INLINE void advance(element_cursor *cursor, ptrdiff_t length, ptrdiff_t blocksize) {
    cursor->element += length;
    cursor->left_in_block -= length;
    if (cursor->left_in_block == 0) {
        cursor->block += 1;
        cursor->left_in_block = blocksize;
    }
}

/// Writes the `count` elements from `cursor` to `out`, block by block, and moves the cursor past them.
ALWAYS_INLINE void decode_elements(
    qlora_packed_weight weight, element_cursor *cursor, ptrdiff_t count, float *out,
    run_decoder run)
{
    while (count > 0) {
        ptrdiff_t length = cursor->left_in_block < count ? cursor->left_in_block : count;
        run(weight, weight.scales[cursor->block], cursor->element, length, out);
        advance(cursor, length, weight.blocksize);
        out += length;
        count -= length;
    }
}

/// Decodes `chunk` values of each of QLORA_PANEL_WIDTH stored rows of 4-bit codes, already known
/// to start at a byte and to lie in one block each, into the panel (NULL for a variant without
/// this path).
typedef void (*whole_chunk_decoder)(const float *codebook, const uint8_t *const bytes[QLORA_PANEL_WIDTH],
                                    const float scales[QLORA_PANEL_WIDTH], float *panel);

ALWAYS_INLINE void decode_transposed_panel(
    qlora_packed_weight weight, ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width,
    float *panel, run_decoder run, whole_chunk_decoder whole_chunk)
{
    float rows[QLORA_PANEL_WIDTH * chunk];
    element_cursor cursors[QLORA_PANEL_WIDTH];
    for (ptrdiff_t j = 0; j < width; j++) cursors[j] = cursor_at(weight, (first_column + j) * weight.columns + first_row);
    for (ptrdiff_t t = 0; t < depth; t += chunk) {
        ptrdiff_t length = depth - t < chunk ? depth - t : chunk;
        float *destination = panel + t * QLORA_PANEL_WIDTH;
        if (whole_chunk && weight.codebook && width == QLORA_PANEL_WIDTH && length == chunk) {
            // The common case (rows of whole blocks, a blocksize that is a multiple of 64): each
            // stored row's 64 values share one scale and fill 32 whole bytes.
            const uint8_t *bytes[QLORA_PANEL_WIDTH];
            float scales[QLORA_PANEL_WIDTH];
            int whole = 1;
            for (ptrdiff_t j = 0; j < width; j++) {
                whole &= (cursors[j].element & 1) == 0 && cursors[j].left_in_block >= chunk;
                bytes[j] = weight.codes + (cursors[j].element >> 1);
                scales[j] = weight.scales[cursors[j].block];
            }
            if (whole) {
                whole_chunk(weight.codebook, bytes, scales, destination);
                for (ptrdiff_t j = 0; j < width; j++) advance(&cursors[j], chunk, weight.blocksize);
                continue;
            }
        }
        for (ptrdiff_t j = 0; j < width; j++) decode_elements(weight, &cursors[j], length, rows + j * chunk, run);
        transpose_into_panel(rows, chunk, width, length, destination);
    }
}

ALWAYS_INLINE void decode_panel(
    qlora_packed_weight weight, ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width,
    float *panel, run_decoder run)
{
    for (ptrdiff_t t = 0; t < depth; t++) {
        float *destination = panel + t * QLORA_PANEL_WIDTH;
        element_cursor cursor = cursor_at(weight, (first_row + t) * weight.columns + first_column);
        decode_elements(weight, &cursor, width, destination, run);
        for (ptrdiff_t j = width; j < QLORA_PANEL_WIDTH; j++) destination[j] = 0;
    }
}

static void decode_run_baseline(qlora_packed_weight weight, float scale, ptrdiff_t first, ptrdiff_t count, float *out) {
    decode_run_scalar(weight, scale, first, count, out);
}

#if defined(__x86_64__)
#include <immintrin.h>

/// Looks up eight 4-bit codes (lanes holding 0...15) in the 16-level codebook held in two registers.
__attribute__((target("avx2")))
static inline __m256 look_up_avx2(__m256i codes, __m256 low_levels, __m256 high_levels) {
    __m256 low = _mm256_permutevar8x32_ps(low_levels, codes);
    __m256 high = _mm256_permutevar8x32_ps(high_levels, codes);
    // Bit 3 of the code picks the upper half: moved to the sign bit, it steers blendv.
    return _mm256_blendv_ps(low, high, _mm256_castsi256_ps(_mm256_slli_epi32(codes, 28)));
}

/// Eight elements at a time from an even element: four bytes, split into nibbles high first, each
/// code looked up in the codebook, then scaled.
__attribute__((target("avx2")))
static void decode_run_avx2(qlora_packed_weight weight, float scale, ptrdiff_t first, ptrdiff_t count, float *out) {
    ptrdiff_t t = 0;
    if (!weight.codebook) {
        // Integer codes: eight bytes widened to eight floats, then scaled.
        const __m256 scales = _mm256_set1_ps(scale);
        for (; t + 8 <= count; t += 8) {
            int64_t eight_bytes;
            memcpy(&eight_bytes, weight.codes + first + t, 8);
            __m256 values = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_cvtsi64_si128(eight_bytes)));
            _mm256_storeu_ps(out + t, _mm256_mul_ps(values, scales));
        }
        decode_run_scalar(weight, scale, first + t, count - t, out + t);
        return;
    }
    if (first & 1) {
        decode_run_scalar(weight, scale, first, 1, out);
        t = 1;
    }
    const __m256 low_levels = _mm256_loadu_ps(weight.codebook);
    const __m256 high_levels = _mm256_loadu_ps(weight.codebook + 8);
    const __m256 scales = _mm256_set1_ps(scale);
    const __m256i byte_of_lane = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
    const __m256i nibble_shift = _mm256_setr_epi32(4, 0, 4, 0, 4, 0, 4, 0);
    const __m256i nibble = _mm256_set1_epi32(0x0F);
    for (; t + 8 <= count; t += 8) {
        uint32_t four_bytes;
        memcpy(&four_bytes, weight.codes + ((first + t) >> 1), 4);
        __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_cvtepu8_epi32(_mm_cvtsi32_si128((int)four_bytes)), byte_of_lane);
        __m256i codes = _mm256_and_si256(_mm256_srlv_epi32(bytes, nibble_shift), nibble);
        _mm256_storeu_ps(out + t, _mm256_mul_ps(look_up_avx2(codes, low_levels, high_levels), scales));
    }
    decode_run_scalar(weight, scale, first + t, count - t, out + t);
}

/// Transposes the codes before decoding them: eight rows' 32 bytes become 8 vectors whose lane j
/// holds four bytes of row j, so each panel row is one shift, one lookup and one multiply by
/// the rows' scales, with no float transpose after.
__attribute__((target("avx2")))
static void decode_whole_chunk_avx2(const float *codebook, const uint8_t *const bytes[QLORA_PANEL_WIDTH],
                                    const float scales[QLORA_PANEL_WIDTH], float *panel) {
    const __m256 low_levels = _mm256_loadu_ps(codebook);
    const __m256 high_levels = _mm256_loadu_ps(codebook + 8);
    for (int group = 0; group < 2; group++) {
        lanes8 words[8];
        for (int j = 0; j < 8; j++) words[j] = *(const lanes8_unaligned *)bytes[group * 8 + j];
        transpose8x8(words);
        const __m256 group_scales = _mm256_loadu_ps(scales + group * 8);
        for (int word = 0; word < 8; word++) {
            for (int code = 0; code < 8; code++) {
                // Code k of a little-endian word sits in byte k / 2, the high nibble first.
                const int shift = 8 * (code / 2) + (code % 2 == 0 ? 4 : 0);
                __m256i codes = (__m256i)((words[word] >> shift) & 0x0F);
                __m256 level = look_up_avx2(codes, low_levels, high_levels);
                _mm256_storeu_ps(panel + (8 * word + code) * QLORA_PANEL_WIDTH + group * 8, _mm256_mul_ps(level, group_scales));
            }
        }
    }
}
#endif

static void decode_panel_baseline(
    qlora_packed_weight weight, ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel)
{
    decode_panel(weight, first_row, depth, first_column, width, panel, decode_run_baseline);
}

static void decode_transposed_panel_baseline(
    qlora_packed_weight weight, ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel)
{
    decode_transposed_panel(weight, first_row, depth, first_column, width, panel, decode_run_baseline, NULL);
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void decode_panel_avx2(
    qlora_packed_weight weight, ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel)
{
    decode_panel(weight, first_row, depth, first_column, width, panel, decode_run_avx2);
}

__attribute__((target("avx2")))
static void decode_transposed_panel_avx2(
    qlora_packed_weight weight, ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel)
{
    decode_transposed_panel(weight, first_row, depth, first_column, width, panel, decode_run_avx2, decode_whole_chunk_avx2);
}
#endif

void qlora_decode_packed_panel(
    qlora_vector_level level, qlora_packed_weight weight, bool transposed,
    ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel)
{
    if (transposed) {
        VARIANT(decode_transposed_panel, level)(weight, first_row, depth, first_column, width, panel);
    } else {
        VARIANT(decode_panel, level)(weight, first_row, depth, first_column, width, panel);
    }
}
