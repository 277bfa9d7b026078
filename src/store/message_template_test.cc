#include "store/message_template.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <xxhash.h>

#include <random>

#include "store/random_events.h"

namespace perimeter::store {
namespace {

struct Row {
  std::string message;
  std::vector<std::string> fields;  // column i's text
};

// Encodes rows, decodes them back, and returns the decoded messages.
std::vector<std::string> RoundTrip(const std::vector<Row>& rows, size_t* templates = nullptr) {
  TokenFilterBuilder filter;
  TemplateEncoder enc(&filter);
  for (const Row& r : rows) {
    std::vector<FieldText> fields;
    for (uint32_t c = 0; c < r.fields.size(); ++c) {
      fields.push_back({c, r.fields[c], XXH3_64bits(r.fields[c].data(), r.fields[c].size())});
    }
    enc.Add(r.message, fields);
  }
  if (templates) *templates = enc.template_count();
  std::string dict, data;
  enc.Finish(&dict, &data);
  TemplateDecoder dec;
  EXPECT_TRUE(dec.Init(dict).ok());
  std::vector<uint32_t> row_ids(rows.size());
  for (uint32_t i = 0; i < rows.size(); ++i) row_ids[i] = i;
  ByteReader in(data);
  std::vector<std::string> out;
  Status s = dec.Decode(
      &in, row_ids,
      [&](uint32_t col, size_t row, std::string* o) {
        if (col >= rows[row].fields.size()) return false;
        o->append(rows[row].fields[col]);
        return true;
      },
      &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(in.empty());
  return out;
}

TEST(MessageTemplate, RebuildsLinesExactly) {
  std::vector<Row> rows = {
      {"May  3 17:20:08 host kernel: [742317.869535] SRC=1.2.3.4 DPT=22 ID=00042",
       {"1.2.3.4", "22"}},
      {"May  3 17:20:09 host kernel: [742318.239535] SRC=5.6.7.8 DPT=22 ID=7", {"5.6.7.8", "22"}},
      {"", {}},
      {"000 0 00 10 0x00", {}},
      {std::string("nul\0byte 12\0\0", 13), {"nul"}},
      {"123456789012345678901234567890 and 99999999999999999999", {}},
      {"a=b,c;d[e]f(g)h{i}j<k>l\"m'n\to", {"b", "e"}},
      {"repeated 22 22 22", {"22", "22"}},
  };
  std::vector<std::string> out = RoundTrip(rows);
  ASSERT_EQ(out.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(out[i], rows[i].message) << i;
}

TEST(MessageTemplate, RandomLinesRoundTrip) {
  testing::RandomEvents gen(21);
  std::vector<Row> rows;
  for (int i = 0; i < 2000; ++i) {
    Row r;
    r.fields = {gen.RandomString(6), std::to_string(gen.Uniform(100))};
    r.message = gen.RandomString(60) + " " + r.fields[0] + " " + r.fields[1] + " " +
                std::to_string(gen.rng()()) + std::string(gen.Uniform(3), '0');
    rows.push_back(std::move(r));
  }
  std::vector<std::string> out = RoundTrip(rows);
  for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(out[i], rows[i].message) << i;
}

TEST(MessageTemplate, FirewallLinesShareFewTemplates) {
  std::mt19937_64 rng(4);
  std::vector<Row> rows;
  for (int i = 0; i < 5000; ++i) {
    std::string ip = "10.0." + std::to_string(rng() % 50) + "." + std::to_string(rng() % 250);
    std::string spt = std::to_string(1024 + rng() % 60000);
    std::string id = std::to_string(rng() % 65536);
    const char* df = rng() % 2 ? " DF" : "";
    rows.push_back(
        {fmt::format("kernel: [{}.5] SRC={} SPT={} ID={}{} SYN", 1000 + i, ip, spt, id, df),
         {ip, spt}});
  }
  size_t templates = 0;
  std::vector<std::string> out = RoundTrip(rows, &templates);
  EXPECT_LE(templates, 4u);
  for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(out[i], rows[i].message);
}

TEST(MessageTemplate, NumberStreamsAreNamedByContext) {
  static const char kText[] = "a \0\1:\0\1:\0\1 ID=\0\1 x\0\2\5 ID=\0\1";
  std::string t(kText, sizeof kText - 1);
  std::vector<std::string> names = NumberContexts(t);
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names[1].substr(0, 1), ":");
  EXPECT_NE(names[1], names[2]);  // the second ":" is another stream
  EXPECT_EQ(names[3].substr(0, 4), " ID=");
  EXPECT_NE(names[3], names[4]);  // so is the second " ID="
}

}  // namespace
}  // namespace perimeter::store
