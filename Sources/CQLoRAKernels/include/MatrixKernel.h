#ifndef CQLORAKERNELS_MATRIX_KERNEL_H
#define CQLORAKERNELS_MATRIX_KERNEL_H

#include <stddef.h>
#include "VectorLevel.h"

/// Columns of B a panel holds: the width of one micro-kernel tile.
#define QLORA_PANEL_WIDTH 16

/// Computes `rows` x `width` of C as `initial + scale · A · panel`.
///
/// A(i, p) is `a[i * a_row_stride + p * a_column_stride]` for i < rows, p < depth; the panel is
/// `depth` rows of QLORA_PANEL_WIDTH floats; C(i, j) is `c[i * c_row_stride + j]` for j < width,
/// and `initial` is read the same way: C itself to add to it, another matrix of the same layout
/// (a residual stream), or NULL for zero. Each element of C gets `initial + scale * s` (or
/// `scale * s`), where s sums its depth products from zero in p order.
void qlora_multiply_panel(
    qlora_vector_level level,
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial);

/// Rows of A a tile of the micro-kernel holds.
#define QLORA_TILE_ROWS 6

/// Copies `rows` x `depth` of A into tiles of QLORA_TILE_ROWS rows: tile t at `tiles + t *
/// tile_stride` holds, for each p in order, A(t * QLORA_TILE_ROWS + r, p) at `p * QLORA_TILE_ROWS +
/// r` (a last tile of fewer rows leaves the others unwritten). A(i, p) is read as in
/// `qlora_multiply_panel`. A stride past `QLORA_TILE_ROWS * depth` leaves room after each tile's
/// values for more columns, packed by another call at `tiles + QLORA_TILE_ROWS * depth`.
void qlora_pack_row_tiles(
    qlora_vector_level level, const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows,
    ptrdiff_t depth, ptrdiff_t tile_stride, float *tiles);

/// `qlora_multiply_panel` with A packed by `qlora_pack_row_tiles`, tile t at `tiles + t *
/// tile_stride`: the same sums, the same bits.
void qlora_multiply_tiled_panel(
    qlora_vector_level level, const float *tiles, ptrdiff_t tile_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial);

#endif
