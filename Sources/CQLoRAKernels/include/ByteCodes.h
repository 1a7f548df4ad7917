#ifndef CQLORAKERNELS_BYTE_CODES_H
#define CQLORAKERNELS_BYTE_CODES_H

#include <stddef.h>
#include <stdint.h>
#include "VectorLevel.h"

/// Quantizes blocks `first_block ..< end_block` of `count` values to 8-bit codes with a sorted
/// codebook of 256 levels, with bitsandbytes' rule for `quantize_blockwise` (its reference path).
///
/// A block is `blocksize` values; the last one may be shorter. A value's code is the number of the
/// 255 ascending `midpoints` strictly below the value scaled by its block's absmax, so a value
/// exactly on a midpoint takes the lower level. A full block stores its absmax and multiplies by
/// its float32 reciprocal; a shorter last block stores `max(absmax, 1e-38)` and divides by it.
/// Writes `codes[first_block * blocksize ...]` and `absmax[first_block ...]`.
void qlora_quantize_byte_codes(
    qlora_vector_level level, const float *values, ptrdiff_t count, ptrdiff_t blocksize,
    ptrdiff_t first_block, ptrdiff_t end_block, const float *midpoints, uint8_t *codes, float *absmax);

#endif
