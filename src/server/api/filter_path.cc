#include "server/api/filter_path.h"

#include <fmt/format.h>

namespace perimeter {

namespace {

// `**` makes matching branch; these bounds keep a hostile filter_path from costing more than a
// few thousand steps per field (real clients send 1-5 paths of 2-4 names).
constexpr size_t kMaxPaths = 64;
constexpr size_t kMaxNamesPerPath = 16;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// `*` matches any run of characters, everything else itself.
bool GlobMatch(std::string_view pattern, std::string_view name) {
  size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool Matches(std::span<const std::string> filter, std::span<const std::string_view> path) {
  if (filter.empty()) return true;  // the filter named this field or an ancestor
  if (filter[0] == "**") {
    return Matches(filter.subspan(1), path) || (!path.empty() && Matches(filter, path.subspan(1)));
  }
  if (path.empty()) return false;
  return GlobMatch(filter[0], path[0]) && Matches(filter.subspan(1), path.subspan(1));
}

}  // namespace

Result<FilterPath> FilterPath::Parse(std::string_view text) {
  FilterPath out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view one = Trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (one.empty()) continue;
    if (one.front() == '-') {
      return Status::InvalidArgument(
          "filter_path exclusions (\"-name\") are not supported; list the fields to keep");
    }
    std::vector<std::string> names;
    size_t start = 0;
    while (start <= one.size()) {
      size_t dot = one.find('.', start);
      if (dot == std::string_view::npos) dot = one.size();
      std::string_view name = one.substr(start, dot - start);
      start = dot + 1;
      if (name.empty()) {
        return Status::InvalidArgument(fmt::format("filter_path '{}' has an empty name", one));
      }
      if (name == "**" && !names.empty() && names.back() == "**") continue;  // same meaning
      names.emplace_back(name);
    }
    if (names.size() > kMaxNamesPerPath || out.filters_.size() >= kMaxPaths) {
      return Status::InvalidArgument(fmt::format(
          "filter_path takes at most {} paths of {} names each", kMaxPaths, kMaxNamesPerPath));
    }
    out.filters_.push_back(std::move(names));
  }
  return out;
}

bool FilterPath::Includes(std::span<const std::string_view> path) const {
  for (const auto& filter : filters_) {
    if (Matches(filter, path)) return true;
  }
  return false;
}

}  // namespace perimeter
