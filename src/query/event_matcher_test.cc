#include "query/event_matcher.h"

#include <gtest/gtest.h>

#include "query/query_parser.h"

namespace perimeter::query {
namespace {

Event Sample() {
  Event e = Event::FromMessage(
      "May  5 09:55:37 host kernel: [UFW BLOCK] IN=eth0 SRC=61.177.3.4 DST=10.0.0.1 PROTO=TCP "
      "SPT=51955 DPT=3389",
      Timestamp::FromSeconds(1399283737));
  e.Set(FieldRef::Of("src_ip"), "61.177.3.4");
  e.Set(FieldRef::Of("dst_port"), 3389);
  e.Set(FieldRef::Of("[geoip][country_code2]"), "CN");
  e.Set(FieldRef::Of("[geoip][coordinates]"), Array{118.8, 32.0});
  e.Set(FieldRef::Of("tags"), Array{"scanner", "_grokparsefailure"});
  e.Set(FieldRef::Of("v6"), "2001:db8::7");
  return e;
}

bool Q(std::string_view q, const Event& e = Sample()) {
  auto parsed = ParseQuery(q);
  EXPECT_TRUE(parsed.ok()) << q;
  auto m = EventMatcher::Compile(**parsed);
  return m->Matches(e);
}

TEST(EventMatcher, KeywordNumberAndNestedFields) {
  EXPECT_TRUE(Q("geoip.country_code2:CN"));
  EXPECT_FALSE(Q("geoip.country_code2:cn"));  // keywords are case-sensitive
  EXPECT_TRUE(Q("dst_port:3389"));
  EXPECT_TRUE(Q("dst_port:3389.0"));
  EXPECT_FALSE(Q("dst_port:22"));
  EXPECT_TRUE(Q("tags:scanner"));  // any array element
}

TEST(EventMatcher, RangesAndComparisons) {
  EXPECT_TRUE(Q("dst_port:[1024 TO 65535]"));
  EXPECT_FALSE(Q("dst_port:[1 TO 1024]"));
  EXPECT_TRUE(Q("dst_port:{3388 TO 3389]"));
  EXPECT_FALSE(Q("dst_port:{3389 TO *]"));
  EXPECT_TRUE(Q("dst_port:>=3389"));
  EXPECT_FALSE(Q("dst_port:>3389"));
  EXPECT_TRUE(Q("@timestamp:[2014-05-05T00:00:00Z TO 2014-05-06T00:00:00Z]"));
  EXPECT_TRUE(Q("geoip.country_code2:[A TO D]"));
}

TEST(EventMatcher, CidrAndIpTerms) {
  EXPECT_TRUE(Q("src_ip:\"61.177.0.0/16\""));
  EXPECT_TRUE(Q("src_ip:61.177.0.0/16"));
  EXPECT_FALSE(Q("src_ip:\"61.178.0.0/16\""));
  EXPECT_TRUE(Q("v6:\"2001:db8::/32\""));
  EXPECT_TRUE(Q("v6:\"2001:0db8:0:0:0:0:0:7\""));
  EXPECT_TRUE(Q("src_ip:61.177.*"));
}

TEST(EventMatcher, BareWordsSearchTheMessage) {
  EXPECT_TRUE(Q("DPT=3389"));
  EXPECT_TRUE(Q("\"ufw block\""));
  EXPECT_FALSE(Q("\"block ufw\""));
  EXPECT_FALSE(Q("338"));  // tokens, not substrings
  EXPECT_TRUE(Q("ker*"));
}

TEST(EventMatcher, BooleanLogicAndExists) {
  EXPECT_TRUE(Q("dst_port:22 OR geoip.country_code2:CN"));
  EXPECT_FALSE(Q("dst_port:22 AND geoip.country_code2:CN"));
  EXPECT_TRUE(Q("NOT dst_port:22"));
  EXPECT_TRUE(Q("_exists_:geoip.coordinates"));
  EXPECT_FALSE(Q("_exists_:user"));
  EXPECT_TRUE(Q("*"));
  EXPECT_TRUE(Q("geoip.country_code2:CN -tags:nothing"));
}

}  // namespace
}  // namespace perimeter::query
