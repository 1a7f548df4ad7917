#ifndef CQLORAKERNELS_MATRIX_KERNEL_H
#define CQLORAKERNELS_MATRIX_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "VectorLevel.h"

/// Columns of B a panel holds: the width of one micro-kernel tile.
#define QLORA_PANEL_WIDTH 16

/// Adds `scale · A · panel` to `rows` x `width` of C.
///
/// A(i, p) is `a[i * a_row_stride + p * a_column_stride]` for i < rows, p < depth; the panel is
/// `depth` rows of QLORA_PANEL_WIDTH floats; C(i, j) is `c[i * c_row_stride + j]` for j < width.
/// Each element of C gets `C + scale * s`, where s sums its depth products from zero in p order.
void qlora_multiply_panel(
    qlora_vector_level level,
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale);

/// A weight stored as 4-bit codes, two per byte (element 2k in the high nibble), in blocks with
/// one absmax each: element e is `codebook[code(e)] * absmax[e / blocksize]`.
typedef struct qlora_four_bit_weight {
    const uint8_t *packed;
    /// The 16 levels of the code.
    const float *codebook;
    const float *absmax;
    ptrdiff_t blocksize;
    /// Columns of the stored row-major matrix: the distance between its rows.
    ptrdiff_t columns;
} qlora_four_bit_weight;

/// Decodes a panel of B = W, or of B = Wᵀ when `transposed`: panel row t holds B(first_row + t,
/// first_column + j) for j < width, zeros past width.
void qlora_decode_four_bit_panel(
    qlora_vector_level level, qlora_four_bit_weight weight, bool transposed,
    ptrdiff_t first_row, ptrdiff_t depth, ptrdiff_t first_column, ptrdiff_t width, float *panel);

#endif
