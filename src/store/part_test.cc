#include "store/part.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "store/byte_coding.h"
#include "store/part_writer.h"
#include "store/random_events.h"

namespace perimeter::store {
namespace {

using testing::ExactEqual;
using testing::RandomEvents;

// The bytes of a part file holding `events`.
std::string EncodePart(const std::vector<Event>& events) {
  RowSet rows;
  for (const Event& e : events) rows.AppendEvent(e);
  rows.Seal();
  PartWriter writer(PartWriterOptions{}, nullptr);
  const RowSet* sets[] = {&rows};
  EXPECT_TRUE(WriteRows(&writer, sets).ok());
  EXPECT_TRUE(writer.Finish().ok());
  return writer.TakeBytes();
}

std::shared_ptr<const Part> WriteInMemory(const std::vector<Event>& events) {
  auto part = Part::FromBytes(EncodePart(events), "test");
  EXPECT_TRUE(part.ok()) << part.status().ToString();
  return *part;
}

// Events sorted by time the way the writer sorts them (stable).
std::vector<Event> SortedByTime(std::vector<Event> events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.timestamp() < b.timestamp(); });
  return events;
}

TEST(Part, RandomEventsComeBackExactly) {
  RandomEvents gen(31);
  std::vector<Event> events;
  events.reserve(4000);
  for (int i = 0; i < 4000; ++i)
    events.push_back(gen.RandomEvent(static_cast<int64_t>(gen.Uniform(1000)) * 60'000'000'000));
  auto part = WriteInMemory(events);
  std::vector<Event> want = SortedByTime(events);
  std::vector<uint64_t> rows(want.size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  std::vector<Event> got;
  Status s = part->ReadEvents(rows, &got);
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_TRUE(ExactEqual(want[i], got[i])) << i << "\n"
                                             << want[i].ToJson() << "\n"
                                             << got[i].ToJson();
  }
  uint64_t minutes = 0;
  for (size_t g = 0; g < part->group_count(); ++g) {
    for (uint32_t c : part->group(g).minute_counts) minutes += c;
  }
  EXPECT_EQ(minutes, events.size());
}

class FirewallPart : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    RandomEvents gen(32);
    // More than one row group.
    for (size_t i = 0; i < kRowGroupRows + 3000; ++i) {
      events_->push_back(gen.FirewallEvent(1'700'000'000 + static_cast<int64_t>(i / 4)));
    }
    part_ = new std::shared_ptr<const Part>(WriteInMemory(*events_));
  }
  static void TearDownTestSuite() {
    delete part_;
    delete events_;
  }
  static inline std::vector<Event>* events_ = new std::vector<Event>();
  static inline std::shared_ptr<const Part>* part_ = nullptr;
};

TEST_F(FirewallPart, EveryRowOfEveryGroupComesBack) {
  const Part& part = **part_;
  ASSERT_EQ(part.group_count(), 2u);
  EXPECT_EQ(part.rows(), events_->size());
  std::vector<uint64_t> rows = {0, 1, kRowGroupRows - 1, kRowGroupRows, part.rows() - 1};
  std::vector<Event> got;
  ASSERT_TRUE(part.ReadEvents(rows, &got).ok());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_TRUE(ExactEqual((*events_)[rows[i]], got[i])) << rows[i];
  }
  for (size_t g = 0; g < part.group_count(); ++g) {
    auto set = part.ReadRowGroup(g);
    ASSERT_TRUE(set.ok());
    for (size_t r = 0; r < set->rows(); ++r) {
      auto e = set->EventAt(r);
      ASSERT_TRUE(e.ok());
      ASSERT_TRUE(ExactEqual((*events_)[part.group(g).first_row + r], *e));
    }
  }
}

TEST_F(FirewallPart, BlocksDecodeIntoTypedVectors) {
  const Part& part = **part_;
  int ip = part.FindColumn("src_ip", ColumnType::kString);
  int port = part.FindColumn("src_port", ColumnType::kString);
  int geo_ip = part.FindColumn("geoip.ip", ColumnType::kString);
  int country = part.FindColumn("geoip.country_name", ColumnType::kString);
  int lat = part.FindColumn("geoip.latitude", ColumnType::kFloat);
  int ts = part.FindColumn("@timestamp", ColumnType::kTimestamp);
  ASSERT_TRUE(ip >= 0 && port >= 0 && geo_ip >= 0 && country >= 0 && lat >= 0 && ts >= 0);
  EXPECT_EQ(part.block(ip, 0)->form, ValueForm::kIp);
  EXPECT_EQ(part.block(geo_ip, 0)->encoding, BlockEncoding::kSameAs);
  EXPECT_EQ(part.block(country, 0)->encoding, BlockEncoding::kDependent);
  EXPECT_EQ(part.block(port, 0)->form, ValueForm::kDecimal);
  const BlockMeta* tsb = part.block(ts, 0);
  ASSERT_TRUE(tsb->has_int_range);
  EXPECT_EQ(tsb->min_int, Timestamp::FromSeconds(1'700'000'000).nanos());

  std::vector<size_t> cols = {static_cast<size_t>(ip),     static_cast<size_t>(port),
                              static_cast<size_t>(geo_ip), static_cast<size_t>(country),
                              static_cast<size_t>(lat),    static_cast<size_t>(ts)};
  std::vector<ColumnBlock> blocks;
  ASSERT_TRUE(part.ReadBlocks(cols, 1, &blocks).ok());
  size_t first = part.group(1).first_row;
  for (size_t r = 0; r < blocks[0].rows; ++r) {
    const Event& e = (*events_)[first + r];
    ASSERT_EQ(blocks[0].StringAt(r), e.GetTop("src_ip")->as_string());
    ASSERT_EQ(std::to_string(blocks[1].ints[r]), e.GetTop("src_port")->as_string());
    ASSERT_EQ(blocks[2].StringAt(r), e.GetTop("src_ip")->as_string());
    ASSERT_EQ(blocks[3].StringAt(r),
              e.GetTop("geoip")->as_object().Find("country_name")->as_string());
    ASSERT_EQ(blocks[4].floats[r], e.GetTop("geoip")->as_object().Find("latitude")->as_float());
    ASSERT_EQ(blocks[5].ints[r], e.timestamp().nanos());
  }
  // The IP dictionary carries binary addresses too.
  ASSERT_EQ(blocks[0].ip_dictionary.size(), blocks[0].dictionary.size());
  EXPECT_TRUE(blocks[0].ip_dictionary[0].v4());
}

TEST_F(FirewallPart, DictionariesSummarizeWithoutDecodingRows) {
  const Part& part = **part_;
  int country = part.FindColumn("geoip.country_name", ColumnType::kString);
  auto dict = part.ReadDictionary(country, 0);
  ASSERT_TRUE(dict.ok());
  ASSERT_EQ(dict->values.size(), 4u);
  uint64_t total = 0;
  for (size_t i = 0; i < dict->counts.size(); ++i) {
    total += dict->counts[i];
    if (i > 0) {
      EXPECT_GE(dict->counts[i - 1], dict->counts[i]);  // ordered by count
    }
  }
  EXPECT_EQ(total, part.group(0).rows);
  // Same counts as counting the decoded rows.
  auto block = part.ReadBlock(country, 0);
  ASSERT_TRUE(block.ok());
  std::vector<uint64_t> counted(dict->values.size(), 0);
  for (uint32_t code : block->codes) ++counted[code];
  EXPECT_EQ(counted, dict->counts);
}

// The text visit of a dictionary gives what ReadDictionary gives — for address, decimal and
// plain strings — and its head alone when limited.
TEST_F(FirewallPart, DictionaryTextVisitMatchesTheDictionary) {
  const Part& part = **part_;
  for (const char* name : {"src_ip", "src_port", "geoip.country_name"}) {
    int c = part.FindColumn(name, ColumnType::kString);
    ASSERT_GE(c, 0) << name;
    auto dict = part.ReadDictionary(c, 0);
    ASSERT_TRUE(dict.ok());
    std::vector<std::string> texts;
    std::vector<uint64_t> counts;
    auto all = part.VisitDictionaryText(c, 0, SIZE_MAX, [&](std::string_view t, uint64_t n) {
      texts.emplace_back(t);
      counts.push_back(n);
    });
    ASSERT_TRUE(all.ok()) << name;
    if (part.block(c, 0)->dictionary.empty()) {  // e.g. ports as an integer stream
      EXPECT_FALSE(*all) << name;
      continue;
    }
    ASSERT_TRUE(*all) << name;
    ASSERT_EQ(texts.size(), dict->values.size()) << name;
    for (size_t i = 0; i < texts.size(); ++i) {
      ASSERT_EQ(texts[i], dict->values[i].as_string()) << name << " entry " << i;
    }
    EXPECT_EQ(counts, dict->counts) << name;
    std::vector<std::string> head;
    auto limited = part.VisitDictionaryText(
        c, 0, 2, [&](std::string_view t, uint64_t) { head.emplace_back(t); });
    ASSERT_TRUE(limited.ok() && *limited);
    ASSERT_EQ(head.size(), std::min<size_t>(2, texts.size()));
    for (size_t i = 0; i < head.size(); ++i) EXPECT_EQ(head[i], texts[i]);
  }
  EXPECT_EQ(part.block(part.FindColumn("src_ip", ColumnType::kString), 0)->form, ValueForm::kIp);
  // Not a string column: nothing visited, the caller falls back to ReadDictionary.
  int lat = part.FindColumn("geoip.latitude", ColumnType::kFloat);
  auto none = part.VisitDictionaryText(lat, 0, 10, [](std::string_view, uint64_t) {});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
}

TEST_F(FirewallPart, TokenFilterSkipsBlocksWithoutTheToken) {
  const Part& part = **part_;
  int msg = part.FindColumn("message", ColumnType::kString);
  ASSERT_EQ(part.block(msg, 0)->encoding, BlockEncoding::kTemplate);
  for (const char* present : {"kernel", "syn", "eth0", "198.51.0.7"}) {
    auto r = part.MayContainToken(msg, 0, present);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(*r) << present;
  }
  int skipped = 0;
  for (const char* absent : {"sshd", "accepted", "198.51.99.1", "password", "reject", "udp"}) {
    auto r = part.MayContainToken(msg, 0, absent);
    ASSERT_TRUE(r.ok());
    skipped += !*r;
  }
  EXPECT_GE(skipped, 5);
  auto number = part.MayContainToken(msg, 0, "3389");  // not indexed: cannot skip
  EXPECT_TRUE(*number);
}

TEST(PartFile, FlippedByteIsCorruptionAndOtherColumnsStillRead) {
  std::string dir = ::testing::TempDir() + "/part_corrupt";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string path = dir + "/p.part";
  RandomEvents gen(33);
  std::vector<Event> events;
  events.reserve(3000);
  for (int i = 0; i < 3000; ++i) events.push_back(gen.FirewallEvent(1'700'000'000 + i));
  {
    RowSet rows;
    for (const Event& e : events) rows.AppendEvent(e);
    rows.Seal();
    auto file = FileSystem::Default()->NewWritableFile(path);
    ASSERT_TRUE(file.ok());
    PartWriter writer(PartWriterOptions{}, file->get());
    const RowSet* sets[] = {&rows};
    ASSERT_TRUE(WriteRows(&writer, sets).ok());
    ASSERT_TRUE(writer.Finish().ok());
    ASSERT_TRUE((*file)->Close().ok());
  }
  auto clean = Part::OpenFile(path);
  ASSERT_TRUE(clean.ok());
  int port = (*clean)->FindColumn("src_port", ColumnType::kString);
  int type = (*clean)->FindColumn("type", ColumnType::kString);
  uint64_t offset = (*clean)->block(port, 0)->data.offset + 9;  // inside the frame body
  clean->reset();
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(c ^ 0x40));
  }
  std::atomic<int> reported{0};
  auto part = Part::OpenFile(path, [&](const Part&, const Status& s) {
    EXPECT_EQ(s.code(), StatusCode::kCorruption);
    ++reported;
  });
  ASSERT_TRUE(part.ok()) << "footer is intact, so the part opens";
  auto bad = (*part)->ReadBlock(port, 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("src_port"), std::string::npos) << bad.status().message();
  EXPECT_GE(reported.load(), 1);
  auto good = (*part)->ReadBlock(type, 0);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->StringAt(0), "iptables");
  EXPECT_FALSE((*part)->Verify().ok());
}

// Events from up to `distinct` source addresses, skewed as scanners are (half the rows from 50
// of them), a country of four values and a message unique to each row.
std::vector<Event> SourceEvents(size_t rows, uint64_t distinct) {
  RandomEvents gen(35);
  std::vector<Event> events;
  for (size_t i = 0; i < rows; ++i) {
    Event e;
    e.set_timestamp(Timestamp::FromSeconds(static_cast<int64_t>(i)));
    uint64_t k = gen.Uniform(2) ? gen.Uniform(50) : gen.Uniform(distinct);
    std::string ip = "10." + std::to_string(k >> 16) + "." + std::to_string((k >> 8) & 255) + "." +
                     std::to_string(k & 255);
    e.SetTop("src_ip", ip);
    Object geo;
    geo.Set("ip", ip);
    geo.Set("country_code2", std::vector<std::string>{"CN", "US", "RU", "NL"}[k % 4]);
    e.SetTop("geoip", std::move(geo));
    e.SetTop("message", "line " + std::to_string(i) + " from " + ip);
    events.push_back(std::move(e));
  }
  return events;
}

HyperLogLog ReferenceSketch(const std::vector<Event>& events, const std::string& field) {
  HyperLogLog h;
  for (const Event& e : events) {
    const Value* v = e.fields().Find(field);
    if (v == nullptr) continue;
    std::string key = "s" + v->as_string();
    h.Add(XXH3_64bits(key.data(), key.size()));
  }
  return h;
}

TEST(Part, DistinctSketchesHoldTheStringColumnsValuesOverThePart) {
  std::vector<Event> events = SourceEvents(150'000, 30'000);
  auto part = WriteInMemory(events);
  ASSERT_GT(part->group_count(), 2u);
  int src = part->FindColumn("src_ip", ColumnType::kString);
  int geo_ip = part->FindColumn("geoip.ip", ColumnType::kString);
  int country = part->FindColumn("geoip.country_code2", ColumnType::kString);
  int message = part->FindColumn("message", ColumnType::kString);
  ASSERT_GE(src, 0);
  ASSERT_GE(geo_ip, 0);
  HyperLogLog got;
  auto merged = part->MergeDistinctSketch(static_cast<size_t>(src), &got);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  ASSERT_TRUE(*merged);
  HyperLogLog want = ReferenceSketch(events, "src_ip");
  EXPECT_EQ(got.Registers(), want.Registers());
  std::set<std::string> distinct;
  for (const Event& e : events) distinct.insert(e.fields().Find("src_ip")->as_string());
  double n = static_cast<double>(distinct.size());
  EXPECT_LT(std::fabs(static_cast<double>(got.Estimate()) - n) / n, 0.02) << got.Estimate();
  // geoip.ip holds the same values: one frame serves both.
  EXPECT_EQ(part->column(static_cast<size_t>(geo_ip)).distinct_sketch.offset,
            part->column(static_cast<size_t>(src)).distinct_sketch.offset);
  // Few values (the per-block path is exact and cheap) or none at hand (messages): no sketch.
  HyperLogLog none;
  EXPECT_FALSE(*part->MergeDistinctSketch(static_cast<size_t>(country), &none));
  EXPECT_FALSE(*part->MergeDistinctSketch(static_cast<size_t>(message), &none));
  EXPECT_TRUE(part->Verify().ok());
}

TEST(Part, VersionOnePartsHaveNoSketchesAndReadTheSame) {
  std::vector<Event> events = SourceEvents(70'000, 5'000);
  RowSet rows;
  for (const Event& e : events) rows.AppendEvent(e);
  rows.Seal();
  PartWriterOptions options;
  options.version = 1;
  PartWriter writer(options, nullptr);
  const RowSet* sets[] = {&rows};
  ASSERT_TRUE(WriteRows(&writer, sets).ok());
  ASSERT_TRUE(writer.Finish().ok());
  auto part = Part::FromBytes(writer.TakeBytes(), "v1");
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  for (size_t c = 0; c < (*part)->column_count(); ++c) {
    EXPECT_TRUE((*part)->column(c).distinct_sketch.empty());
  }
  std::vector<uint64_t> all(events.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<Event> got;
  ASSERT_TRUE((*part)->ReadEvents(all, &got).ok());
  for (size_t i = 0; i < events.size(); ++i) ASSERT_TRUE(ExactEqual(events[i], got[i])) << i;
}

// A column that is a function of another that is a function of a third (country of city of
// address), some rows without them: the composed map gives every row its code.
TEST(Part, DependentChainsComposeToTheRootKey) {
  RandomEvents gen(36);
  std::vector<Event> events;
  for (int i = 0; i < 20'000; ++i) {
    Event e;
    e.set_timestamp(Timestamp::FromSeconds(i));
    uint64_t k = gen.Uniform(300);
    if (gen.Uniform(10) != 0) {
      e.SetTop("ip", "10.0." + std::to_string(k / 256) + "." + std::to_string(k % 256));
      e.SetTop("city", "city " + std::to_string(k % 40));
      if (k % 40 != 3) e.SetTop("country", "country " + std::to_string(k % 40 % 7));
    }
    events.push_back(std::move(e));
  }
  auto part = WriteInMemory(events);
  int country = part->FindColumn("country", ColumnType::kString);
  ASSERT_GE(country, 0);
  const BlockMeta* m = part->block(static_cast<size_t>(country), 0);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->encoding, BlockEncoding::kDependent);
  GroupReader reader(*part, 0);
  auto dep = reader.ReadDependent(static_cast<size_t>(country));
  ASSERT_TRUE(dep.ok()) << dep.status().ToString();
  auto block = part->ReadBlock(static_cast<size_t>(country), 0);
  ASSERT_TRUE(block.ok());
  const uint32_t last = static_cast<uint32_t>(dep->by_key_code.size() - 1);
  for (size_t r = 0; r < block->rows; ++r) {
    uint32_t kc = dep->key->codes.empty() ? ColumnBlock::kAbsentCode : dep->key->codes[r];
    ASSERT_EQ(dep->by_key_code[std::min(kc, last)], block->codes[r]) << r;
  }
}

TEST(PartFile, DamagedSketchIsCorruption) {
  std::vector<Event> events = SourceEvents(20'000, 5'000);
  std::string bytes = EncodePart(events);
  ASSERT_FALSE(bytes.empty());
  int src = -1;
  FrameRef ref;
  {
    auto part = Part::FromBytes(bytes, "intact");
    ASSERT_TRUE(part.ok());
    src = (*part)->FindColumn("src_ip", ColumnType::kString);
    ref = (*part)->column(static_cast<size_t>(src)).distinct_sketch;
  }
  ASSERT_FALSE(ref.empty());
  bytes[ref.offset + ref.size / 2] ^= 0x5a;
  auto damaged = Part::FromBytes(bytes, "damaged");
  ASSERT_TRUE(damaged.ok()) << "the footer is intact, so the part opens";
  HyperLogLog h;
  auto merged = (*damaged)->MergeDistinctSketch(static_cast<size_t>(src), &h);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.status().code(), StatusCode::kCorruption);
  EXPECT_FALSE((*damaged)->Verify().ok());
}

TEST(PartFile, UnknownVersionIsRefusedWithAClearError) {
  std::string path = ::testing::TempDir() + "/future.part";
  PartWriter writer(PartWriterOptions{}, nullptr);
  ASSERT_TRUE(writer.Finish().ok());
  std::string bytes = writer.TakeBytes();
  bytes[8] = static_cast<char>(kPartVersion + 1);  // with a header checksum that matches
  std::string header = bytes.substr(0, 12);
  uint32_t sum = static_cast<uint32_t>(Checksum(header));
  std::memcpy(bytes.data() + 12, &sum, 4);
  std::ofstream(path, std::ios::binary) << bytes;
  auto part = Part::OpenFile(path);
  ASSERT_FALSE(part.ok());
  EXPECT_EQ(part.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(part.status().message().find("version " + std::to_string(kPartVersion + 1)),
            std::string::npos);
}

TEST(PartFile, TruncatedFilesAreCorruption) {
  std::vector<Event> events;
  RandomEvents gen(34);
  events.reserve(100);
  for (int i = 0; i < 100; ++i) events.push_back(gen.FirewallEvent(i));
  std::string bytes = EncodePart(events);
  ASSERT_FALSE(bytes.empty());
  for (size_t cut : {size_t{0}, size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    auto part = Part::FromBytes(bytes.substr(0, cut), "cut");
    ASSERT_FALSE(part.ok());
    EXPECT_EQ(part.status().code(), StatusCode::kCorruption) << cut;
  }
}

}  // namespace
}  // namespace perimeter::store
