#pragma once
// Pixel work of the X11 screen source, on plain memory so that it can be tested without a display.
#include <cstddef>
#include <cstdint>
#include <span>

namespace wt::recorder {

// Converts `rows` rows of a BGRx picture (4 bytes a pixel, the 4th ignored: X11's 24/32-bit
// TrueColor layout on little-endian machines) into yuv420p, BT.709 limited range: the matrix and
// range VideoEncoder tags the stream with. `width` and `rows` are even; chroma is the mean of each
// 2x2 block, so any even-aligned band converts exactly as it would inside the whole picture.
void bgrx_to_yuv420p(const std::uint8_t* src, std::ptrdiff_t src_stride, int width, int rows, std::uint8_t* y,
                     std::ptrdiff_t y_stride, std::uint8_t* u, std::uint8_t* v, std::ptrdiff_t uv_stride);

// The same BGRx rows as RGBA (opaque) for showing the screen as it is: `dst` holds width * 4 bytes a row.
void bgrx_to_rgba(const std::uint8_t* src, std::ptrdiff_t src_stride, int width, int rows, std::uint8_t* dst,
                  std::ptrdiff_t dst_stride);

// A cursor image as XFixes gives it: premultiplied ARGB, one 32-bit value a pixel, row after row.
struct CursorImage {
    std::span<const std::uint32_t> argb;
    int width = 0, height = 0;
};

// Draws `cursor` with its top-left corner at (left, top) into rows [first_row, first_row + rows)
// of a BGRx picture `width` pixels wide whose row `first_row` starts at `band`. The parts outside
// the picture's width or the band are left out (a cursor half off the edge is cut there).
void blend_cursor(const CursorImage& cursor, int left, int top, std::uint8_t* band, std::ptrdiff_t stride, int width,
                  int first_row, int rows);

}  // namespace wt::recorder
