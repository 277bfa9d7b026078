#include "server/api/es_document.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace perimeter {
namespace {

TEST(EsDocument, ReadsNestedFieldsWithTheirTypes) {
  auto e = ReadDocument(
      R"({"source":{"ip":"81.2.69.160","port":51955},"ok":true,"nothing":null,"ratio":0.5,)"
      R"("tags":["a","b"],"big":18446744073709551615,"neg":-3})");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const Object& f = e->fields();
  EXPECT_EQ(f.Find("source")->as_object().Find("ip")->as_string(), "81.2.69.160");
  EXPECT_EQ(f.Find("source")->as_object().Find("port")->as_int(), 51955);
  EXPECT_TRUE(f.Find("ok")->as_bool());
  EXPECT_TRUE(f.Find("nothing")->is_null());
  EXPECT_DOUBLE_EQ(f.Find("ratio")->as_float(), 0.5);
  ASSERT_EQ(f.Find("tags")->as_array().size(), 2u);
  EXPECT_EQ(f.Find("tags")->as_array()[1].as_string(), "b");
  EXPECT_TRUE(f.Find("big")->is_float());  // beyond int64, as ParseJson does
  EXPECT_EQ(f.Find("neg")->as_int(), -3);
}

TEST(EsDocument, BuildsTheSameValuesAsParseJson) {
  const char* json =
      R"({"a":{"b":[1,{"c":"d\"e\u00e9"},[]],"f":{}},"g":"x\ny","@version":"2","h":1e300})";
  auto e = ReadDocument(json);
  ASSERT_TRUE(e.ok());
  auto v = ParseJson(json);
  ASSERT_TRUE(v.ok());
  Object expected = v->as_object();
  Object got = e->fields();
  got.Erase("@timestamp");  // stamped at arrival
  EXPECT_EQ(Value(got).ToJson(), Value(expected).ToJson());
}

TEST(EsDocument, ParsesTimestampTextAndEpochMillis) {
  auto iso = ReadDocument(R"({"@timestamp":"2026-11-27T10:00:00.250Z"})");
  ASSERT_TRUE(iso.ok());
  EXPECT_EQ(iso->timestamp(), *Timestamp::ParseIso8601("2026-11-27T10:00:00.250Z"));
  EXPECT_TRUE(iso->GetTop("@timestamp")->is_timestamp());
  EXPECT_EQ(iso->GetTop("@version")->as_string(), "1");

  auto millis = ReadDocument(R"({"@timestamp":1700000000123})");
  ASSERT_TRUE(millis.ok());
  EXPECT_EQ(millis->timestamp(), Timestamp::FromMillis(1700000000123));
}

TEST(EsDocument, StampsArrivalTimeWhenTheTimestampIsMissingOrUnreadable) {
  Timestamp before = Timestamp::Now();
  auto e = ReadDocument(R"({"@timestamp":"yesterday","message":"x"})");
  ASSERT_TRUE(e.ok());
  EXPECT_GE(e->timestamp().nanos(), before.nanos());
  EXPECT_LE(e->timestamp().nanos(), Timestamp::Now().nanos());
}

TEST(EsDocument, RefusesNonObjectsAndInvalidJsonWithTheOffset) {
  for (const char* bad : {"[1,2]", "\"text\"", "42", "null", ""}) {
    auto e = ReadDocument(bad);
    EXPECT_FALSE(e.ok()) << bad;
  }
  EXPECT_EQ(ReadDocument("[1]").status().message(), "the document must be a JSON object");
  auto broken = ReadDocument(R"({"a":1,})");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("invalid JSON at offset 7"), std::string::npos)
      << broken.status().message();
  EXPECT_FALSE(ReadDocument(R"({"a":1} {"b":2})").ok());  // one document per line
}

TEST(EsDocument, RefusesDocumentsNestedDeeperThanTheLimit) {
  std::string deep;
  for (int i = 0; i < kMaxDocumentDepth + 1; ++i) deep += R"({"a":)";
  deep += "1";
  for (int i = 0; i < kMaxDocumentDepth + 1; ++i) deep += "}";
  auto e = ReadDocument(deep);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("deeper than"), std::string::npos);

  std::string arrays(100000, '[');  // would overflow the stack without the limit
  EXPECT_FALSE(ReadDocument(R"({"a":)" + arrays).ok());
}

}  // namespace
}  // namespace perimeter
