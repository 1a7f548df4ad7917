#ifndef CQLORAKERNELS_MATRIX_KERNEL_H
#define CQLORAKERNELS_MATRIX_KERNEL_H

#include <stddef.h>
#include "VectorLevel.h"

/// Columns of B a panel holds: the width of one micro-kernel tile.
#define QLORA_PANEL_WIDTH 16

/// Adds `scale · A · panel` to `rows` x `width` of C, or with `overwrite` stores it there.
///
/// A(i, p) is `a[i * a_row_stride + p * a_column_stride]` for i < rows, p < depth; the panel is
/// `depth` rows of QLORA_PANEL_WIDTH floats; C(i, j) is `c[i * c_row_stride + j]` for j < width.
/// Each element of C gets `C + scale * s` (or `scale * s`), where s sums its depth products from
/// zero in p order.
void qlora_multiply_panel(
    qlora_vector_level level,
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, int overwrite);

#endif
