#pragma clang fp contract(off)

#include "ByteCodes.h"
#include "Variant.h"

#include "BlockScale.h"

enum { group_count = 16, boundary_count = 255 };

/// The code of one scaled value: the number of midpoints strictly below it, found with two vector
/// comparisons where a binary search would take eight dependent, mispredicted branches.
///
/// The midpoints are held in 16 groups of 16; `group_lasts` holds each group's last one. A value
/// above a group's last midpoint is above the whole group (they are sorted), so the first count
/// is of whole groups below the value, the second of midpoints below it in the next group.
ALWAYS_INLINE int code_of(
    float scaled, const float_lanes *groups, const float_lanes *group_lasts)
{
    // A lane of a comparison is -1 where the midpoint is below the value.
    const int group = -__builtin_reduce_add((int_lanes)(*group_lasts < scaled));
    const int below = -__builtin_reduce_add((int_lanes)(groups[group] < scaled));
    return lane_count * group + below;
}

ALWAYS_INLINE void quantize_byte_codes(
    const float *values, ptrdiff_t count, ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block,
    const float *midpoints, uint8_t *codes, float *absmax)
{
    // The last group is padded with +infinity, which no value is above, so a value above every
    // midpoint counts 15 whole groups and 15 midpoints of the last: code 255.
    float_lanes groups[group_count];
    float_lanes group_lasts;
    for (int group = 0; group < group_count; group++) {
        for (int lane = 0; lane < lane_count; lane++) {
            const int index = group * lane_count + lane;
            groups[group][lane] = index < boundary_count ? midpoints[index] : __builtin_inff();
        }
        group_lasts[group] = groups[group][lane_count - 1];
    }

    for (ptrdiff_t block = first_block; block < end_block; block++) {
        const ptrdiff_t start = block * blocksize;
        const ptrdiff_t length = count - start < blocksize ? count - start : blocksize;
        const int32_t largest_bits = largest_magnitude_bits(values + start, length);
        const float largest = largest_bits < non_finite_bits ? float_from_bits(largest_bits) : __builtin_nanf("");
        const float divisor = largest > smallest_divisor ? largest : smallest_divisor;
        // No clamp to [-1, 1] as bitsandbytes does: every midpoint lies inside (-1, 1), so a value
        // scaled a rounding beyond ±1 is above (or below) all of them either way.
        if (length == blocksize) {
            absmax[block] = largest;
            const float reciprocal = 1.0f / divisor;
            for (ptrdiff_t index = start; index < start + length; index++) {
                codes[index] = (uint8_t)code_of(values[index] * reciprocal, groups, &group_lasts);
            }
        } else {
            // A shorter last block is quantized on its own in bitsandbytes: it stores the clamped
            // absmax and divides by it, which can differ from the reciprocal's product by one ulp.
            absmax[block] = largest_bits < non_finite_bits ? divisor : largest;
            for (ptrdiff_t index = start; index < start + length; index++) {
                codes[index] = (uint8_t)code_of(values[index] / divisor, groups, &group_lasts);
            }
        }
    }
}

static void quantize_byte_codes_baseline(
    const float *values, ptrdiff_t count, ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block,
    const float *midpoints, uint8_t *codes, float *absmax)
{
    quantize_byte_codes(values, count, blocksize, first_block, end_block, midpoints, codes, absmax);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void quantize_byte_codes_avx2(
    const float *values, ptrdiff_t count, ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block,
    const float *midpoints, uint8_t *codes, float *absmax)
{
    quantize_byte_codes(values, count, blocksize, first_block, end_block, midpoints, codes, absmax);
}
#endif

void qlora_quantize_byte_codes(
    qlora_vector_level level, const float *values, ptrdiff_t count, ptrdiff_t blocksize,
    ptrdiff_t first_block, ptrdiff_t end_block, const float *midpoints, uint8_t *codes, float *absmax)
{
    VARIANT(quantize_byte_codes, level)(values, count, blocksize, first_block, end_block, midpoints, codes, absmax);
}
