// SplitLines: a text's lines as views into it, without their '\n' (a final line without one is
// kept; a trailing '\n' adds no empty line). Stateless; the views live as long as the text.
#pragma once

#include <string_view>
#include <vector>

namespace perimeter {

inline std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace perimeter
