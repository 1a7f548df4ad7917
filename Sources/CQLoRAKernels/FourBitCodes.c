#pragma clang fp contract(off)

#include "FourBitCodes.h"
#include "Variant.h"

#include "BlockScale.h"

typedef int32_t half_int_lanes __attribute__((vector_size(32)));
typedef uint8_t half_byte_lanes __attribute__((vector_size(8)));
/// Eight floats stored as two 16-byte halves: the alignment `output` is checked for.
typedef float eight_floats __attribute__((vector_size(32), aligned(16)));
typedef float float_pair __attribute__((vector_size(8)));

enum { boundary_count = 15 };

/// The sorted position of one scaled value: the number of midpoints strictly below it.
ALWAYS_INLINE int position_of(float scaled, const float *midpoints) {
    int position = 0;
    for (int boundary = 0; boundary < boundary_count; boundary++) position += scaled > midpoints[boundary];
    return position;
}

/// Finds the sorted position of 16 scaled values: how many of the 15 ascending midpoints lie
/// strictly below each (`torch.bucketize`), so a value exactly on a midpoint takes the lower level.
///
/// The one step the levels do differently: AVX2 can look a midpoint up per lane in a register,
/// which SSE2 and NEON cannot. Each wrapper passes its own to the shared body, where the constant
/// argument lets the compiler inline it.
typedef void find_positions(const float_lanes *scaled, const float *midpoints, int_lanes *positions);

/// Counts the midpoints below each value, one comparison each: what any vector unit can do.
ALWAYS_INLINE void count_midpoints_below(
    const float_lanes *scaled, const float *midpoints, int_lanes *positions)
{
    int_lanes position = {0};
    // A lane of a comparison is -1 where the midpoint is below the value.
    for (int boundary = 0; boundary < boundary_count; boundary++) position -= (int_lanes)(*scaled > midpoints[boundary]);
    *positions = position;
}

#if defined(__x86_64__)
#include <immintrin.h>

/// The same positions by binary search: four comparisons instead of 15, each against the midpoint
/// its lane has come to, looked up in a register (vpermps).
///
/// Each step appends one bit to a lane's path, 1 where the value is above the midpoint it was
/// compared with; after four steps the path, read as a number, is the position. The midpoints are
/// sorted, so a value above one is above all those before it, and below one is below all those
/// after it: the path counts exactly the midpoints below the value, as the comparisons one by one
/// would (non-decreasing is enough: FP4 has two equal midpoints).
__attribute__((target("avx2"))) static inline void search_midpoints_avx2(
    const float_lanes *scaled, const float *midpoints, int_lanes *positions)
{
    const __m256 middle = _mm256_set1_ps(midpoints[7]);
    const __m256 quarters = _mm256_setr_ps(midpoints[3], midpoints[11], 0, 0, 0, 0, 0, 0);
    const __m256 eighths = _mm256_setr_ps(midpoints[1], midpoints[5], midpoints[9], midpoints[13], 0, 0, 0, 0);
    const __m256 sixteenths = _mm256_setr_ps(
        midpoints[0], midpoints[2], midpoints[4], midpoints[6], midpoints[8], midpoints[10], midpoints[12], midpoints[14]);
    for (int half = 0; half < 2; half++) {
        const __m256 value = _mm256_loadu_ps((const float *)scaled + 8 * half);
        // A comparison lane is -1 where the value is above: path + path - above appends the bit.
        __m256i path = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_castps_si256(_mm256_cmp_ps(value, middle, _CMP_GT_OQ)));
        const __m256 tables[3] = {quarters, eighths, sixteenths};
        for (int step = 0; step < 3; step++) {
            const __m256 midpoint = _mm256_permutevar8x32_ps(tables[step], path);
            const __m256i above = _mm256_castps_si256(_mm256_cmp_ps(value, midpoint, _CMP_GT_OQ));
            path = _mm256_sub_epi32(_mm256_add_epi32(path, path), above);
        }
        _mm256_storeu_si256((__m256i *)positions + half, path);
    }
}
#endif

/// Full blocks whose scales are found before any of their codes: the chain from a block's values
/// through its absmax and reciprocal to its codes is long, and separate passes let the processor
/// overlap those of several blocks. Eight blocks of up to 4096 values stay in the level-2 cache.
enum { blocks_per_group = 8 };

ALWAYS_INLINE void quantize_four_bit(
    const float *values, ptrdiff_t count, ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block,
    const float *midpoints, const uint8_t *code_at_position, uint8_t *packed, float *absmax,
    find_positions *positions_of)
{
    // A copy no store to `packed` can alias, so the search may keep it in registers.
    float local_midpoints[boundary_count];
    memcpy(local_midpoints, midpoints, sizeof local_midpoints);

    const ptrdiff_t full_blocks = count / blocksize;
    const ptrdiff_t end_full_block = end_block < full_blocks ? end_block : full_blocks;
    for (ptrdiff_t group = first_block; group < end_full_block; group += blocks_per_group) {
        const ptrdiff_t group_size = end_full_block - group < blocks_per_group ? end_full_block - group : blocks_per_group;
        float reciprocals[blocks_per_group];
        for (ptrdiff_t member = 0; member < group_size; member++) {
            const ptrdiff_t block = group + member;
            const int32_t largest_bits = largest_magnitude_bits(values + block * blocksize, blocksize);
            // A full block stores the absmax itself (0 for an all-zero block) and multiplies by the
            // float32 reciprocal of the clamped one.
            const float largest = largest_bits < non_finite_bits ? float_from_bits(largest_bits) : __builtin_nanf("");
            absmax[block] = largest;
            reciprocals[member] = 1.0f / (largest > smallest_divisor ? largest : smallest_divisor);
        }
        for (ptrdiff_t member = 0; member < group_size; member++) {
            const ptrdiff_t start = (group + member) * blocksize;
            for (ptrdiff_t index = 0; index < blocksize; index += lane_count) {
                float_lanes lanes;
                memcpy(&lanes, values + start + index, sizeof lanes);
                // No clamp to [-1, 1] as bitsandbytes does: every midpoint lies inside (-1, 1), so a
                // value scaled a rounding beyond ±1 is above (or below) all of them either way.
                const float_lanes scaled = lanes * reciprocals[member];
                int_lanes position;
                positions_of(&scaled, local_midpoints, &position);
                const half_int_lanes even = __builtin_shufflevector(position, position, 0, 2, 4, 6, 8, 10, 12, 14);
                const half_int_lanes odd = __builtin_shufflevector(position, position, 1, 3, 5, 7, 9, 11, 13, 15);
                const half_byte_lanes bytes = __builtin_convertvector(even << 4 | odd, half_byte_lanes);
                memcpy(packed + (start + index) / 2, &bytes, sizeof bytes);
            }
        }
    }

    if (end_block > full_blocks) {
        // bitsandbytes quantizes a shorter last block on its own: it stores the clamped absmax and
        // divides by it rather than multiplying by its reciprocal, which can move a value by one
        // ulp. |value| <= divisor, so the quotient needs no clamp to [-1, 1] either.
        const ptrdiff_t start = full_blocks * blocksize;
        const ptrdiff_t length = count - start;
        const int32_t largest_bits = largest_magnitude_bits(values + start, length);
        const float largest = largest_bits < non_finite_bits ? float_from_bits(largest_bits) : __builtin_nanf("");
        const float divisor = largest > smallest_divisor ? largest : smallest_divisor;
        absmax[full_blocks] = largest_bits < non_finite_bits ? divisor : largest;
        const int padding = position_of(0.0f, local_midpoints);
        for (ptrdiff_t index = 0; index < length; index += 2) {
            const int high = position_of(values[start + index] / divisor, local_midpoints);
            const int low = index + 1 < length ? position_of(values[start + index + 1] / divisor, local_midpoints) : padding;
            packed[(start + index) / 2] = (uint8_t)(high << 4 | low);
        }
    }

    // NF4 lists its codes in value order, so a position is already its code. FP4's are not: each
    // byte of two positions becomes the byte of their two codes.
    int codes_are_positions = 1;
    for (int position = 0; position < 16; position++) codes_are_positions &= code_at_position[position] == position;
    if (!codes_are_positions) {
        uint8_t code_pair_of_position_pair[256];
        for (int pair = 0; pair < 256; pair++) {
            code_pair_of_position_pair[pair] = (uint8_t)(code_at_position[pair >> 4] << 4 | code_at_position[pair & 15]);
        }
        const ptrdiff_t end_value = end_block * blocksize < count ? end_block * blocksize : count;
        for (ptrdiff_t byte = first_block * blocksize / 2; byte < (end_value + 1) / 2; byte++) {
            packed[byte] = code_pair_of_position_pair[packed[byte]];
        }
    }
}

ALWAYS_INLINE void dequantize_four_bit(
    const uint8_t *packed, const float *absmax, ptrdiff_t count, ptrdiff_t blocksize,
    ptrdiff_t first_block, ptrdiff_t end_block, const float *codebook, int bypass_cache, float *output)
{
    // The two levels each byte stands for, high nibble first: one lookup per two values.
    float_pair pairs[256];
    for (int byte = 0; byte < 256; byte++) pairs[byte] = (float_pair){codebook[byte >> 4], codebook[byte & 15]};
    const int streaming = bypass_cache && ((uintptr_t)output & 15) == 0;

    for (ptrdiff_t block = first_block; block < end_block; block++) {
        const ptrdiff_t start = block * blocksize;
        const ptrdiff_t length = count - start < blocksize ? count - start : blocksize;
        const uint8_t *bytes = packed + start / 2;
        float *block_output = output + start;
        const float scale = absmax[block];
        ptrdiff_t index = 0;
        for (; index + 8 <= length; index += 8) {
            const uint8_t *four = bytes + index / 2;
            const eight_floats levels = __builtin_shufflevector(
                __builtin_shufflevector(pairs[four[0]], pairs[four[1]], 0, 1, 2, 3),
                __builtin_shufflevector(pairs[four[2]], pairs[four[3]], 0, 1, 2, 3),
                0, 1, 2, 3, 4, 5, 6, 7);
            const eight_floats values = levels * scale;
            if (streaming) {
                __builtin_nontemporal_store(values, (eight_floats *)(block_output + index));
            } else {
                memcpy(block_output + index, &values, sizeof values);
            }
        }
        for (; index < length; index++) {
            const uint8_t byte = bytes[index / 2];
            block_output[index] = codebook[index % 2 == 0 ? byte >> 4 : byte & 15] * scale;
        }
    }
    // Streamed stores are weakly ordered: a full fence makes them visible before the caller (or
    // the thread that waits for this one) reads the output.
    if (streaming) __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void quantize_four_bit_baseline(
    const float *values, ptrdiff_t count, ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block,
    const float *midpoints, const uint8_t *code_at_position, uint8_t *packed, float *absmax)
{
    quantize_four_bit(
        values, count, blocksize, first_block, end_block, midpoints, code_at_position, packed, absmax,
        count_midpoints_below);
}

DEFINE_VARIANTS(dequantize_four_bit,
    (const uint8_t *packed, const float *absmax, ptrdiff_t count, ptrdiff_t blocksize,
     ptrdiff_t first_block, ptrdiff_t end_block, const float *codebook, int bypass_cache, float *output),
    (packed, absmax, count, blocksize, first_block, end_block, codebook, bypass_cache, output))

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void quantize_four_bit_avx2(
    const float *values, ptrdiff_t count, ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block,
    const float *midpoints, const uint8_t *code_at_position, uint8_t *packed, float *absmax)
{
    quantize_four_bit(
        values, count, blocksize, first_block, end_block, midpoints, code_at_position, packed, absmax,
        search_midpoints_avx2);
}
#endif

void qlora_quantize_four_bit(
    qlora_vector_level level, const float *values, ptrdiff_t count, ptrdiff_t blocksize,
    ptrdiff_t first_block, ptrdiff_t end_block, const float *midpoints, const uint8_t *code_at_position,
    uint8_t *packed, float *absmax)
{
    VARIANT(quantize_four_bit, level)(values, count, blocksize, first_block, end_block, midpoints, code_at_position, packed, absmax);
}

void qlora_dequantize_four_bit(
    qlora_vector_level level, const uint8_t *packed, const float *absmax, ptrdiff_t count,
    ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block, const float *codebook,
    int bypass_cache, float *output)
{
    VARIANT(dequantize_four_bit, level)(packed, absmax, count, blocksize, first_block, end_block, codebook, bypass_cache, output);
}
