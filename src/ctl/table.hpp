// Aligned plain-text tables for mcsnoopctl.
//
// Pure functions of their arguments: thread-safe.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace mcsnoop::ctl {

enum class Align { kLeft, kRight };

struct Column {
  std::string header;
  Align align = Align::kLeft;  // numbers read best right-aligned
};

using Row = std::vector<std::string>;

// Renders a header line and one line per row, columns padded to their widest cell (widths
// count UTF-8 code points) and separated by two spaces; no trailing blanks. A row with fewer
// cells than columns is padded with empty cells, extra cells are ignored. No rows: the header
// and a line "(none)".
std::string render_table(std::span<const Column> columns, std::span<const Row> rows);

// Number of code points in a UTF-8 string (bytes that are not continuation bytes).
std::size_t display_width(const std::string& s);

}  // namespace mcsnoop::ctl
