// Equality of short byte strings — field names, dictionary cells, template literals — inline
// and a word at a time: for the few bytes these hold, a call to memcmp costs more than the
// comparison. Plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace perimeter {

inline uint64_t LoadWord64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);  // a fixed size: one load, no call
  return w;
}

inline uint32_t LoadWord32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// Whether [a, a+n) and [b, b+n) hold the same bytes. The last word is loaded overlapping what
// was already compared, so no byte loop runs for n ≥ 4.
inline bool SameShortBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    for (; n > 8; n -= 8, a += 8, b += 8) {
      if (LoadWord64(a) != LoadWord64(b)) return false;
    }
    return LoadWord64(a + n - 8) == LoadWord64(b + n - 8);
  }
  if (n >= 4) {
    return LoadWord32(a) == LoadWord32(b) && LoadWord32(a + n - 4) == LoadWord32(b + n - 4);
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

inline bool SameShortBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && SameShortBytes(a.data(), b.data(), a.size());
}

}  // namespace perimeter
