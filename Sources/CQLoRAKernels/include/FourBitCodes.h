#ifndef CQLORAKERNELS_FOUR_BIT_CODES_H
#define CQLORAKERNELS_FOUR_BIT_CODES_H

#include <stddef.h>
#include <stdint.h>
#include "VectorLevel.h"

/// Quantizes blocks `first_block ..< end_block` of `count` values to 4-bit codes, with
/// bitsandbytes' rule for `quantize_4bit` on the CPU.
///
/// A block is `blocksize` values (a multiple of 16); the last one may be shorter. A value's code is
/// `code_at_position[p]`, where p counts the 15 ascending `midpoints` strictly below the value
/// scaled by its block's absmax: a value exactly on a midpoint takes the lower level. For NF4, whose
/// codes are in value order, p is the code. A full block stores its absmax and multiplies by its
/// float32 reciprocal; a shorter last block stores `max(absmax, 1e-38)` and divides by it.
/// Two codes share a byte, element 2k in the high nibble; an odd count's last byte is padded with
/// the code of 0. Writes `packed[first_block * blocksize / 2 ...]` and `absmax[first_block ...]`;
/// a block holding a NaN or an infinity gets a NaN absmax (and codes that mean nothing).
void qlora_quantize_four_bit(
    qlora_vector_level level, const float *values, ptrdiff_t count, ptrdiff_t blocksize,
    ptrdiff_t first_block, ptrdiff_t end_block, const float *midpoints, const uint8_t *code_at_position,
    uint8_t *packed, float *absmax);

/// Writes `codebook[code] * absmax[block]` for every value of blocks `first_block ..< end_block` of
/// `count` values packed as `qlora_quantize_four_bit` packs them.
///
/// With `bypass_cache`, a 16-byte aligned `output` is written around the caches: for an output far
/// bigger than them, which would only evict everything else on its way through.
void qlora_dequantize_four_bit(
    qlora_vector_level level, const uint8_t *packed, const float *absmax, ptrdiff_t count,
    ptrdiff_t blocksize, ptrdiff_t first_block, ptrdiff_t end_block, const float *codebook,
    int bypass_cache, float *output);

#endif
