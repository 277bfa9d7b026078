#include "store/value_codec.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/random_events.h"
#include "store/row_set_codec.h"
#include "store/text_forms.h"

namespace perimeter::store {
namespace {

using testing::ExactEqual;
using testing::RandomEvents;

TEST(ValueCodec, RoundTripsRandomEventsWithOneKeyTable) {
  RandomEvents gen(11);
  std::vector<Event> events;
  events.reserve(300);
  for (int i = 0; i < 300; ++i) events.push_back(gen.RandomEvent(i));
  ValueEncoder enc;
  std::string buf;
  for (const Event& e : events) {
    enc.StartEvent();
    enc.EncodeObject(e.fields(), &buf);
  }
  ValueDecoder dec;
  ByteReader in(buf);
  for (const Event& e : events) {
    Event back;
    ASSERT_TRUE(dec.DecodeObject(&in, &back.fields()).ok());
    EXPECT_TRUE(ExactEqual(e, back)) << e.ToJson() << "\n" << back.ToJson();
  }
  EXPECT_TRUE(in.empty());
}

TEST(ValueCodec, TruncatedInputIsCorruption) {
  Value v(Array{Value("abc"), Value(Object{}), Value(3.5)});
  std::string blob = EncodeValueBlob(v);
  for (size_t cut = 0; cut < blob.size(); ++cut) {
    EXPECT_FALSE(DecodeValueBlob(std::string_view(blob).substr(0, cut)).ok()) << cut;
  }
  auto back = DecodeValueBlob(blob);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(ExactEqual(v, *back));
}

TEST(ValueCodec, FloatPairsReadInPlace) {
  double lon = 0, lat = 0;
  ASSERT_TRUE(DecodeFloatPair(EncodeValueBlob(Array{Value(104.5), Value(-35.25)}), &lon, &lat));
  EXPECT_EQ(lon, 104.5);
  EXPECT_EQ(lat, -35.25);
  // Anything else is left to DecodeValueBlob.
  EXPECT_FALSE(DecodeFloatPair(EncodeValueBlob(Array{Value(int64_t{1}), Value(2.5)}), &lon, &lat));
  EXPECT_FALSE(DecodeFloatPair(EncodeValueBlob(Array{Value(1.5)}), &lon, &lat));
  EXPECT_FALSE(
      DecodeFloatPair(EncodeValueBlob(Array{Value(1.5), Value(2.5), Value(3.5)}), &lon, &lat));
  EXPECT_FALSE(DecodeFloatPair(EncodeValueBlob(Value("1.5,2.5")), &lon, &lat));
}

TEST(RowSetCodec, BatchesRoundTripThroughBytes) {
  RandomEvents gen(12);
  RowSet rows;
  std::vector<Event> events;
  for (int i = 0; i < 500; ++i) {
    events.push_back(gen.RandomEvent(1'000'000'000LL * i));
    rows.AppendEvent(events.back());
  }
  rows.Seal();
  std::string buf;
  EncodeRowSet(rows, &buf);
  RowSet back;
  ByteReader in(buf);
  ASSERT_TRUE(DecodeRowSet(&in, &back).ok());
  ASSERT_EQ(back.rows(), events.size());
  EXPECT_EQ(back.timestamps(), rows.timestamps());
  for (size_t r = 0; r < events.size(); ++r) {
    auto e = back.EventAt(r);
    ASSERT_TRUE(e.ok());
    EXPECT_TRUE(ExactEqual(events[r], *e)) << events[r].ToJson() << "\n" << e->ToJson();
  }
  for (size_t cut = 0; cut < buf.size(); cut += buf.size() / 50 + 1) {
    RowSet partial;
    ByteReader short_in(std::string_view(buf).substr(0, cut));
    EXPECT_FALSE(DecodeRowSet(&short_in, &partial).ok());
  }
}

TEST(RowSet, MembersLandInTheirColumnsWhateverTheOrder) {
  // Layouts that move the member cache's cursor around: optional members, other orders, the
  // same key at other paths and with other types, nested objects coming and going.
  auto event = [](int kind) {
    Event e;
    Object& f = e.fields();
    f.Set("@timestamp", Timestamp(int64_t{1'000'000'000} * (kind + 1)));
    if (kind % 3 == 0) f.Set("port", "22");
    if (kind % 4 == 1) f.Set("port", int64_t{22});
    Object geo;
    geo.Set("name", kind % 2 == 0 ? "even" : "odd");
    if (kind % 5 != 0) geo.Set("port", "nested");
    if (kind % 7 != 3) f.Set("geo", geo);
    f.Set("name", "top");
    if (kind % 6 == 2) {
      Object inner;
      inner.Set("geo", geo);
      f.Set("outer", inner);
    }
    if (kind % 8 == 5) f.Set("late", Array{Value(1.5), Value("x")});
    return e;
  };
  RowSet rows;
  std::vector<Event> events;
  for (int i = 0; i < 200; ++i) {
    events.push_back(event((i * 7919) % 97));
    rows.AppendEvent(events.back());
  }
  rows.Seal();
  ASSERT_EQ(rows.rows(), events.size());
  for (size_t r = 0; r < events.size(); ++r) {
    auto e = rows.EventAt(r);
    ASSERT_TRUE(e.ok());
    // Columns come back in first-seen order: compare member by member.
    for (size_t i = 0; i < events[r].fields().size(); ++i) {
      const std::string& key = events[r].fields().key(i);
      const Value* got = e->fields().Find(key);
      ASSERT_NE(got, nullptr) << r << " " << key;
      EXPECT_TRUE(ExactEqual(events[r].fields().value(i), *got)) << r << " " << key << "\n"
                                                                 << events[r].ToJson() << "\n"
                                                                 << e->ToJson();
    }
    EXPECT_EQ(e->fields().size(), events[r].fields().size()) << r;
    EXPECT_EQ(rows.timestamps()[r],
              int64_t{1'000'000'000} * static_cast<int64_t>((r * 7919) % 97 + 1));
  }
  // One column per path and type.
  std::vector<std::string> names;
  for (const ColumnData& c : rows.columns()) {
    names.push_back(c.key.DottedName() + ":" + ColumnTypeName(c.key.type));
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names,
            (std::vector<std::string>{"@timestamp:timestamp", "geo.name:string", "geo.port:string",
                                      "late:value", "name:string", "outer.geo.name:string",
                                      "outer.geo.port:string", "port:int", "port:string"}));
}

TEST(TextForms, RecognizeOnlyTextThatFormatsBackExactly) {
  int64_t v;
  EXPECT_TRUE(ParseCanonicalDecimal("51955", &v));
  EXPECT_EQ(v, 51955);
  EXPECT_TRUE(ParseCanonicalDecimal("-7", &v));
  EXPECT_TRUE(ParseCanonicalDecimal("0", &v));
  for (const char* bad : {"007", "-0", "", "-", "1e3", "12a", "1234567890123456789"}) {
    EXPECT_FALSE(ParseCanonicalDecimal(bad, &v)) << bad;
  }
  IpBytes ip;
  for (const char* good : {"1.2.3.4", "255.255.255.255", "2001:db8::5", "::1", "fe80::1"}) {
    ASSERT_TRUE(ParseCanonicalIp(good, &ip)) << good;
    std::string back;
    AppendIpText(ip, &back);
    EXPECT_EQ(back, good);
  }
  for (const char* bad : {"01.2.3.4", "1.2.3", "256.1.1.1", "2001:DB8::5", "2001:0db8::5",
                          "::ffff:1.2.3.4", "1.2.3.4 "}) {
    EXPECT_FALSE(ParseCanonicalIp(bad, &ip)) << bad;
  }
}

}  // namespace
}  // namespace perimeter::store
