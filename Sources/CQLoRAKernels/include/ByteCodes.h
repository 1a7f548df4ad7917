#ifndef CQLORAKERNELS_BYTE_CODES_H
#define CQLORAKERNELS_BYTE_CODES_H

#include <stddef.h>
#include <stdint.h>
#include "VectorLevel.h"

/// The number of slots of the lookup table `qlora_quantize_byte_codes` reads: [-1, 1] in 65,536 steps.
enum { qlora_byte_code_slots = 65536 };

/// Quantizes blocks `first_block ..< end_block` of `count` values to 8-bit codes, as bitsandbytes'
/// CPU kernel for `quantize_blockwise` does (0.50).
///
/// A block is `blocksize` values; the last one may be shorter. Each block stores its absmax and
/// multiplies its values by the float32 reciprocal; the scaled value, clamped to [-1, 1], picks one
/// of `qlora_byte_code_slots` slots, `(x + 1) / 2 * 65535` rounded half up, and `lookup_table` holds
/// the code of each slot. An all-zero block gets code 0 throughout. Writes
/// `codes[first_block * blocksize ...]` and `absmax[first_block ...]`.
void qlora_quantize_byte_codes(
    qlora_vector_level level, const float *values, ptrdiff_t count, ptrdiff_t blocksize,
    ptrdiff_t first_block, ptrdiff_t end_block, const uint8_t *lookup_table, uint8_t *codes, float *absmax);

/// The code of one value already scaled into [-1, 1], looked up as `qlora_quantize_byte_codes`
/// looks each value up.
uint8_t qlora_byte_code(float scaled, const uint8_t *lookup_table);

#endif
