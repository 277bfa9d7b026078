// Ruby's String#to_i and String#to_f, which grok's :int and :float conversions use: leading
// blanks skipped, the longest numeric prefix read ("12abc" -> 12), nothing numeric -> 0.
// Pure functions; thread-safe.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/value.h"

namespace perimeter::grok {

// An integer Value; past the int64 range (Ruby would make a Bignum) a float Value of the same
// magnitude.
Value RubyToI(std::string_view text);
// A float Value.
Value RubyToF(std::string_view text);

// The fast case of RubyToI: `text` is 1 to 18 ASCII digits (so it fits an int64). False for
// anything else, which RubyToI then reads. `word_readable`: 8 bytes are readable from
// text.data() (the text lies inside a longer subject), so up to 8 digits are checked and
// converted as one word, with no branch per digit.
inline bool ParsePlainDecimal(std::string_view text, bool word_readable, int64_t* out) {
  const size_t len = text.size();
  if (len - 1 < 8 && word_readable && std::endian::native == std::endian::little) {
    uint64_t w = 0;
    std::memcpy(&w, text.data(), 8);
    // Right-align the digits (the first one is the lowest byte) and pad with leading '0's.
    const auto shift = static_cast<unsigned>(8 - len) * 8;
    w = (w << shift) | (0x3030303030303030ULL & ((uint64_t{1} << shift) - 1));
    // Every byte in '0'..'9': high nibble 3, and adding 6 does not reach 0x40.
    if (((w & 0xF0F0F0F0F0F0F0F0ULL) |
         (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) != 0x3333333333333333ULL) {
      return false;
    }
    // Combine digit pairs, then pairs of pairs, then the two halves: 10, 100 and 10000.
    w = ((w & 0x0F0F0F0F0F0F0F0FULL) * (10 * 256 + 1)) >> 8;
    w = ((w & 0x00FF00FF00FF00FFULL) * (100 * 65536 + 1)) >> 16;
    *out = static_cast<int64_t>(((w & 0x0000FFFF0000FFFFULL) * ((10000ULL << 32) + 1)) >> 32);
    return true;
  }
  if (len == 0 || len > 18) return false;
  int64_t n = 0;
  for (char ch : text) {
    const auto d = static_cast<unsigned>(static_cast<unsigned char>(ch) - '0');
    if (d > 9) return false;
    n = n * 10 + d;
  }
  *out = n;
  return true;
}

}  // namespace perimeter::grok
