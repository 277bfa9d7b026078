#include "filters/grok/onig_translator.h"

#include <gtest/gtest.h>

namespace perimeter::grok {
namespace {

std::string Pcre(std::string_view onig) {
  auto t = TranslateOnigToPcre2(onig);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? t->pcre2 : "";
}

TEST(OnigTranslator, RenamesGroupsAndKeepsTheirOriginalNames) {
  auto t = TranslateOnigToPcre2("(?<INT:[source][port]:int>\\d+) (?<foo>x)(?<foo>y)\\k<foo>");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->pcre2, "(?<g0>\\d+) (?<g1>x)(?<g1>y)\\k<g1>");
  EXPECT_EQ(t->group_names, (std::vector<std::string>{"INT:[source][port]:int", "foo", "foo"}));
  EXPECT_EQ(t->distinct_names, (std::vector<std::string>{"INT:[source][port]:int", "foo"}));
  EXPECT_TRUE(t->duplicate_names);
}

TEST(OnigTranslator, PlainGroupsStopCapturingOnceNamedGroupsExist) {
  EXPECT_EQ(Pcre("(a)(?<n>b)"), "(?:a)(?<g0>b)");
  auto unnamed = TranslateOnigToPcre2("(a)\\1");
  ASSERT_TRUE(unnamed.ok());
  EXPECT_EQ(unnamed->pcre2, "(a)\\1");
  EXPECT_EQ(unnamed->group_names.size(), 1u);
}

TEST(OnigTranslator, HexDigitEscapesBecomeClasses) {
  EXPECT_EQ(Pcre("\\h{2}"), "[0-9a-fA-F]{2}");
  EXPECT_EQ(Pcre("[\\h:]"), "[0-9a-fA-F:]");
  EXPECT_EQ(Pcre("\\H"), "[^0-9a-fA-F]");
  EXPECT_FALSE(TranslateOnigToPcre2("[\\H]").ok());
}

TEST(OnigTranslator, RubySyntaxBecomesPcre2Syntax) {
  EXPECT_EQ(Pcre("a{,3}"), "a{0,3}");
  EXPECT_EQ(Pcre(".?*x"), "(?:.?)*x");  // Onigmo's nested repeat
  EXPECT_EQ(Pcre("a*?b++"), "a*?b++");  // lazy and possessive stay
  EXPECT_EQ(Pcre("(?m:.)"), "(?s:.)");  // Ruby's m is dot-all
  EXPECT_EQ(Pcre("\\u00e9"), "\\x{00e9}");
  EXPECT_EQ(Pcre("[a[b-c]d]"), "[ab-cd]");  // nested classes flattened
  EXPECT_EQ(Pcre("x(?#note)y"), "xy");
  EXPECT_EQ(Pcre("(?<=a)(?<!b)"), "(?<=a)(?<!b)");
}

TEST(OnigTranslator, PosixBracketsAreUnicodeAsInOnigmo) {
  auto t = TranslateOnigToPcre2("[[:alnum:]_]");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->pcre2, "[\\p{Xan}_]");
  EXPECT_TRUE(t->needs_utf);
  EXPECT_FALSE(TranslateOnigToPcre2("[a-z]").value().needs_utf);
  EXPECT_TRUE(TranslateOnigToPcre2("[äö]").value().needs_utf);
}

TEST(OnigTranslator, RefusesWhatPcre2CannotExpress) {
  EXPECT_FALSE(TranslateOnigToPcre2("[a-z&&[^aeiou]]").ok());
  EXPECT_FALSE(TranslateOnigToPcre2("[a[^b]]").ok());
  EXPECT_FALSE(TranslateOnigToPcre2("(?~abc)").ok());
  EXPECT_FALSE(TranslateOnigToPcre2("[abc").ok());
}

}  // namespace
}  // namespace perimeter::grok
