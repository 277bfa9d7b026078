#include "filters/grok/ruby_number.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace perimeter::grok
