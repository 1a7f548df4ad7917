#pragma clang fp contract(off)

#include "ByteCodes.h"
#include "Variant.h"

#include "BlockScale.h"

/// The lookup-table slot of one scaled value, as bitsandbytes' CPU kernel computes it: the value
/// clamped to [-1, 1] and mapped onto 0 ... 65535, rounding half up. A NaN (from a block holding an
/// infinity or a NaN) takes slot 0 rather than an undefined conversion.
ALWAYS_INLINE uint16_t slot_of(float scaled) {
    const float clamped = !(scaled >= -1.0f) ? -1.0f : scaled > 1.0f ? 1.0f : scaled;
    return (uint16_t)((clamped + 1.0f) * 0.5f * (float)(qlora_byte_code_slots - 1) + 0.5f);
}

ALWAYS_INLINE void quantize_byte_codes(
    const float *values, ptrdiff_t count, ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block,
    const uint8_t *lookup_table, uint8_t *codes, float *absmax)
{
    for (ptrdiff_t block = first_block; block < end_block; block++) {
        const ptrdiff_t start = block * blocksize;
        const ptrdiff_t length = count - start < blocksize ? count - start : blocksize;
        const int32_t largest_bits = largest_magnitude_bits(values + start, length);
        const float largest = largest_bits < non_finite_bits ? float_from_bits(largest_bits) : __builtin_nanf("");
        absmax[block] = largest;
        // bitsandbytes writes code 0 for every value of an all-zero block; any code reconstructs
        // 0 there, this one keeps the codes equal to the library's.
        if (largest == 0.0f) {
            for (ptrdiff_t index = start; index < start + length; index++) codes[index] = 0;
            continue;
        }
        // Every block, the last one too, multiplies by the float32 reciprocal of its absmax.
        const float reciprocal = 1.0f / largest;
        for (ptrdiff_t index = start; index < start + length; index++) {
            codes[index] = lookup_table[slot_of(values[index] * reciprocal)];
        }
    }
}

DEFINE_VARIANTS(quantize_byte_codes,
    (const float *values, ptrdiff_t count, ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block,
     const uint8_t *lookup_table, uint8_t *codes, float *absmax),
    (values, count, blocksize, first_block, end_block, lookup_table, codes, absmax))

void qlora_quantize_byte_codes(
    qlora_vector_level level, const float *values, ptrdiff_t count, ptrdiff_t blocksize,
    ptrdiff_t first_block, ptrdiff_t end_block, const uint8_t *lookup_table, uint8_t *codes, float *absmax)
{
    VARIANT(quantize_byte_codes, level)(values, count, blocksize, first_block, end_block, lookup_table, codes, absmax);
}

uint8_t qlora_byte_code(float scaled, const uint8_t *lookup_table) {
    return lookup_table[slot_of(scaled)];
}
