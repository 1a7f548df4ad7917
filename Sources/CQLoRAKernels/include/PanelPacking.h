#ifndef CQLORAKERNELS_PANEL_PACKING_H
#define CQLORAKERNELS_PANEL_PACKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "MatrixKernel.h"
#include "VectorLevel.h"

/// Copies a panel of a float matrix B, where B(p, j) is `values[p * row_stride + j * column_stride]`:
/// panel row t holds B(first_row + t, first_column + j) for j < width, zeros past width.
void qlora_pack_float_panel(
    qlora_vector_level level, const float *values, ptrdiff_t row_stride, ptrdiff_t column_stride,
    ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel);

/// A row-major weight stored as codes in blocks with one scale each.
///
/// With a codebook, two 4-bit codes per byte (element 2k in the high nibble) and element e is
/// `codebook[code(e)] * scales[e / blocksize]`; without one, a signed 8-bit code per element and
/// element e is `code(e) * scales[e / blocksize]`.
typedef struct qlora_packed_weight {
    const uint8_t *codes;
    /// The 16 levels of a 4-bit code, or NULL for integer codes.
    const float *codebook;
    const float *scales;
    ptrdiff_t blocksize;
    /// Columns of the stored matrix: the distance between its rows.
    ptrdiff_t columns;
} qlora_packed_weight;

/// Decodes a panel of B = W, or of B = Wᵀ when `transposed`: panel row t holds B(first_row + t,
/// first_column + j) for j < width, zeros past width.
void qlora_decode_packed_panel(
    qlora_vector_level level, qlora_packed_weight weight, bool transposed,
    ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel);

#endif
