#include "store/value_codec.h"

#include <gtest/gtest.h>

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
