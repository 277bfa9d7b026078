#include "pipeline/line_codec.h"

#include <gtest/gtest.h>

namespace perimeter {
namespace {

const Timestamp kNow = Timestamp::FromMillis(1'700'000'000'000);

TEST(LineCodec, PlainMakesTheLineTheMessage) {
  auto codec = LineCodec::Create("plain");
  ASSERT_TRUE(codec.ok());
  Event e = codec->Decode("{\"a\":1}", kNow);
  EXPECT_EQ(e.GetTop("message")->as_string(), "{\"a\":1}");
  EXPECT_EQ(e.timestamp(), kNow);
}

TEST(LineCodec, JsonFieldsBecomeTheEventsWithItsTimestamp) {
  auto codec = LineCodec::Create("json_lines");
  ASSERT_TRUE(codec.ok());
  Event e = codec->Decode(
      R"({"@timestamp":"2026-11-27T10:00:00Z","src_ip":"1.2.3.4","geoip":{"country_code2":"CN"}})",
      kNow);
  EXPECT_EQ(e.GetTop("src_ip")->as_string(), "1.2.3.4");
  EXPECT_EQ(e.Get(FieldRef::Of("[geoip][country_code2]"))->as_string(), "CN");
  EXPECT_EQ(e.timestamp(), *Timestamp::ParseIso8601("2026-11-27T10:00:00Z"));
  EXPECT_EQ(e.GetTop("@version")->as_string(), "1");
  EXPECT_EQ(e.GetTop("message"), nullptr);
}

TEST(LineCodec, BadJsonAndBadTimestampsAreKeptAndTagged) {
  auto codec = LineCodec::Create("json");
  ASSERT_TRUE(codec.ok());
  Event bad = codec->Decode("not json {", kNow);
  EXPECT_EQ(bad.GetTop("message")->as_string(), "not json {");
  EXPECT_TRUE(bad.HasTag("_jsonparsefailure"));
  Event array = codec->Decode("[1,2]", kNow);
  EXPECT_TRUE(array.HasTag("_jsonparsefailure"));
  Event late = codec->Decode(R"({"@timestamp":"yesterday","a":1})", kNow);
  EXPECT_TRUE(late.HasTag("_timestampparsefailure"));
  EXPECT_EQ(late.GetTop("_@timestamp")->as_string(), "yesterday");
  EXPECT_EQ(late.timestamp(), kNow);
}

TEST(LineCodec, OutputOnlyCodecsAreRefusedWithTheChoices) {
  auto codec = LineCodec::Create("rubydebug");
  ASSERT_FALSE(codec.ok());
  EXPECT_NE(codec.status().message().find("input codecs: plain, line, json, json_lines"),
            std::string::npos);
}

}  // namespace
}  // namespace perimeter
