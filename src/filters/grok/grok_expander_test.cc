#include "filters/grok/grok_expander.h"

#include <gtest/gtest.h>

namespace perimeter::grok {
namespace {

PatternLibrary Lib() {
  PatternLibrary lib;
  lib.AddFileText("INT [+-]?\\d+\nWORD \\b\\w+\\b\nPAIR %{WORD:key}=%{INT:value:int}\n");
  return lib;
}

TEST(GrokExpander, ReadsReferencesAsJlsGrokDoes) {
  GrokReference ref;
  ASSERT_TRUE(FindGrokReference("x %{INT:[source][port]:int} y", 0, &ref));
  EXPECT_EQ(ref.name, "INT");
  EXPECT_EQ(ref.semantic, "[source][port]:int");
  EXPECT_EQ(ref.full_name, "INT:[source][port]:int");
  EXPECT_EQ(ref.begin, 2u);
  // Text after the name up to '}' is ignored, as jls-grok's [^}]* does.
  ASSERT_TRUE(FindGrokReference("%{NAGIOSLOGLINE - CURRENT HOST STATE}", 0, &ref));
  EXPECT_EQ(ref.full_name, "NAGIOSLOGLINE");
  ASSERT_TRUE(FindGrokReference("%{POSINT:[a][code]?}", 0, &ref));
  EXPECT_EQ(ref.full_name, "POSINT:[a][code]");
  EXPECT_FALSE(FindGrokReference("100%{ not a ref", 0, &ref));
}

TEST(GrokExpander, ExpandsNamedAndUnnamedReferences) {
  auto e = ExpandGrok("%{PAIR} %{INT}", Lib(), /*named_captures_only=*/true);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(*e, "(?:(?<WORD:key>\\b\\w+\\b)=(?<INT:value:int>[+-]?\\d+)) (?:[+-]?\\d+)");
  auto all = ExpandGrok("%{INT}", Lib(), /*named_captures_only=*/false);
  EXPECT_EQ(*all, "(?<INT>[+-]?\\d+)");
}

TEST(GrokExpander, InlineDefinitionsDefineThePattern) {
  auto e = ExpandGrok("%{HEX=[0-9a-f]+} %{HEX:h}", Lib(), true);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, "(?:[0-9a-f]+) (?<HEX:h>[0-9a-f]+)");
}

TEST(GrokExpander, UndefinedPatternIsAnError) {
  auto e = ExpandGrok("%{NOPE:x}", Lib(), true);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("%{NOPE} is not defined"), std::string::npos);
}

TEST(GrokExpander, RecursiveDefinitionsAreReportedWithTheirChain) {
  PatternLibrary lib;
  lib.AddFileText("A x%{B}\nB y%{C}\nC %{A}\n");
  auto e = ExpandGrok("%{A}", lib, true);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("A -> B -> C -> A"), std::string::npos)
      << e.status().message();
  PatternLibrary self;
  self.Add("LOOP", "a|%{LOOP}");
  EXPECT_FALSE(ExpandGrok("%{LOOP}", self, true).ok());
}

TEST(GrokExpander, ExponentialExpansionIsCapped) {
  PatternLibrary lib;
  lib.Add("P0", "abcdefgh");
  for (int i = 1; i < 24; ++i) {
    lib.Add("P" + std::to_string(i),
            "%{P" + std::to_string(i - 1) + "}%{P" + std::to_string(i - 1) + "}");
  }
  auto e = ExpandGrok("%{P23}", lib, true);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("bytes"), std::string::npos);
}

}  // namespace
}  // namespace perimeter::grok
