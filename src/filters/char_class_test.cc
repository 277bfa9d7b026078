#include "filters/char_class.h"

#include <gtest/gtest.h>

#include <string>

namespace perimeter {
namespace {

std::string Members(const CharClass& c) {
  std::string out;
  for (int i = 0; i < 128; ++i) {
    if (c.Contains(static_cast<char>(i))) out.push_back(static_cast<char>(i));
  }
  return out;
}

TEST(CharClass, LiteralsRangesAndEscapes) {
  EXPECT_EQ(Members(*CharClass::Parse("&?")), "&?");
  EXPECT_EQ(Members(*CharClass::Parse("<>\\[\\],")), ",<>[]");
  EXPECT_EQ(Members(*CharClass::Parse("a-d")), "abcd");
  EXPECT_EQ(Members(*CharClass::Parse("-a")), "-a");  // a leading '-' is literal
  EXPECT_EQ(Members(*CharClass::Parse("a-")), "-a");  // so is a trailing one
  EXPECT_EQ(Members(*CharClass::Parse("\\t ")), "\t ");
  EXPECT_EQ(Members(*CharClass::Parse("\\d")), "0123456789");
  EXPECT_EQ(Members(*CharClass::Parse("\\|")), "|");
  EXPECT_TRUE(CharClass::Parse("\\s")->Contains('\n'));
}

TEST(CharClass, DeclinesWhatOnlyARegexCanDo) {
  EXPECT_FALSE(CharClass::Parse("^a").has_value());
  EXPECT_FALSE(CharClass::Parse("[:alpha:]").has_value());
  EXPECT_FALSE(CharClass::Parse("\\p{L}").has_value());
  EXPECT_FALSE(CharClass::Parse("\\x41").has_value());
  EXPECT_FALSE(CharClass::Parse("\xc3\xa9").has_value());  // é
  EXPECT_FALSE(CharClass::Parse("z-a").has_value());
  EXPECT_FALSE(CharClass::Parse("a\\").has_value());
}

}  // namespace
}  // namespace perimeter
