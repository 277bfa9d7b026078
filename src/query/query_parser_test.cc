#include "query/query_parser.h"

#include <gtest/gtest.h>

namespace perimeter::query {
namespace {

std::string Parsed(std::string_view q) {
  auto r = ParseQuery(q);
  return r.ok() ? (*r)->ToString() : "ERROR " + r.status().message();
}

TEST(QueryParser, GoldenForms) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "*"},
      {"*", "*"},
      {"dst_port:22", "dst_port:22"},
      {"dst_port:22 AND geoip.country_code2:CN", "(dst_port:22 AND geoip.country_code2:CN)"},
      {"a b", "(a OR b)"},
      {"a OR b AND c", "(a OR (b AND c))"},
      {"(a OR b) AND c", "((a OR b) AND c)"},
      {"NOT a", "NOT a"},
      {"a -b", "(a AND NOT b)"},
      {"a b -c", "((a OR b) AND NOT c)"},
      {"+a +b", "(a AND b)"},
      {"!a && b || c", "((NOT a AND b) OR c)"},
      {"msg:\"a phrase\"", "msg:\"a phrase\""},
      {"src_ip:\"61.177.0.0/16\"", "src_ip:\"61.177.0.0/16\""},
      {"src_ip:61.177.0.0/16", "src_ip:61.177.0.0/16"},
      {"src_ip:19*", "src_ip:19*(wildcard)"},
      {"user:ro?t", "user:ro?t(wildcard)"},
      {"dst_port:[1 TO 1024]", "dst_port:[1 TO 1024]"},
      {"dst_port:{1 TO *]", "dst_port:{1 TO *]"},
      {"dst_port:>=1024", "dst_port:[1024 TO *]"},
      {"dst_port:<80", "dst_port:[* TO 80}"},
      {"_exists_:user", "_exists_:user"},
      {"user:*", "_exists_:user"},
      {"DPT=3389", "DPT=3389"},
      {"proto:(TCP OR UDP)", "(proto:TCP OR proto:UDP)"},
      {"a\\*b", "a*b"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(Parsed(in), want) << in;
}

TEST(QueryParser, ErrorsGiveTheColumn) {
  EXPECT_EQ(Parsed("(a OR b"), "ERROR column 8: expected ')' to close the '(' at column 1");
  EXPECT_EQ(Parsed("msg:\"open"),
            "ERROR column 10: unterminated phrase: the '\"' at column 5 has no closing quote");
  EXPECT_EQ(Parsed("dst_port:[1 1024]"),
            "ERROR column 13: expected 'TO' in the range opened at column 10");
  EXPECT_EQ(Parsed("a AND"), "ERROR column 6: expected a term");
  EXPECT_EQ(Parsed("a )"), "ERROR column 3: unexpected ')' (no '(' to close)");
  EXPECT_EQ(Parsed("port: 22"), "ERROR column 6: expected a value after 'port:'");
}

TEST(QueryParser, DeepNestingIsRefusedNotRecursedForever) {
  std::string deep(10000, '(');
  EXPECT_NE(Parsed(deep).find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace perimeter::query
