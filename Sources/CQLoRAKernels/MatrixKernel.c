// The micro-kernel of the matrix product.
//
// The product walks B one panel at a time: `depth` rows of QLORA_PANEL_WIDTH (16) columns, copied
// or decoded into a buffer that stays in the level-1 cache (PanelPacking.c). For each tile of up
// to six rows of A the micro-kernel keeps the 6 x 16 sums in registers (twelve 8-float vectors:
// the most that fit in AVX2's sixteen registers beside the two panel vectors and one broadcast of
// A) and adds `A[i, p] * panel[p]` for p in order. Each sum therefore sees the same additions in
// the same order whatever the vector width, the tile or the thread: the bits never depend on the
// machine.

#include <string.h>

#include "MatrixKernel.h"
#include "Variant.h"
#include "VectorTypes.h"

#pragma clang fp contract(off)

/// Rows of C one tile keeps in registers.
enum { tile_rows = QLORA_TILE_ROWS };

/// `initial` moved on by `offset` floats, or NULL when there is none.
ALWAYS_INLINE const float *initial_at(const float *initial, ptrdiff_t offset) {
    return initial ? initial + offset : NULL;
}

/// Adds `scale · A[0..<R, 0..<depth] · panel` to R rows of C, R known when inlined.
ALWAYS_INLINE void multiply_tile(
    int tile, const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial)
{
    float8 left[tile_rows], right[tile_rows];
    const float *row[tile_rows];
    for (int r = 0; r < tile; r++) {
        left[r] = (float8){0};
        right[r] = (float8){0};
        row[r] = a + r * a_row_stride;
        // The tile's rows of C are far apart (a whole row of C between them) and are read only
        // after the walk down the panel: fetching them now hides the cache misses behind it.
        __builtin_prefetch(c + r * c_row_stride, 1);
        __builtin_prefetch(c + r * c_row_stride + QLORA_PANEL_WIDTH - 1, 1);
    }
    if (a_row_stride == 1 && a_column_stride == tile_rows) {
        // A packed into tiles (qlora_pack_row_tiles): one pointer walks the tile's values of
        // each p, side by side, and the loop has no other addresses to keep.
        const float *column = a;
        for (ptrdiff_t p = 0; p < depth; p++) {
            float8 panel_left = *(const float8_unaligned *)panel;
            float8 panel_right = *(const float8_unaligned *)(panel + 8);
            for (int r = 0; r < tile; r++) {
                float value = column[r];
                left[r] += value * panel_left;
                right[r] += value * panel_right;
            }
            column += tile_rows;
            panel += QLORA_PANEL_WIDTH;
        }
    } else {
        for (ptrdiff_t p = 0; p < depth; p++) {
            float8 panel_left = *(const float8_unaligned *)panel;
            float8 panel_right = *(const float8_unaligned *)(panel + 8);
            for (int r = 0; r < tile; r++) {
                float value = *row[r];
                left[r] += value * panel_left;
                right[r] += value * panel_right;
                row[r] += a_column_stride;
            }
            panel += QLORA_PANEL_WIDTH;
        }
    }
    for (int r = 0; r < tile; r++) {
        float *destination = c + r * c_row_stride;
        const float *start = initial_at(initial, r * c_row_stride);
        if (!start && width == QLORA_PANEL_WIDTH) {
            *(float8_unaligned *)destination = scale * left[r];
            *(float8_unaligned *)(destination + 8) = scale * right[r];
        } else if (width == QLORA_PANEL_WIDTH) {
            *(float8_unaligned *)destination = *(const float8_unaligned *)start + scale * left[r];
            *(float8_unaligned *)(destination + 8) = *(const float8_unaligned *)(start + 8) + scale * right[r];
        } else {
            for (ptrdiff_t j = 0; j < width; j++) {
                float product = scale * (j < 8 ? left[r][j] : right[r][j - 8]);
                destination[j] = start ? start[j] + product : product;
            }
        }
    }
}

/// Rows of C one narrow tile keeps in registers: twelve 8-float sums, as many as a full tile's.
enum { narrow_tile_rows = 12 };

/// `multiply_tile` for a panel of at most eight columns (an adapter's rank-8 side: x Aᵀ, g B,
/// gᵀ h): one vector per row instead of two, so twice the rows per walk and no half-empty vectors.
/// Each sum sees the same additions in the same order as in `multiply_tile`.
///
/// Rows from `tile_rows` on start at `second_half` (the next tile, when A is packed into tiles).
ALWAYS_INLINE void multiply_narrow_tile(
    int tile, const float *a, const float *second_half, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride,
    ptrdiff_t depth, const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale,
    const float *initial)
{
    float8 sums[narrow_tile_rows];
    const float *row[narrow_tile_rows];
    for (int r = 0; r < tile; r++) {
        sums[r] = (float8){0};
        row[r] = r < tile_rows ? a + r * a_row_stride : second_half + (r - tile_rows) * a_row_stride;
    }
    for (ptrdiff_t p = 0; p < depth; p++) {
        float8 panel_left = *(const float8_unaligned *)panel;
        for (int r = 0; r < tile; r++) {
            sums[r] += *row[r] * panel_left;
            row[r] += a_column_stride;
        }
        panel += QLORA_PANEL_WIDTH;
    }
    for (int r = 0; r < tile; r++) {
        float *destination = c + r * c_row_stride;
        const float *start = initial_at(initial, r * c_row_stride);
        if (!start && width == 8) {
            *(float8_unaligned *)destination = scale * sums[r];
        } else if (width == 8) {
            *(float8_unaligned *)destination = *(const float8_unaligned *)start + scale * sums[r];
        } else {
            for (ptrdiff_t j = 0; j < width; j++) {
                float product = scale * sums[r][j];
                destination[j] = start ? start[j] + product : product;
            }
        }
    }
}

/// `multiply_panel` for a panel of at most eight columns, twelve rows at a time.
ALWAYS_INLINE void multiply_narrow_panel(
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial)
{
    ptrdiff_t i = 0;
    for (; i + narrow_tile_rows <= rows; i += narrow_tile_rows) {
        multiply_narrow_tile(narrow_tile_rows, a + i * a_row_stride, a + (i + tile_rows) * a_row_stride, a_row_stride,
                             a_column_stride, depth, panel, c + i * c_row_stride, c_row_stride, width, scale,
                             initial_at(initial, i * c_row_stride));
    }
    const float *a_rest = a + i * a_row_stride;
    float *c_rest = c + i * c_row_stride;
    const float *initial_rest = initial_at(initial, i * c_row_stride);
    switch (rows - i) {
#define NARROW_REST(n) case n: multiply_narrow_tile(n, a_rest, a_rest + tile_rows * a_row_stride, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale, initial_rest); break;
    NARROW_REST(11) NARROW_REST(10) NARROW_REST(9) NARROW_REST(8) NARROW_REST(7) NARROW_REST(6)
    NARROW_REST(5) NARROW_REST(4) NARROW_REST(3) NARROW_REST(2) NARROW_REST(1)
#undef NARROW_REST
    default: break;
    }
}

ALWAYS_INLINE void multiply_panel(
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial)
{
    if (width <= 8) {
        multiply_narrow_panel(a, a_row_stride, a_column_stride, rows, depth, panel, c, c_row_stride, width, scale, initial);
        return;
    }
    ptrdiff_t i = 0;
    for (; i + tile_rows <= rows; i += tile_rows) {
        multiply_tile(tile_rows, a + i * a_row_stride, a_row_stride, a_column_stride, depth,
                      panel, c + i * c_row_stride, c_row_stride, width, scale, initial_at(initial, i * c_row_stride));
    }
    const float *a_rest = a + i * a_row_stride;
    float *c_rest = c + i * c_row_stride;
    const float *initial_rest = initial_at(initial, i * c_row_stride);
    // A constant tile size per case, so each call unrolls into registers.
    switch (rows - i) {
    case 5: multiply_tile(5, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale, initial_rest); break;
    case 4: multiply_tile(4, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale, initial_rest); break;
    case 3: multiply_tile(3, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale, initial_rest); break;
    case 2: multiply_tile(2, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale, initial_rest); break;
    case 1: multiply_tile(1, a_rest, a_row_stride, a_column_stride, depth, panel, c_rest, c_row_stride, width, scale, initial_rest); break;
    default: break;
    }
}

DEFINE_VARIANTS(multiply_panel,
    (const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
     const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial),
    (a, a_row_stride, a_column_stride, rows, depth, panel, c, c_row_stride, width, scale, initial))

void qlora_multiply_panel(
    qlora_vector_level level,
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial)
{
    VARIANT(multiply_panel, level)(a, a_row_stride, a_column_stride, rows, depth, panel, c, c_row_stride, width, scale, initial);
}

/// `multiply_panel` over A packed into tiles: tile t at `tiles + t * tile_stride`; a panel of
/// eight or fewer columns two tiles at a time.
ALWAYS_INLINE void multiply_tiled_panel(
    const float *tiles, ptrdiff_t tile_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial)
{
    if (width <= 8) {
        for (ptrdiff_t i = 0; i < rows; i += narrow_tile_rows) {
            const float *a = tiles + i / tile_rows * tile_stride;
            float *c_tile = c + i * c_row_stride;
            const float *initial_tile = initial_at(initial, i * c_row_stride);
            switch (rows - i < narrow_tile_rows ? rows - i : narrow_tile_rows) {
#define NARROW(n) case n: multiply_narrow_tile(n, a, a + tile_stride, 1, tile_rows, depth, panel, c_tile, c_row_stride, width, scale, initial_tile); break;
            NARROW(12) NARROW(11) NARROW(10) NARROW(9) NARROW(8) NARROW(7)
            NARROW(6) NARROW(5) NARROW(4) NARROW(3) NARROW(2) NARROW(1)
#undef NARROW
            default: break;
            }
        }
        return;
    }
    for (ptrdiff_t i = 0; i < rows; i += tile_rows) {
        const float *a = tiles + i / tile_rows * tile_stride;
        float *c_tile = c + i * c_row_stride;
        const float *initial_tile = initial_at(initial, i * c_row_stride);
        // A constant tile size per case, so each call unrolls into registers.
        switch (rows - i < tile_rows ? rows - i : tile_rows) {
#define TILE(n) case n: multiply_tile(n, a, 1, tile_rows, depth, panel, c_tile, c_row_stride, width, scale, initial_tile); break;
        TILE(6) TILE(5) TILE(4) TILE(3) TILE(2) TILE(1)
#undef TILE
        default: break;
        }
    }
}

DEFINE_VARIANTS(multiply_tiled_panel,
    (const float *tiles, ptrdiff_t tile_stride, ptrdiff_t rows, ptrdiff_t depth,
     const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial),
    (tiles, tile_stride, rows, depth, panel, c, c_row_stride, width, scale, initial))

void qlora_multiply_tiled_panel(
    qlora_vector_level level, const float *tiles, ptrdiff_t tile_stride, ptrdiff_t rows, ptrdiff_t depth,
    const float *panel, float *c, ptrdiff_t c_row_stride, ptrdiff_t width, float scale, const float *initial)
{
    VARIANT(multiply_tiled_panel, level)(tiles, tile_stride, rows, depth, panel, c, c_row_stride, width, scale, initial);
}

ALWAYS_INLINE void pack_row_tiles(
    const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
    ptrdiff_t tile_stride, float *tiles)
{
    for (ptrdiff_t first = 0; first < rows; first += tile_rows) {
        ptrdiff_t count = rows - first < tile_rows ? rows - first : tile_rows;
        const float *row = a + first * a_row_stride;
        float *tile = tiles + first / tile_rows * tile_stride;
        ptrdiff_t p = 0;
        if (a_column_stride == 1 && count == tile_rows) {
            // Eight values of each row at a time, turned into eight p's of the tile by an 8 x 8
            // transpose (two rows of zeros). Each store writes two lanes past its p, which the
            // next one overwrites; the tile's last p gets its six lanes only.
            for (; p + 8 <= depth; p += 8) {
                lanes8 v[8] = {{0}};
                for (int r = 0; r < tile_rows; r++) v[r] = *(const lanes8_unaligned *)(row + r * a_row_stride + p);
                transpose8x8(v);
                for (int j = 0; j < 7; j++) *(lanes8_unaligned *)(tile + (p + j) * tile_rows) = v[j];
                if (p + 8 < depth) {
                    *(lanes8_unaligned *)(tile + (p + 7) * tile_rows) = v[7];
                } else {
                    memcpy(tile + (p + 7) * tile_rows, &v[7], tile_rows * sizeof(float));
                }
            }
        }
        for (; p < depth; p++) {
            for (ptrdiff_t r = 0; r < count; r++) tile[p * tile_rows + r] = row[r * a_row_stride + p * a_column_stride];
        }
    }
}

DEFINE_VARIANTS(pack_row_tiles,
    (const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows, ptrdiff_t depth,
     ptrdiff_t tile_stride, float *tiles),
    (a, a_row_stride, a_column_stride, rows, depth, tile_stride, tiles))

void qlora_pack_row_tiles(
    qlora_vector_level level, const float *a, ptrdiff_t a_row_stride, ptrdiff_t a_column_stride, ptrdiff_t rows,
    ptrdiff_t depth, ptrdiff_t tile_stride, float *tiles)
{
    VARIANT(pack_row_tiles, level)(a, a_row_stride, a_column_stride, rows, depth, tile_stride, tiles);
}
