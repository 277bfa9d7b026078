#include "filters/ruby_string.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace perimeter::ruby {
namespace {

TEST(RubyString, ToIStopsAtTheFirstNonDigit) {
  EXPECT_EQ(ToI("12abc"), 12);
  EXPECT_EQ(ToI("  -42x"), -42);
  EXPECT_EQ(ToI("+7"), 7);
  EXPECT_EQ(ToI("1_000"), 1000);
  EXPECT_EQ(ToI("1__0"), 1);
  EXPECT_EQ(ToI("_1"), 0);
  EXPECT_EQ(ToI("1.9"), 1);
  EXPECT_EQ(ToI("abc"), 0);
  EXPECT_EQ(ToI(""), 0);
  EXPECT_EQ(ToI("0x1A"), 0);
  EXPECT_EQ(ToI("99999999999999999999"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ToI("-9223372036854775808"), std::numeric_limits<int64_t>::min());
}

TEST(RubyString, StrictFloatWantsTheWholeString) {
  EXPECT_EQ(StrictFloat("1.5"), 1.5);
  EXPECT_EQ(StrictFloat(" -1.5e3 "), -1500.0);
  EXPECT_EQ(StrictFloat("1_000.25"), 1000.25);
  EXPECT_EQ(StrictFloat("0x1A"), 26.0);
  EXPECT_EQ(StrictFloat("-0x10"), -16.0);
  EXPECT_EQ(StrictFloat(".5"), 0.5);
  EXPECT_FALSE(StrictFloat("1.").has_value());
  EXPECT_FALSE(StrictFloat("12abc").has_value());
  EXPECT_FALSE(StrictFloat("").has_value());
  EXPECT_FALSE(StrictFloat("1e").has_value());
  EXPECT_FALSE(StrictFloat("NaN").has_value());
  EXPECT_FALSE(StrictFloat("1__0").has_value());
  EXPECT_TRUE(std::isinf(*StrictFloat("1e999")));
}

TEST(RubyString, StrictInteger) {
  EXPECT_EQ(StrictInteger("0x1A"), 26);
  EXPECT_EQ(StrictInteger("-0x1a"), -26);
  EXPECT_EQ(StrictInteger("0b101"), 5);
  EXPECT_EQ(StrictInteger("1_000"), 1000);
  EXPECT_FALSE(StrictInteger("0x").has_value());
  EXPECT_FALSE(StrictInteger("12abc").has_value());
}

TEST(RubyString, FloatToSLikeRuby) {
  EXPECT_EQ(FloatToS(1.5), "1.5");
  EXPECT_EQ(FloatToS(100.0), "100.0");
  EXPECT_EQ(FloatToS(-0.12999999999999545), "-0.12999999999999545");
  EXPECT_EQ(FloatToS(1e15), "1000000000000000.0");
  EXPECT_EQ(FloatToS(1e16), "1.0e+16");
  EXPECT_EQ(FloatToS(1.25e20), "1.25e+20");
  EXPECT_EQ(FloatToS(0.0001), "0.0001");
  EXPECT_EQ(FloatToS(0.00001), "1.0e-05");
  EXPECT_EQ(FloatToS(0.0), "0.0");
  EXPECT_EQ(FloatToS(std::nan("")), "NaN");
}

TEST(RubyString, SplitLikeRuby) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Split("a,b,,c,,", ","), (V{"a", "b", "", "c"}));
  EXPECT_EQ(Split(",a", ","), (V{"", "a"}));
  EXPECT_EQ(Split("", ","), V{});
  EXPECT_EQ(Split("  a \t b  ", " "), (V{"a", "b"}));
  EXPECT_EQ(Split("a::b", "::"), (V{"a", "b"}));
  EXPECT_EQ(Split("h\xc3\xa9", ""), (V{"h", "\xc3\xa9"}));
}

TEST(RubyString, CaseAndStrip) {
  std::string s = "hELLO wORLD";
  Capitalize(&s);
  EXPECT_EQ(s, "Hello world");
  Upcase(&s);
  EXPECT_EQ(s, "HELLO WORLD");
  Downcase(&s);
  EXPECT_EQ(s, "hello world");
  EXPECT_EQ(Strip(std::string_view("\0 \t x y \n\0", 10)), "x y");
}

}  // namespace
}  // namespace perimeter::ruby
