// The micro-kernel of the matrix product and the 4-bit panel decoder.
//
// The product walks B one panel at a time: `depth` rows of QLORA_PANEL_WIDTH (16) columns, copied
// or decoded into a buffer that stays in the level-1 cache. For each tile of up to six rows of A
// the micro-kernel keeps the 6 x 16 sums in registers (twelve 8-float vectors: the most that fit
// in AVX2's sixteen registers beside the two panel vectors and one broadcast of A) and adds
// `A[i, p] * panel[p]` for p in order. Each sum therefore sees the same additions in the same order
// whatever the vector width, the tile or the thread: the bits never depend on the machine.

#include "MatrixKernel.h"

#include <string.h>

#pragma clang fp contract(off)

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/// Eight floats: one AVX register, or two SSE/NEON registers on the baseline.
typedef float float8 __attribute__((vector_size(32)));
/// The same, read from or written to any float address.
typedef float float8_unaligned __attribute__((vector_size(32), aligned(4)));

/// Rows of C one tile keeps in registers.
enum { tile_rows = 6 };

/// Adds `scale · A[0..<R, 0..<depth] · panel` to R rows of C, R known when inlined.
ALWAYS_INLINE void multiply_tile(
    int tile, const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale)
{
    float8 left[tile_rows], right[tile_rows];
    const float *row[tile_rows];
    for (int r = 0; r < tile; r++) {
        left[r] = (float8){0};
        right[r] = (float8){0};
        row[r] = a + r * a_row_stride;
        // The tile's rows of C are far apart (a whole row of C between them) and are read only
        // after the walk down the panel: fetching them now hides the cache misses behind it.
        __builtin_prefetch(c + r * c_row_stride, 1);
        __builtin_prefetch(c + r * c_row_stride + QLORA_PANEL_WIDTH - 1, 1);
    }
    for (ptrdiff_t p = 0; p < depth; p++) {
        float8 panel_left = *(const float8_unaligned *)panel;
        float8 panel_right = *(const float8_unaligned *)(panel + 8);
        for (int r = 0; r < tile; r++) {
            float value = *row[r];
            left[r] += value * panel_left;
            right[r] += value * panel_right;
            row[r] += a_column_stride;
        }
        panel += QLORA_PANEL_WIDTH;
    }
    for (int r = 0; r < tile; r++) {
        float *destination = c + r * c_row_stride;
        if (width == QLORA_PANEL_WIDTH) {
            *(float8_unaligned *)destination += scale * left[r];
            *(float8_unaligned *)(destination + 8) += scale * right[r];
        } else {
            for (ptrdiff_t j = 0; j < width; j++) {
                destination[j] += scale * (j < 8 ? left[r][j] : right[r][j - 8]);
            }
        }
    }
}

ALWAYS_INLINE void multiply_panel(
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale)
{
    ptrdiff_t i = 0;
    for (; i + tile_rows <= rows; i += tile_rows) {
        multiply_tile(tile_rows, a + i * a_row_stride, a_row_stride, a_column_stride, depth,
                      panel, c + i * c_row_stride, c_row_stride, width, scale);
    }
    const float *a_rest = a + i * a_row_stride;
    float *c_rest = c + i * c_row_stride;
    // A constant tile size per case, so each call unrolls into registers.
    switch (rows - i) {
    case 5: multiply_tile(5, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale); break;
    case 4: multiply_tile(4, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale); break;
    case 3: multiply_tile(3, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale); break;
    case 2: multiply_tile(2, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale); break;
    case 1: multiply_tile(1, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale); break;
    default: break;
    }
}

static void multiply_panel_baseline(
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale)
{
    multiply_panel(a, a_row_stride, a_column_stride, rows, depth, panel, c, c_row_stride, width, scale);
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void multiply_panel_avx2(
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale)
{
    multiply_panel(a, a_row_stride, a_column_stride, rows, depth, panel, c, c_row_stride, width, scale);
}
#endif

void qlora_multiply_panel(
    qlora_vector_level level,
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale)
{
#if defined(__x86_64__)
    if (level == qlora_vector_avx2) {
        multiply_panel_avx2(a, a_row_stride, a_column_stride, rows, depth, panel, c, c_row_stride, width, scale);
        return;
    }
#endif
    multiply_panel_baseline(a, a_row_stride, a_column_stride, rows, depth, panel, c, c_row_stride, width, scale);
}

// MARK: - Decoding 4-bit weights into panels

/// Values of a stored row decoded at a time before they are transposed into the panel.
enum { decode_chunk = 64 };

/// Writes elements [first, first + count) of the weight, which lie in one block, to `out`.
ALWAYS_INLINE void decode_run_scalar(qlora_four_bit_weight weight, float scale, ptrdiff_t first, ptrdiff_t count, float *out) {
    for (ptrdiff_t t = 0; t < count; t++) {
        ptrdiff_t element = first + t;
        uint8_t byte = weight.packed[element >> 1];
        out[t] = weight.codebook[(element & 1) ? (byte & 0x0F) : (byte >> 4)] * scale;
    }
}

/// A position in the stored weight: an element, its block, and how many elements are left in that block.
typedef struct element_cursor {
    ptrdiff_t element;
    ptrdiff_t block;
    ptrdiff_t left_in_block;
} element_cursor;

/// The cursor at `element`: the one division a run of elements needs.
ALWAYS_INLINE element_cursor cursor_at(qlora_four_bit_weight weight, ptrdiff_t element) {
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
    qlora_four_bit_weight weight, element_cursor *cursor, ptrdiff_t count, float *out,
    void (*run)(qlora_four_bit_weight, float, ptrdiff_t, ptrdiff_t, float *))
{
    while (count > 0) {
        ptrdiff_t length = cursor->left_in_block < count ? cursor->left_in_block : count;
        run(weight, weight.absmax[cursor->block], cursor->element, length, out);
        advance(cursor, length, weight.blocksize);
        out += length;
        count -= length;
    }
}

/// Eight 32-bit lanes of any kind: the shuffles of a transpose move bits, never round them.
typedef uint32_t lanes8 __attribute__((vector_size(32)));
typedef uint32_t lanes8_unaligned __attribute__((vector_size(32), aligned(4)));

/// Transposes eight vectors of eight lanes in place: lane j of vector i goes to lane i of vector j.
ALWAYS_INLINE void transpose8x8(lanes8 v[8]) {
    lanes8 u[8], w[8];
    for (int i = 0; i < 8; i += 2) {
        u[i] = __builtin_shufflevector(v[i], v[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        u[i + 1] = __builtin_shufflevector(v[i], v[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {
        w[i] = __builtin_shufflevector(u[i], u[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        w[i + 1] = __builtin_shufflevector(u[i], u[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        w[i + 2] = __builtin_shufflevector(u[i + 1], u[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        w[i + 3] = __builtin_shufflevector(u[i + 1], u[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int i = 0; i < 4; i++) {
        v[i] = __builtin_shufflevector(w[i], w[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        v[i + 4] = __builtin_shufflevector(w[i], w[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

/// Transposes `rows` x `columns` of `source` (row stride decode_chunk) into the panel: panel row t
/// gets source column t. Rows past `rows` up to the panel width are zero.
ALWAYS_INLINE void transpose_into_panel(const float *source, ptrdiff_t rows, ptrdiff_t columns, float *panel) {
    ptrdiff_t t = 0;
    if (rows == QLORA_PANEL_WIDTH) {
        // Eight columns of two groups of eight rows at a time: an 8 x 8 transpose in registers.
        for (; t + 8 <= columns; t += 8) {
            for (int group = 0; group < 2; group++) {
                lanes8 v[8];
                for (int i = 0; i < 8; i++) v[i] = *(const lanes8_unaligned *)(source + (group * 8 + i) * decode_chunk + t);
                transpose8x8(v);
                for (int i = 0; i < 8; i++) *(lanes8_unaligned *)(panel + (t + i) * QLORA_PANEL_WIDTH + group * 8) = v[i];
            }
        }
    }
    for (; t < columns; t++) {
        float *d = panel + t * QLORA_PANEL_WIDTH;
        for (ptrdiff_t j = 0; j < QLORA_PANEL_WIDTH; j++) d[j] = j < rows ? source[j * decode_chunk + t] : 0;
    }
}

/// Decodes `decode_chunk` values of each of QLORA_PANEL_WIDTH stored rows, already known to start
/// at a byte and to lie in one block each, into the panel (NULL for a variant without this path).
typedef void (*whole_chunk_decoder)(const float *codebook, const uint8_t *const bytes[QLORA_PANEL_WIDTH],
                                    const float scales[QLORA_PANEL_WIDTH], float *panel);

ALWAYS_INLINE void decode_transposed_panel(
    qlora_four_bit_weight weight, ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width,
    float *panel, void (*run)(qlora_four_bit_weight, float, ptrdiff_t, ptrdiff_t, float *), whole_chunk_decoder whole_chunk)
{
    float rows[QLORA_PANEL_WIDTH * decode_chunk];
    element_cursor cursors[QLORA_PANEL_WIDTH];
    for (ptrdiff_t j = 0; j < width; j++) cursors[j] = cursor_at(weight, (first_column + j) * weight.columns + first_row);
    for (ptrdiff_t t = 0; t < depth; t += decode_chunk) {
        ptrdiff_t length = depth - t < decode_chunk ? depth - t : decode_chunk;
        float *destination = panel + t * QLORA_PANEL_WIDTH;
        if (whole_chunk && width == QLORA_PANEL_WIDTH && length == decode_chunk) {
            // The common case (rows of whole blocks, a blocksize that is a multiple of 64): each
            // stored row's 64 values share one scale and fill 32 whole bytes.
            const uint8_t *bytes[QLORA_PANEL_WIDTH];
            float scales[QLORA_PANEL_WIDTH];
            int whole = 1;
            for (ptrdiff_t j = 0; j < width; j++) {
                whole &= (cursors[j].element & 1) == 0 && cursors[j].left_in_block >= decode_chunk;
                bytes[j] = weight.packed + (cursors[j].element >> 1);
                scales[j] = weight.absmax[cursors[j].block];
            }
            if (whole) {
                whole_chunk(weight.codebook, bytes, scales, destination);
                for (ptrdiff_t j = 0; j < width; j++) advance(&cursors[j], decode_chunk, weight.blocksize);
                continue;
            }
        }
        for (ptrdiff_t j = 0; j < width; j++) decode_elements(weight, &cursors[j], length, rows + j * decode_chunk, run);
        transpose_into_panel(rows, width, length, destination);
    }
}

ALWAYS_INLINE void decode_panel(
    qlora_four_bit_weight weight, ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width,
    float *panel, void (*run)(qlora_four_bit_weight, float, ptrdiff_t, ptrdiff_t, float *))
{
    for (ptrdiff_t t = 0; t < depth; t++) {
        float *destination = panel + t * QLORA_PANEL_WIDTH;
        element_cursor cursor = cursor_at(weight, (first_row + t) * weight.columns + first_column);
        decode_elements(weight, &cursor, width, destination, run);
        for (ptrdiff_t j = width; j < QLORA_PANEL_WIDTH; j++) destination[j] = 0;
    }
}

static void decode_run_baseline(qlora_four_bit_weight weight, float scale, ptrdiff_t first, ptrdiff_t count, float *out) {
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
static void decode_run_avx2(qlora_four_bit_weight weight, float scale, ptrdiff_t first, ptrdiff_t count, float *out) {
    ptrdiff_t t = 0;
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
        memcpy(&four_bytes, weight.packed + ((first + t) >> 1), 4);
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

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void decode_transposed_panel_avx2(
    qlora_four_bit_weight weight, ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel)
{
    decode_transposed_panel(weight, first_row, depth, first_column, width, panel, decode_run_avx2, decode_whole_chunk_avx2);
}
#endif

void qlora_decode_four_bit_panel(
    qlora_vector_level level, qlora_four_bit_weight weight, bool transposed,
    ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel)
{
#if defined(__x86_64__)
    if (level == qlora_vector_avx2) {
        if (transposed) {
            decode_transposed_panel_avx2(weight, first_row, depth, first_column, width, panel);
        } else {
            decode_panel(weight, first_row, depth, first_column, width, panel, decode_run_avx2);
        }
        return;
    }
#endif
    if (transposed) {
        decode_transposed_panel(weight, first_row, depth, first_column, width, panel, decode_run_baseline, NULL);
    } else {
        decode_panel(weight, first_row, depth, first_column, width, panel, decode_run_baseline);
    }
}
