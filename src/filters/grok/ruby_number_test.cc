#include "filters/grok/ruby_number.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace perimeter::grok {
namespace {

TEST(RubyNumber, ToIReadsTheLongestIntegerPrefix) {
  EXPECT_EQ(RubyToI("42").as_int(), 42);
  EXPECT_EQ(RubyToI("  -17abc").as_int(), -17);
  EXPECT_EQ(RubyToI("+8").as_int(), 8);
  EXPECT_EQ(RubyToI("1_000").as_int(), 1000);
  EXPECT_EQ(RubyToI("1__0").as_int(), 1);
  EXPECT_EQ(RubyToI("abc").as_int(), 0);
  EXPECT_EQ(RubyToI("").as_int(), 0);
  EXPECT_EQ(RubyToI("3.9").as_int(), 3);
  EXPECT_EQ(RubyToI("3735928559").as_int(), 3735928559);
  EXPECT_EQ(RubyToI("-9223372036854775808").as_int(), INT64_MIN);
  Value big = RubyToI("123456789012345678901234");
  ASSERT_TRUE(big.is_float());
  EXPECT_NEAR(big.as_float(), 1.2345678901234568e23, 1e9);
}

TEST(RubyNumber, ToFReadsTheLongestFloatPrefix) {
  EXPECT_DOUBLE_EQ(RubyToF("742317.869535").as_float(), 742317.869535);
  EXPECT_DOUBLE_EQ(RubyToF(" -1.5e-3x").as_float(), -0.0015);
  EXPECT_DOUBLE_EQ(RubyToF(".5").as_float(), 0.5);
  EXPECT_DOUBLE_EQ(RubyToF("1.").as_float(), 1.0);
  EXPECT_DOUBLE_EQ(RubyToF("1e").as_float(), 1.0);
  EXPECT_DOUBLE_EQ(RubyToF("1_000.25").as_float(), 1000.25);
  EXPECT_DOUBLE_EQ(RubyToF("0x1A").as_float(), 0.0);
  EXPECT_TRUE(RubyToF("nope").is_float());
  EXPECT_DOUBLE_EQ(RubyToF("nope").as_float(), 0.0);
  EXPECT_DOUBLE_EQ(RubyToF("-1").as_float(), -1.0);
}

// Both ways of ParsePlainDecimal (one word, digit by digit) agree with RubyToI on plain digits
// of every length, and refuse everything else, a bad byte at every position included.
TEST(RubyNumber, PlainDecimalAgreesWithToI) {
  std::mt19937_64 rng(7);
  for (size_t len = 1; len <= 18; ++len) {
    for (int round = 0; round < 200; ++round) {
      std::string digits;
      for (size_t i = 0; i < len; ++i) digits.push_back(static_cast<char>('0' + rng() % 10));
      if (round == 0) digits.assign(len, '9');
      if (round == 1) digits.assign(len, '0');
      // The text inside a longer subject, as grok's captures are: the word may be read.
      const std::string subject = digits + " DPT=22 WINDOW";
      const std::string_view text(subject.data(), len);
      for (bool word : {true, false}) {
        int64_t n = -1;
        ASSERT_TRUE(ParsePlainDecimal(text, word, &n)) << digits;
        EXPECT_EQ(n, RubyToI(text).as_int()) << digits << " word " << word;
      }
      // One byte outside '0'..'9' anywhere makes it refuse; '/' and ':' border the digits.
      for (char bad : {'/', ':', ' ', 'a', '\xff', '-'}) {
        std::string with_bad = subject;
        with_bad[rng() % len] = bad;
        for (bool word : {true, false}) {
          int64_t n = 0;
          EXPECT_FALSE(ParsePlainDecimal(std::string_view(with_bad.data(), len), word, &n))
              << with_bad.substr(0, len);
        }
      }
    }
  }
  int64_t n = 0;
  EXPECT_FALSE(ParsePlainDecimal("", true, &n));
  EXPECT_FALSE(ParsePlainDecimal("1234567890123456789", false, &n));  // 19 digits: RubyToI's
}

}  // namespace
}  // namespace perimeter::grok
