#include "config/diagnostic.h"

#include <fmt/format.h>

namespace perimeter::config {

namespace {

std::string_view LineOf(std::string_view text, int line) {
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string_view l = text.substr(start, end == std::string_view::npos ? text.npos : end - start);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  return l;
}

}  // namespace

std::string FormatDiagnostic(const std::vector<SourceFile>& files, const SourceLocation& at,
                             std::string_view message, std::string_view hint) {
  std::string out = fmt::format("{}:{}:{}: error: {}\n", at.file, at.line, at.column, message);
  for (const SourceFile& f : files) {
    if (f.path != at.file || at.line <= 0) continue;
    std::string_view line = LineOf(f.text, at.line);
    std::string gutter = fmt::format("{:>5} | ", at.line);
    out += gutter;
    out += line;
    out += '\n';
    out += std::string(gutter.size() - 2, ' ');
    out += "| ";
    // Tabs stay tabs so the caret lines up in a terminal.
    for (int i = 1; i < at.column && static_cast<size_t>(i - 1) < line.size(); ++i) {
      out += line[static_cast<size_t>(i - 1)] == '\t' ? '\t' : ' ';
    }
    out += "^\n";
    break;
  }
  if (!hint.empty()) {
    out += "hint: ";
    out += hint;
    out += '\n';
  }
  return out;
}

Status ConfigError(const std::vector<SourceFile>& files, const SourceLocation& at,
                   std::string_view message, std::string_view hint) {
  return Status::InvalidArgument(FormatDiagnostic(files, at, message, hint));
}

}  // namespace perimeter::config
