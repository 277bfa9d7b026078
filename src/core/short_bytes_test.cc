#include "core/short_bytes.h"

#include <gtest/gtest.h>

#include <string>

namespace perimeter {
namespace {

// Every length a word-at-a-time compare splits differently (byte loop, one or two 4-byte
// loads, 8-byte words with an overlapping tail), with a difference at every position.
TEST(SameShortBytesTest, EveryLengthAndPosition) {
  for (size_t len = 0; len <= 40; ++len) {
    std::string a(len, 'x'), b(len, 'x');
    EXPECT_TRUE(SameShortBytes(a, b)) << len;
    for (size_t at = 0; at < len; ++at) {
      std::string c = a;
      c[at] = 'y';
      EXPECT_FALSE(SameShortBytes(a, c)) << len << " " << at;
      EXPECT_FALSE(SameShortBytes(c.data(), a.data(), len)) << len << " " << at;
    }
  }
  EXPECT_FALSE(SameShortBytes(std::string_view("abc"), std::string_view("abcd")));
}

}  // namespace
}  // namespace perimeter
