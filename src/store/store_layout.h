// Names in the store directory (docs/storage.md "Directory layout") and small helpers the
// EventStore files share. Header-only; stateless.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace perimeter::store {

constexpr std::string_view kPartSuffix = ".part";
constexpr std::string_view kTmpSuffix = ".tmp";
constexpr std::string_view kDroppingSuffix = ".dropping";

inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "<16 hex digits>.part" (or a quarantined "<day>-<16 hex digits>.part") → the part id; 0 when
// the name is not a part's.
inline uint64_t PartIdFromName(std::string_view name) {
  if (!EndsWith(name, kPartSuffix)) return 0;
  std::string_view hex = name.substr(0, name.size() - kPartSuffix.size());
  size_t dash = hex.rfind('-');
  if (dash != std::string_view::npos) hex = hex.substr(dash + 1);
  if (hex.size() != 16) return 0;
  uint64_t v = 0;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return 0;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  return v;
}

inline int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace perimeter::store
