#include "ctl/table.hpp"

#include <algorithm>

namespace mcsnoop::ctl {
namespace {

constexpr const char* kGap = "  ";
constexpr const char* kNoRows = "(none)";

void append_cell(std::string& line, const std::string& text, std::size_t width, Align align,
                 bool last) {
  const std::size_t pad = width - std::min(width, display_width(text));
  if (align == Align::kRight) line.append(pad, ' ');
  line += text;
  if (align == Align::kLeft && !last) line.append(pad, ' ');
}

void append_line(std::string& out, std::string line) {
  line.erase(line.find_last_not_of(' ') + 1);
  out += line;
  out += '\n';
}

}  // namespace

std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string render_table(std::span<const Column> columns, std::span<const Row> rows) {
  static const std::string kEmpty;
  const auto cell = [&](const Row& row, std::size_t i) -> const std::string& {
    return i < row.size() ? row[i] : kEmpty;
  };

  std::vector<std::size_t> widths(columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    widths[i] = display_width(columns[i].header);
    for (const Row& row : rows) widths[i] = std::max(widths[i], display_width(cell(row, i)));
  }

  std::string out;
  const auto emit = [&](auto text_of) {
    std::string line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i != 0) line += kGap;
      append_cell(line, text_of(i), widths[i], columns[i].align, i + 1 == columns.size());
    }
    append_line(out, std::move(line));
  };
  emit([&](std::size_t i) -> const std::string& { return columns[i].header; });
  for (const Row& row : rows) emit([&](std::size_t i) -> const std::string& { return cell(row, i); });
  if (rows.empty()) append_line(out, kNoRows);
  return out;
}

}  // namespace mcsnoop::ctl
