// The executor against the reference: random events in a real EventStore (several days, several
// parts, flushed and merged parts plus unflushed rows), random queries and time ranges, every
// aggregation compared with a brute-force computation over the same events using EventMatcher
// (what a query means) and plain loops.
#include "query/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "query/bucket_key.h"
#include "query/event_id.h"
#include "query/event_matcher.h"
#include "query/event_reader.h"
#include "query/geo_tile.h"
#include "query/query_parser.h"
#include "store/event_store.h"
#include "store/part_writer.h"

namespace perimeter::query {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kDay = 86400 * kSecond;
constexpr int64_t kBase = 19'800 * kDay;  // 2024-03-18
constexpr int kDays = 4;

std::string FreshDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "/query_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

// Events shaped like the firewall's, with the irregular shapes real data has: missing fields,
// one field with several types, arrays, objects, top-level dotted names next to nested ones.
class EventMaker {
 public:
  explicit EventMaker(uint64_t seed) : rng_(seed) {}
  uint64_t U(uint64_t n) { return rng_() % n; }

  std::string Ip() {
    uint64_t k = U(4) == 0 ? U(300) : U(12);
    if (k % 41 == 7) return "2001:db8::" + std::to_string(k);
    if (k % 53 == 11) return "unknown";
    return "61.177." + std::to_string(k / 64) + "." + std::to_string(k % 64 * 3);
  }

  Event Make(int64_t ts) {
    static const char* kCountries[] = {"CN", "US", "RU", "NL", "DE", "BR"};
    static const char* kWords[] = {"UFW",    "BLOCK",    "ALLOW", "kernel",  "sshd",
                                   "Failed", "password", "root",  "invalid", "user"};
    Event e;
    if (U(60) != 0) e.set_timestamp(Timestamp(ts));
    std::string ip = Ip();
    std::string port =
        std::vector<std::string>{"22", "22", "3389", "80", "443", "8080", "007"}[U(7)];
    std::string msg = "host kernel: [" + std::to_string(U(100000)) + "." + std::to_string(U(999)) +
                      "] " + kWords[U(10)] + " " + kWords[U(10)] + " SRC=" + ip +
                      " DST=10.0.0.1 PROTO=TCP DPT=" + port;
    switch (U(20)) {
      case 0:
        break;  // no message
      case 1:
        e.SetTop("message", Array{Value(std::string(kWords[U(10)])), Value("SRC=" + ip)});
        break;
      case 2:
        e.SetTop("message", static_cast<int64_t>(U(100)));
        break;
      default:
        e.SetTop("message", msg);
    }
    if (U(10) != 0) e.SetTop("src_ip", ip);
    switch (U(10)) {
      case 0:
        e.SetTop("dst_port", std::stoi(port));  // an int where most are strings
        break;
      case 1:
        break;
      default:
        e.SetTop("dst_port", port);
    }
    if (U(8) != 0) {
      Object geo;
      uint64_t c = (static_cast<unsigned char>(ip[ip.size() - 1]) + ip.size()) % 6;
      geo.Set("country_code2", kCountries[c]);
      switch (U(8)) {
        case 0: {
          Object loc;
          loc.Set("lat", 10.0 + static_cast<double>(c) * 7.5);
          loc.Set("lon", -20.0 + static_cast<double>(U(5)) * 30.25);
          geo.Set("location", std::move(loc));
          break;
        }
        case 1:
          break;
        default:
          geo.Set("location", Array{Value(-20.0 + static_cast<double>(U(5)) * 30.25),
                                    Value(10.0 + static_cast<double>(c) * 7.5)});
      }
      geo.Set("city_name", std::string(kCountries[c]) + "-city-" + std::to_string(U(3)));
      if (U(3) != 0) {
        geo.Set("lat", 10.0 + static_cast<double>(c) * 7.5 + static_cast<double>(U(4)));
        int64_t lon = static_cast<int64_t>(U(360)) - 180;
        geo.Set("lon", U(5) == 0 ? Value(lon) : Value(static_cast<double>(lon) + 0.5));
      }
      e.SetTop("geoip", std::move(geo));
    }
    switch (U(12)) {
      case 0:
        e.SetTop("bytes", static_cast<double>(U(10000)) / 8);
        break;
      case 1:
        e.SetTop("bytes", std::to_string(U(500)));
        break;
      case 2:
        break;
      default:
        e.SetTop("bytes", static_cast<int64_t>(U(100000)) - 100);
    }
    if (U(3) == 0) {
      Array tags;
      for (uint64_t i = 0, n = U(4); i < n; ++i) tags.push_back(Value(kWords[U(4)]));
      e.SetTop("tags", std::move(tags));
    }
    if (U(2) == 0) e.SetTop("flag", U(2) == 0);
    if (U(5) == 0) e.SetTop("seen", Timestamp(ts - static_cast<int64_t>(U(3600)) * kSecond));
    // A nested d.e, and rarely a top-level field spelled "d.e" (the ambiguous case).
    if (U(4) == 0) {
      Object d;
      d.Set("e", std::vector<std::string>{"x", "y", "z"}[U(3)]);
      e.SetTop("d", std::move(d));
    } else if (U(40) == 0) {
      e.SetTop("d.e", std::vector<std::string>{"x", "w"}[U(2)]);
    }
    return e;
  }

  // A random query over the fields above.
  std::string Query() {
    switch (U(5)) {
      case 0:
        return Leaf();
      case 1:
        return Leaf() + " AND " + Leaf();
      case 2:
        return Leaf() + " OR " + Leaf();
      case 3:
        return "NOT " + Leaf();
      default:
        return "(" + Leaf() + " OR " + Leaf() + ") AND NOT " + Leaf();
    }
  }

  std::string Leaf() {
    static const char* kCountries[] = {"CN", "US", "RU", "NL", "DE", "BR", "XX"};
    switch (U(24)) {
      case 0:
        return std::string("geoip.country_code2:") + kCountries[U(7)];
      case 1:
        return "dst_port:" + std::vector<std::string>{"22", "3389", "007", "7", "22.0"}[U(5)];
      case 2:
        return "src_ip:\"" + Ip() + "\"";
      case 3:
        return "src_ip:\"61.177.0.0/" + std::to_string(18 + U(8)) + "\"";
      case 4:
        return "bytes:[" + std::to_string(U(50000)) + " TO " + std::to_string(50000 + U(50000)) +
               "]";
      case 5:
        return "bytes:>" + std::to_string(U(1000));
      case 6:
        return std::vector<std::string>{"ufw",    "BLOCK", "\"failed password\"", "root",
                                        "DPT=22", "kern*", "61.177.0.3",          "nothing"}[U(8)];
      case 7:
        return "_exists_:" + std::vector<std::string>{"geoip", "geoip.location", "message",
                                                      "d.e",   "bytes",          "flag"}[U(6)];
      case 8:
        return "flag:" + std::string(U(2) ? "true" : "false");
      case 9:
        return "tags:" + std::vector<std::string>{"UFW", "BLOCK", "kernel"}[U(3)];
      case 10:
        return "d.e:" + std::vector<std::string>{"x", "y", "w"}[U(3)];
      case 11:
        return "src_ip:61.177.*";
      case 12:
        return "geoip.city_name:[CN TO NL]";
      case 13:
        return "seen:[" + Timestamp(kBase + static_cast<int64_t>(U(kDays)) * kDay).ToIso8601() +
               " TO *]";
      case 14:
        return "dst_port:[1 TO 500]";
      case 15:
        return "message:ALLOW";
      case 16:
        return "*";
      case 17:
        return "bytes:" + std::to_string(U(100));
      case 18:
        return "geoip.country_code2:C?";
      case 19:
        return "dst_port:>=80";
      default:
        return std::string("geoip.country_code2:") + kCountries[U(3)];
    }
  }

 private:
  std::mt19937_64 rng_;
};

// A store filled with random events: flushed parts (some merged) plus unflushed rows.
class SearchTest : public ::testing::Test {
 protected:
  void Fill(const std::string& name, size_t events, size_t flush_rows, uint64_t seed,
            int64_t days = kDays) {
    store::StoreOptions o;
    o.path = FreshDir(name);
    o.background = false;
    o.flush_rows = flush_rows;
    o.merge.min_parts = 2;
    auto opened = store::EventStore::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    EventMaker maker(seed);
    std::mt19937_64 rng(seed);
    constexpr size_t kBatch = 500;
    for (size_t i = 0; i < events; i += kBatch) {
      std::vector<Event> batch;
      for (size_t k = i; k < std::min(events, i + kBatch); ++k) {
        // Mostly in order, some late: parts overlap in time.
        int64_t ts = kBase + static_cast<int64_t>(k) * (days * kDay / static_cast<int64_t>(events));
        if (rng() % 10 == 0) ts -= static_cast<int64_t>(rng() % (uint64_t{6} * 3600)) * kSecond;
        batch.push_back(maker.Make(ts));
      }
      std::vector<const Event*> ptrs;
      ptrs.reserve(batch.size());
      for (const Event& e : batch) ptrs.push_back(&e);
      ASSERT_TRUE(store_->Append(ptrs).ok());
      for (Event& e : batch) events_.push_back(std::move(e));
      if (i % (events / 3 + 1) < kBatch) {
        ASSERT_TRUE(store_->MaintainOnce().ok());
      }
    }
  }

  std::vector<const Event*> Matching(const std::string& query, std::optional<int64_t> from,
                                     std::optional<int64_t> to) const {
    auto parsed = ParseQuery(query);
    EXPECT_TRUE(parsed.ok()) << query;
    auto m = EventMatcher::Compile(**parsed);
    std::vector<const Event*> out;
    for (const Event& e : events_) {
      if (from || to) {
        const Value* ts = e.GetTop("@timestamp");
        if (ts == nullptr || !ts->is_timestamp()) continue;
        int64_t t = ts->as_timestamp().nanos();
        if ((from && t < *from) || (to && t >= *to)) continue;
      }
      if (m->Matches(e)) out.push_back(&e);
    }
    return out;
  }

  std::unique_ptr<store::EventStore> store_;
  std::vector<Event> events_;
};

// Reference terms: key bytes -> documents, plus documents without a value.
struct RefTerms {
  std::map<std::string, uint64_t> counts;
  uint64_t missing = 0;
};

RefTerms ReferenceTerms(const std::vector<const Event*>& events, const std::string& field) {
  RefTerms r;
  for (const Event* e : events) {
    const Value* v = LookupDotted(*e, field);
    std::set<std::string> keys;
    if (v != nullptr) {
      ForEachScalar(*v, [&](const Value& x) {
        std::string k;
        if (AppendScalarKey(x, &k)) keys.insert(k);
      });
    }
    if (keys.empty()) ++r.missing;
    for (const std::string& k : keys) ++r.counts[k];
  }
  return r;
}

std::string KeyOfBucket(const Value& key) {
  std::string k;
  AppendScalarKey(key, &k);
  return k;
}

void CheckTerms(const RefTerms& ref, const Value& result, size_t size, const std::string& what) {
  const Object& o = result.as_object();
  const Array& buckets = o.Find("buckets")->as_array();
  ASSERT_EQ(buckets.size(), std::min(size, ref.counts.size())) << what;
  uint64_t shown = 0, last = UINT64_MAX;
  std::set<std::string> returned;
  for (const Value& b : buckets) {
    std::string key = KeyOfBucket(*b.as_object().Find("key"));
    uint64_t n = static_cast<uint64_t>(b.as_object().Find("doc_count")->as_int());
    auto it = ref.counts.find(key);
    ASSERT_NE(it, ref.counts.end()) << what << ": unexpected key " << b.ToJson();
    EXPECT_EQ(n, it->second) << what << ": " << b.ToJson();
    EXPECT_LE(n, last) << what;
    last = n;
    shown += n;
    returned.insert(key);
  }
  uint64_t total = 0;
  for (const auto& [k, n] : ref.counts) {
    total += n;
    if (!returned.count(k)) {
      EXPECT_LE(n, last) << what << ": a larger bucket was left out";
    }
  }
  EXPECT_EQ(static_cast<uint64_t>(o.Find("sum_other_doc_count")->as_int()), total - shown) << what;
  EXPECT_EQ(static_cast<uint64_t>(o.Find("missing")->as_int()), ref.missing) << what;
}

Object Request(const std::string& query, std::optional<int64_t> from, std::optional<int64_t> to,
               size_t size) {
  Object r;
  r.Set("query", query);
  if (from) r.Set("from", Timestamp(*from).ToIso8601());
  if (to) r.Set("to", Timestamp(*to).ToIso8601());
  r.Set("size", static_cast<int64_t>(size));
  return r;
}

Value Agg(const std::string& kind, Object params) {
  Object o;
  o.Set(kind, std::move(params));
  return o;
}

Object Params(std::initializer_list<std::pair<const char*, Value>> kv) {
  Object o;
  for (const auto& [k, v] : kv) o.Set(k, v);
  return o;
}

void CheckEverything(SearchTest* t, const store::Snapshot& snap, const std::string& query,
                     std::optional<int64_t> from, std::optional<int64_t> to,
                     const std::vector<const Event*>& ref, const std::string& what);

TEST_F(SearchTest, EveryAggregationMatchesTheReferenceOnRandomQueries) {
  Fill("random", 12250, 1500, 7);
  auto snap = store_->GetSnapshot();
  ASSERT_GT(snap->parts().size(), 3u);
  bool in_memory = false;
  for (const auto& p : snap->parts()) in_memory |= p->in_memory();
  EXPECT_TRUE(in_memory) << "the test wants unflushed rows too";

  EventMaker maker(99);
  for (int round = 0; round < 40; ++round) {
    std::string query = maker.Query();
    std::optional<int64_t> from, to;
    switch (round % 4) {
      case 0:
        break;  // all time, events without @timestamp included
      case 1:
        from = kBase + static_cast<int64_t>(maker.U(uint64_t{kDays} * 24)) * 3600 * kSecond +
               static_cast<int64_t>(maker.U(3600)) * kSecond;
        to = *from + static_cast<int64_t>(1 + maker.U(48)) * 3600 * kSecond;
        break;
      case 2:
        from = kBase + kDay;  // whole days: groups wholly inside
        break;
      default:
        to = kBase + 2 * kDay + static_cast<int64_t>(maker.U(kDay / kSecond)) * kSecond;
    }
    std::string what = "query [" + query + "] round " + std::to_string(round);
    auto ref = Matching(query, from, to);
    if (getenv("QUERY_TEST_VERBOSE")) fprintf(stderr, "%s: %zu\n", what.c_str(), ref.size());
    CheckEverything(this, *snap, query, from, to, ref, what);
    if (HasFailure()) return;
  }
}

void CheckEverything(SearchTest* t, const store::Snapshot& snap, const std::string& query,
                     std::optional<int64_t> from, std::optional<int64_t> to,
                     const std::vector<const Event*>& ref, const std::string& what) {
  (void)t;
  Object req = Request(query, from, to, 5);
  Object aggs;
  aggs.Set("docs", Agg("count", Object{}));
  aggs.Set("ports", Agg("terms", Params({{"field", "dst_port"}, {"size", 3}})));
  aggs.Set("countries", [] {
    Value v = Agg("terms", Params({{"field", "geoip.country_code2"}, {"size", 4}}));
    Object sub;
    sub.Set("ips", Agg("terms", Params({{"field", "src_ip"}, {"size", 2}})));
    sub.Set("distinct", Agg("cardinality", Params({{"field", "src_ip"}})));
    v.as_object().Set("aggs", std::move(sub));
    return v;
  }());
  // The filter's own field, without sub-aggregations: a one-clause filter answers these from
  // the matching dictionary entries' counts.
  aggs.Set("country_top", Agg("terms", Params({{"field", "geoip.country_code2"}, {"size", 3}})));
  aggs.Set("country_count", Agg("count", Params({{"field", "geoip.country_code2"}})));
  aggs.Set("country_distinct", Agg("cardinality", Params({{"field", "geoip.country_code2"}})));
  aggs.Set("tags", Agg("terms", Params({{"field", "tags"}, {"size", 10}})));
  aggs.Set("de", Agg("terms", Params({{"field", "d.e"}, {"size", 10}})));
  aggs.Set("msg", Agg("terms", Params({{"field", "message"}, {"size", 2}})));
  aggs.Set("ips", Agg("cardinality", Params({{"field", "src_ip"}})));
  aggs.Set("bytes", Agg("stats", Params({{"field", "bytes"}})));
  aggs.Set("bytes_count", Agg("count", Params({{"field", "bytes"}})));
  aggs.Set(
      "hours",
      Agg("date_histogram",
          Params({{"field", "@timestamp"}, {"interval", "3h"}, {"time_zone", "Europe/Berlin"}})));
  aggs.Set("days", Agg("date_histogram", Params({{"interval", "1d"}, {"time_zone", "+05:30"}})));
  aggs.Set("seen", Agg("date_histogram", Params({{"field", "seen"}, {"interval", "1h"}})));
  aggs.Set("map", Agg("geo_grid", Params({{"field", "geoip.location"}, {"precision", 3}})));
  aggs.Set("pairs",
           Agg("geo_grid",
               Params({{"lat_field", "geoip.lat"}, {"lon_field", "geoip.lon"}, {"precision", 5}})));
  req.Set("aggs", std::move(aggs));
  auto got = RunSearch(snap, req, kBase);
  ASSERT_TRUE(got.ok()) << what << ": " << got.status().ToString();
  const Object& res = *got;
  {
    // The same without the block cache (the run above may have used cached results).
    auto parsed = ParseSearchRequest(req, kBase);
    ASSERT_TRUE(parsed.ok());
    SearchOptions options;
    options.cache = nullptr;
    options.threads = 1 + static_cast<int>(what.size() % 3);  // one, two or three threads
    auto uncached = Search(snap, *parsed, options);
    ASSERT_TRUE(uncached.ok());
    Object a = uncached->ToObject(), b = res;
    a.Erase("took");
    b.Erase("took");
    EXPECT_EQ(Value(a).ToJson(), Value(b).ToJson()) << what;
  }
  const Object& a = res.Find("aggregations")->as_object();

  // Hits and total.
  EXPECT_EQ(res.Find("hits")->as_object().Find("total")->as_int(), static_cast<int64_t>(ref.size()))
      << what;
  EXPECT_EQ(a.Find("docs")->as_object().Find("value")->as_int(), static_cast<int64_t>(ref.size()))
      << what;

  // Terms, nested terms.
  CheckTerms(ReferenceTerms(ref, "dst_port"), *a.Find("ports"), 3, what + " ports");
  CheckTerms(ReferenceTerms(ref, "tags"), *a.Find("tags"), 10, what + " tags");
  CheckTerms(ReferenceTerms(ref, "d.e"), *a.Find("de"), 10, what + " d.e");
  CheckTerms(ReferenceTerms(ref, "message"), *a.Find("msg"), 2, what + " message");
  RefTerms countries = ReferenceTerms(ref, "geoip.country_code2");
  CheckTerms(countries, *a.Find("countries"), 4, what + " countries");
  CheckTerms(countries, *a.Find("country_top"), 3, what + " country_top");
  uint64_t country_values = 0;
  for (const Event* e : ref) {
    if (const Value* v = LookupDotted(*e, "geoip.country_code2")) {
      ForEachScalar(*v, [&](const Value&) { ++country_values; });
    }
  }
  EXPECT_EQ(a.Find("country_count")->as_object().Find("value")->as_int(),
            static_cast<int64_t>(country_values))
      << what;
  EXPECT_EQ(a.Find("country_distinct")->as_object().Find("value")->as_int(),
            static_cast<int64_t>(countries.counts.size()))
      << what;
  for (const Value& b : a.Find("countries")->as_object().Find("buckets")->as_array()) {
    std::string key = KeyOfBucket(*b.as_object().Find("key"));
    std::vector<const Event*> sub;
    for (const Event* e : ref) {
      RefTerms one = ReferenceTerms({e}, "geoip.country_code2");
      if (one.counts.count(key)) sub.push_back(e);
    }
    CheckTerms(ReferenceTerms(sub, "src_ip"), *b.as_object().Find("ips"), 2,
               std::string(what).append(" ips of ").append(key));
    EXPECT_EQ(b.as_object().Find("distinct")->as_object().Find("value")->as_int(),
              static_cast<int64_t>(ReferenceTerms(sub, "src_ip").counts.size()))
        << what;
  }

  // Cardinality (exact at this size).
  EXPECT_EQ(a.Find("ips")->as_object().Find("value")->as_int(),
            static_cast<int64_t>(ReferenceTerms(ref, "src_ip").counts.size()))
      << what;

  // Stats and value count.
  uint64_t n = 0, values = 0;
  double mn = INFINITY, mx = -INFINITY, sum = 0;
  for (const Event* e : ref) {
    const Value* v = LookupDotted(*e, "bytes");
    if (v == nullptr) continue;
    ForEachScalar(*v, [&](const Value& x) {
      ++values;
      if (auto d = NumberOf(x)) {
        ++n;
        mn = std::min(mn, *d);
        mx = std::max(mx, *d);
        sum += *d;
      }
    });
  }
  const Object& st = a.Find("bytes")->as_object();
  EXPECT_EQ(st.Find("count")->as_int(), static_cast<int64_t>(n)) << what;
  if (n > 0) {
    EXPECT_EQ(st.Find("min")->as_number(), mn) << what;
    EXPECT_EQ(st.Find("max")->as_number(), mx) << what;
    EXPECT_NEAR(st.Find("sum")->as_number(), sum, 1e-9 * std::max(1.0, std::fabs(sum))) << what;
  }
  EXPECT_EQ(a.Find("bytes_count")->as_object().Find("value")->as_int(),
            static_cast<int64_t>(values))
      << what;

  // Date histograms: every event in the bucket its rounding names; empty buckets empty.
  auto check_histogram = [&](const char* name, const char* field, const char* interval,
                             const char* zone) {
    DateRounding rounding(*DateInterval::Parse(interval), *TimeZone::Find(zone));
    std::map<int64_t, uint64_t> expect;
    for (const Event* e : ref) {
      const Value* v = LookupDotted(*e, field);
      if (v != nullptr && v->is_timestamp()) {
        ++expect[Timestamp(rounding.KeyOf(v->as_timestamp().nanos())).millis()];
      }
    }
    std::map<int64_t, uint64_t> got_counts;
    int64_t previous = INT64_MIN;
    for (const Value& b : a.Find(name)->as_object().Find("buckets")->as_array()) {
      int64_t key = b.as_object().Find("key")->as_int();
      EXPECT_GT(key, previous) << what << " " << name;
      previous = key;
      uint64_t c = static_cast<uint64_t>(b.as_object().Find("doc_count")->as_int());
      if (c) got_counts[key] = c;
    }
    EXPECT_EQ(got_counts, expect) << what << " " << name;
  };
  check_histogram("hours", "@timestamp", "3h", "Europe/Berlin");
  check_histogram("days", "@timestamp", "1d", "+05:30");
  check_histogram("seen", "seen", "1h", "UTC");

  // Geo grid.
  std::map<std::string, std::tuple<uint64_t, double, double>> cells;
  for (const Event* e : ref) {
    const Value* v = LookupDotted(*e, "geoip.location");
    if (v == nullptr) continue;
    if (auto p = GeoPointOf(*v)) {
      auto& [c, lat, lon] = cells[TileOf(*p, 3).ToString()];
      ++c;
      lat += p->lat;
      lon += p->lon;
    }
  }
  // Points given as two number fields.
  std::map<std::string, uint64_t> pair_cells;
  for (const Event* e : ref) {
    const Value* lat = LookupDotted(*e, "geoip.lat");
    const Value* lon = LookupDotted(*e, "geoip.lon");
    if (lat && lon && lat->is_number() && lon->is_number() &&
        ValidGeoPoint(lat->as_number(), lon->as_number())) {
      ++pair_cells[TileOf({lat->as_number(), lon->as_number()}, 5).ToString()];
    }
  }
  std::map<std::string, uint64_t> got_pairs;
  for (const Value& b : a.Find("pairs")->as_object().Find("buckets")->as_array()) {
    got_pairs[b.as_object().Find("key")->as_string()] =
        static_cast<uint64_t>(b.as_object().Find("doc_count")->as_int());
  }
  EXPECT_EQ(got_pairs, pair_cells) << what;

  const Array& gb = a.Find("map")->as_object().Find("buckets")->as_array();
  EXPECT_EQ(gb.size(), cells.size()) << what;
  for (const Value& b : gb) {
    const std::string& key = b.as_object().Find("key")->as_string();
    auto it = cells.find(key);
    ASSERT_NE(it, cells.end()) << what << " " << key;
    auto [c, lat, lon] = it->second;
    EXPECT_EQ(b.as_object().Find("doc_count")->as_int(), static_cast<int64_t>(c)) << what;
    const Object& centroid = b.as_object().Find("centroid")->as_object();
    EXPECT_NEAR(centroid.Find("lat")->as_number(), lat / static_cast<double>(c), 1e-9) << what;
    EXPECT_NEAR(centroid.Find("lon")->as_number(), lon / static_cast<double>(c), 1e-9) << what;
  }
}

// Filters of one clause on one field: totals and the aggregations on that field come from the
// matching dictionary entries' counts in groups wholly inside the range.
TEST_F(SearchTest, OneClauseFiltersCountFromDictionaries) {
  Fill("clause", 9000, 1500, 11);
  auto snap = store_->GetSnapshot();
  const char* queries[] = {"geoip.country_code2:CN",
                           "geoip.country_code2:XX",
                           "geoip.country_code2:N*",
                           "geoip.country_code2:[DE TO RU]",
                           "dst_port:22",
                           "dst_port:[100 TO 5000]",
                           "src_ip:\"61.177.0.0/20\"",
                           "tags:a"};
  for (const char* query : queries) {
    for (int range = 0; range < 3; ++range) {
      std::optional<int64_t> from, to;
      if (range == 1) from = kBase + kDay;  // whole days: groups wholly inside
      if (range == 2) {
        from = kBase + kDay + int64_t{7} * 3600 * kSecond;
        to = *from + int64_t{30} * 3600 * kSecond;
      }
      std::string what = std::string("query [") + query + "] range " + std::to_string(range);
      CheckEverything(this, *snap, query, from, to, Matching(query, from, to), what);
      if (HasFailure()) return;
    }
  }
}

TEST_F(SearchTest, PartsWithSeveralRowGroupsAndPartialTimeRanges) {
  // More rows per day than one row group holds, so parts have several groups and time ranges
  // cut through them.
  Fill("groups", 150000, 50000, 21, 2);
  ASSERT_TRUE(store_->CompactAll().ok());
  auto snap = store_->GetSnapshot();
  size_t groups = 0;
  for (const auto& p : snap->parts()) groups = std::max(groups, p->group_count());
  ASSERT_GE(groups, 2u);
  EventMaker maker(5);
  for (int round = 0; round < 6; ++round) {
    std::string query = round % 2 ? maker.Query() : "*";
    std::optional<int64_t> from =
        kBase + static_cast<int64_t>(maker.U(uint64_t{2} * 24)) * 3600 * kSecond;
    std::optional<int64_t> to = *from + static_cast<int64_t>(1 + maker.U(30)) * 3600 * kSecond;
    std::string what = "query [" + query + "] round " + std::to_string(round);
    CheckEverything(this, *snap, query, from, to, Matching(query, from, to), what);
    if (HasFailure()) return;
  }
}

TEST_F(SearchTest, PagingReturnsEveryHitOnceNewestFirst) {
  Fill("paging", 5000, 700, 11);
  auto snap = store_->GetSnapshot();
  for (std::string query : {"*", "geoip.country_code2:CN OR dst_port:22", "ufw"}) {
    for (bool ranged : {false, true}) {
      std::optional<int64_t> from, to;
      if (ranged) {
        from = kBase + kDay / 2;
        to = kBase + 3 * kDay;
      }
      std::vector<const Event*> ref = Matching(query, from, to);
      std::multiset<std::string> expect;
      for (const Event* e : ref) expect.insert(EventId(*e));
      std::multiset<std::string> got;
      Value after;
      int64_t last_ts = INT64_MAX;
      for (int page = 0; page < 1000; ++page) {
        Object req = Request(query, from, to, 97);
        if (!after.is_null()) req.Set("search_after", after);
        auto res = RunSearch(*snap, req, kBase);
        ASSERT_TRUE(res.ok()) << res.status().ToString();
        const Object& hits = res->Find("hits")->as_object();
        EXPECT_EQ(hits.Find("total")->as_int(), static_cast<int64_t>(ref.size()));
        const Array& list = hits.Find("hits")->as_array();
        if (list.empty()) break;
        for (const Value& h : list) {
          const Object& ho = h.as_object();
          got.insert(ho.Find("_id")->as_string());
          const Value* ts = ho.Find("_source")->as_object().Find("@timestamp");
          int64_t t = ts != nullptr && ts->is_timestamp() ? ts->as_timestamp().nanos() : INT64_MIN;
          EXPECT_LE(t, last_ts) << "hits must come newest first";
          last_ts = t;
          after = *ho.Find("sort");
        }
      }
      EXPECT_EQ(got, expect) << query << (ranged ? " (ranged)" : "");
    }
  }
}

TEST_F(SearchTest, SortsByAnotherFieldAscending) {
  Fill("sorted", 3000, 800, 5);
  auto snap = store_->GetSnapshot();
  Object req = Request("_exists_:bytes", std::nullopt, std::nullopt, 20);
  req.Set("sort", "bytes:asc");
  auto res = RunSearch(*snap, req, kBase);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  std::vector<double> expect;
  for (const Event* e : Matching("_exists_:bytes", std::nullopt, std::nullopt)) {
    const Value* v = LookupDotted(*e, "bytes");
    if (v->is_number()) expect.push_back(v->as_number());
  }
  std::sort(expect.begin(), expect.end());
  const Array& list = res->Find("hits")->as_object().Find("hits")->as_array();
  ASSERT_EQ(list.size(), 20u);
  for (size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].as_object().Find("sort")->as_array()[0].as_number(), expect[i]);
  }
}

TEST_F(SearchTest, SnapshotAnswersDoNotChangeWhileIngestContinues) {
  Fill("isolation", 3000, 800, 3);
  auto snap = store_->GetSnapshot();
  Object req = Request("*", std::nullopt, std::nullopt, 10);
  Object aggs;
  aggs.Set("c", Agg("terms", Params({{"field", "geoip.country_code2"}})));
  aggs.Set("h", Agg("date_histogram", Params({{"interval", "1d"}})));
  req.Set("aggs", std::move(aggs));
  auto before = RunSearch(*snap, req, kBase);
  ASSERT_TRUE(before.ok());
  before->Erase("took");

  EventMaker maker(1234);
  std::vector<Event> more;
  more.reserve(2000);
  for (int i = 0; i < 2000; ++i) more.push_back(maker.Make(kBase + i * kSecond));
  std::vector<const Event*> ptrs;
  ptrs.reserve(more.size());
  for (const Event& e : more) ptrs.push_back(&e);
  ASSERT_TRUE(store_->Append(ptrs).ok());
  ASSERT_TRUE(store_->CompactAll().ok());

  auto again = RunSearch(*snap, req, kBase);
  ASSERT_TRUE(again.ok());
  again->Erase("took");
  EXPECT_EQ(Value(*again).ToJson(), Value(*before).ToJson());

  auto fresh = RunSearch(*store_->GetSnapshot(), req, kBase);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->Find("hits")->as_object().Find("total")->as_int(),
            before->Find("hits")->as_object().Find("total")->as_int() + 2000);
}

TEST_F(SearchTest, FetchesAnEventByIdAcrossFlushesAndMerges) {
  Fill("fetch", 2000, 600, 8);
  auto res = RunSearch(*store_->GetSnapshot(), Request("*", std::nullopt, std::nullopt, 30), kBase);
  ASSERT_TRUE(res.ok());
  ASSERT_TRUE(store_->CompactAll().ok());  // the hits move to other parts and rows
  auto snap = store_->GetSnapshot();
  for (const Value& h : res->Find("hits")->as_object().Find("hits")->as_array()) {
    const std::string& id = h.as_object().Find("_id")->as_string();
    auto e = FetchEvent(*snap, id);
    ASSERT_TRUE(e.ok()) << id << ": " << e.status().ToString();
    EXPECT_EQ(EventId(*e), id);
    EXPECT_EQ(Value(e->fields()), *h.as_object().Find("_source"));
  }
  EXPECT_EQ(FetchEvent(*snap, "1-0000000000000000").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(FetchEvent(*snap, "nonsense").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SearchTest, FieldsListNamesTypesAndCounts) {
  Fill("fields", 1500, 600, 4);
  std::vector<FieldSummary> fields = Fields(*store_->GetSnapshot());
  std::map<std::string, FieldSummary> by_name;
  for (auto& f : fields) by_name[f.name] = f;
  ASSERT_TRUE(by_name.count("geoip.country_code2"));
  ASSERT_TRUE(by_name.count("dst_port"));
  EXPECT_EQ(by_name["dst_port"].types, (std::vector<std::string>{"int", "string"}));
  uint64_t with_port = 0;
  for (const Event& e : events_) with_port += e.GetTop("dst_port") != nullptr;
  EXPECT_EQ(by_name["dst_port"].count, with_port);
  EXPECT_TRUE(std::is_sorted(fields.begin(), fields.end(),
                             [](const auto& a, const auto& b) { return a.name < b.name; }));
}

TEST_F(SearchTest, QuerySyntaxErrorsSayWhere) {
  Fill("errors", 100, 600, 4);
  auto res = RunSearch(*store_->GetSnapshot(),
                       Request("dst_port:22 AND (", std::nullopt, std::nullopt, 1), kBase);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.status().message().find("column"), std::string::npos) << res.status().message();
  Object bad = Request("*", std::nullopt, std::nullopt, 1);
  Object aggs;
  aggs.Set("x", Agg("percentiles", Params({{"field", "a"}})));
  bad.Set("aggs", std::move(aggs));
  res = RunSearch(*store_->GetSnapshot(), bad, kBase);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.status().message().find("percentiles"), std::string::npos);
}

}  // namespace
}  // namespace perimeter::query

namespace perimeter::query {
namespace {

TEST_F(SearchTest, HitEventsAreThePartsEvents) {
  Fill("reader", 3000, 700, 17);
  auto snap = store_->GetSnapshot();
  std::mt19937_64 rng(3);
  for (const auto& p : snap->parts()) {
    std::vector<uint64_t> rows;
    rows.reserve(40);
    for (int i = 0; i < 40; ++i) rows.push_back(rng() % p->rows());
    std::vector<Event> mine, theirs;
    ASSERT_TRUE(ReadEventsAt(*p, rows, &mine).ok());
    ASSERT_TRUE(p->ReadEvents(rows, &theirs).ok());
    ASSERT_EQ(mine.size(), theirs.size());
    for (size_t i = 0; i < mine.size(); ++i) {
      EXPECT_EQ(mine[i].ToJson(), theirs[i].ToJson());  // same values, types and member order
      EXPECT_EQ(EventId(mine[i]), EventId(theirs[i]));
    }
  }
}

}  // namespace
}  // namespace perimeter::query

namespace perimeter::query {
namespace {

// Terms over many distinct values per row group: the top-k merge proves skewed answers and
// falls back to counting everything on flat ones; both must equal the reference.
TEST(TermsTopK, ExactOnSkewedAndFlatValues) {
  store::StoreOptions o;
  o.path = FreshDir("topk");
  o.background = false;
  o.flush_rows = 20000;
  auto store = store::EventStore::Open(o);
  ASSERT_TRUE(store.ok());
  std::mt19937_64 rng(1);
  std::vector<Event> events;
  for (int i = 0; i < 60000; ++i) {
    Event e;
    e.set_timestamp(Timestamp(kBase + i * kSecond));
    // skewed: a few values take most rows; flat: 3000 values alike.
    uint64_t u = rng() % 1000;
    uint64_t skewed = u < 500 ? u % 7 : rng() % 3000;
    e.SetTop("skewed", "s" + std::to_string(skewed));
    e.SetTop("flat", "f" + std::to_string(rng() % 3000));
    events.push_back(std::move(e));
  }
  std::vector<const Event*> ptrs;
  ptrs.reserve(events.size());
  for (const Event& e : events) ptrs.push_back(&e);
  ASSERT_TRUE((*store)->Append(ptrs).ok());
  ASSERT_TRUE((*store)->Flush().ok());
  auto snap = (*store)->GetSnapshot();
  for (const char* field : {"skewed", "flat"}) {
    for (const char* query : {"*", "NOT skewed:s1"}) {
      Object req = Request(query, std::nullopt, std::nullopt, 0);
      Object aggs;
      aggs.Set("t", Agg("terms", Params({{"field", field}, {"size", 10}})));
      req.Set("aggs", std::move(aggs));
      auto res = RunSearch(*snap, req, kBase);
      ASSERT_TRUE(res.ok());
      std::vector<const Event*> matching;
      auto m = EventMatcher::Compile(**ParseQuery(query));
      for (const Event& e : events) {
        if (m->Matches(e)) matching.push_back(&e);
      }
      CheckTerms(ReferenceTerms(matching, field), *res->Find("aggregations")->as_object().Find("t"),
                 10, std::string(field) + " " + query);
    }
  }
}

// Parts written in memory from `events` (one per slice), in the given format version.
std::vector<std::shared_ptr<const store::Part>> PartsOf(const std::vector<Event>& events,
                                                        size_t parts, uint32_t version) {
  std::vector<std::shared_ptr<const store::Part>> out;
  size_t per = (events.size() + parts - 1) / parts;
  for (size_t p = 0; p < parts; ++p) {
    store::RowSet rows;
    for (size_t i = p * per; i < std::min(events.size(), (p + 1) * per); ++i) {
      rows.AppendEvent(events[i]);
    }
    rows.Seal();
    store::PartWriterOptions options;
    options.part_id = p + 1;
    options.version = version;
    store::PartWriter writer(options, nullptr);
    const store::RowSet* sets[] = {&rows};
    EXPECT_TRUE(store::WriteRows(&writer, sets).ok());
    EXPECT_TRUE(writer.Finish().ok());
    auto part = store::Part::FromBytes(writer.TakeBytes(), "part " + std::to_string(p));
    EXPECT_TRUE(part.ok()) << part.status().ToString();
    out.push_back(*part);
  }
  return out;
}

// Distinct counts answered from the parts' distinct sketches (a whole part in range, no filter)
// agree with the per-block path — register for register, as both hash the same keys — and with
// the brute-force count; parts written before sketches existed give the same answers.
TEST(Cardinality, PartSketchesAgreeWithPerBlockPathAndBruteForce) {
  std::mt19937_64 rng(5);
  std::vector<Event> events;
  constexpr int kRows = 240'000;
  for (int i = 0; i < kRows; ++i) {
    Event e;
    e.set_timestamp(Timestamp(kBase + static_cast<int64_t>(i) * kSecond));
    // Skewed like scanners: half the rows from 50 sources, the rest from 60 k.
    uint64_t k = rng() % 2 ? rng() % 50 : rng() % 60'000;
    e.SetTop("src_ip", "100." + std::to_string(k / 256) + ".7." + std::to_string(k % 256));
    if (i % 3 == 0) e.SetTop("src_ip_copy", e.fields().Find("src_ip")->as_string());
    e.SetTop("country", k % 5 == 0 ? "CN" : "US");
    events.push_back(std::move(e));
  }
  auto v2 = PartsOf(events, 3, store::kPartVersion);
  auto v1 = PartsOf(events, 3, 1);
  int src = v2[0]->FindColumn("src_ip", store::ColumnType::kString);
  ASSERT_GE(src, 0);
  ASSERT_FALSE(v2[0]->column(static_cast<size_t>(src)).distinct_sketch.empty());
  store::Snapshot with_sketches(v2), without(v1);

  struct Case {
    std::string query;
    std::optional<int64_t> from, to;
  };
  int64_t third = kRows / 3 * kSecond;
  std::vector<Case> cases = {
      {"*", std::nullopt, std::nullopt},                      // every part whole
      {"*", kBase, kBase + kRows * kSecond},                  // the same, ranged
      {"*", kBase + third / 2, kBase + kRows * kSecond},      // first part cut: mixed
      {"*", kBase + third + 5 * kSecond, kBase + 2 * third},  // inside one part only
      {"country:CN", std::nullopt, std::nullopt},             // filtered: per-block path
  };
  for (const Case& c : cases) {
    for (const char* field : {"src_ip", "src_ip_copy"}) {
      std::string what = c.query + " " + field + (c.from ? " ranged" : "");
      Object req = Request(c.query, c.from, c.to, 0);
      Object aggs;
      aggs.Set("d", Agg("cardinality", Params({{"field", field}})));
      req.Set("aggs", std::move(aggs));
      BlockCache::Shared().Clear();
      auto a = RunSearch(with_sketches, req, kBase);
      auto b = RunSearch(without, req, kBase);
      ASSERT_TRUE(a.ok()) << a.status().ToString();
      ASSERT_TRUE(b.ok()) << b.status().ToString();
      auto value = [](const Object& res) {
        return res.Find("aggregations")->as_object().Find("d")->as_object().Find("value")->as_int();
      };
      EXPECT_EQ(value(*a), value(*b)) << what;
      auto m = EventMatcher::Compile(**ParseQuery(c.query));
      std::set<std::string> distinct;
      for (const Event& e : events) {
        int64_t ts = e.timestamp().nanos();
        if ((c.from && ts < *c.from) || (c.to && ts >= *c.to) || !m->Matches(e)) continue;
        if (const Value* v = e.fields().Find(field)) distinct.insert(v->as_string());
      }
      double want = static_cast<double>(distinct.size());
      EXPECT_LT(std::fabs(static_cast<double>(value(*a)) - want) / want, 0.02)
          << what << ": " << value(*a) << " for " << want;
    }
  }
}

// Locations that are a function of the city, itself a function of the source address (as
// geoip gives them): a filtered map grid counts rows per address code and projects each place
// once; it must equal the reference row by row.
TEST(GeoGrid, DependentLocationsMatchTheReference) {
  static const char* kCodes[] = {"CN", "US", "RU", "NL", "DE"};
  std::mt19937_64 rng(9);
  std::vector<Event> events;
  for (int i = 0; i < 150'000; ++i) {
    Event e;
    e.set_timestamp(Timestamp(kBase + static_cast<int64_t>(i) * kSecond));
    uint64_t k = rng() % 2 ? rng() % 40 : rng() % 3000;
    e.SetTop("src_ip", "100.64." + std::to_string(k / 256) + "." + std::to_string(k % 256));
    if (k % 17 != 5) {
      uint64_t city = k % 60;
      Object geo;
      geo.Set("country_code2", kCodes[city % 5]);
      geo.Set("city_name", "city " + std::to_string(city));
      if (city != 7) {
        geo.Set("location", Array{Value(-120.0 + static_cast<double>(city) * 4.1),
                                  Value(-50.0 + static_cast<double>(city % 13) * 8.3)});
      }
      e.SetTop("geoip", std::move(geo));
    }
    events.push_back(std::move(e));
  }
  auto parts = PartsOf(events, 2, store::kPartVersion);
  int loc = parts[0]->FindColumn("geoip.location", store::ColumnType::kValue);
  ASSERT_GE(loc, 0);
  ASSERT_EQ(parts[0]->block(static_cast<size_t>(loc), 0)->encoding,
            store::BlockEncoding::kDependent);
  store::Snapshot snap(parts);
  struct Case {
    std::string query;
    std::optional<int64_t> from;
  };
  for (const Case& c : std::vector<Case>{{"geoip.country_code2:CN", std::nullopt},
                                         {"NOT geoip.country_code2:CN", std::nullopt},
                                         {"*", kBase + 40'000 * kSecond}}) {
    Object req = Request(c.query, c.from, std::nullopt, 0);
    Object aggs;
    aggs.Set("map", Agg("geo_grid", Params({{"field", "geoip.location"}, {"precision", 5}})));
    req.Set("aggs", std::move(aggs));
    BlockCache::Shared().Clear();
    auto got = RunSearch(snap, req, kBase);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    auto m = EventMatcher::Compile(**ParseQuery(c.query));
    std::map<std::string, std::tuple<uint64_t, double, double>> cells;
    for (const Event& e : events) {
      if ((c.from && e.timestamp().nanos() < *c.from) || !m->Matches(e)) continue;
      const Value* v = LookupDotted(e, "geoip.location");
      if (v == nullptr) continue;
      if (auto p = GeoPointOf(*v)) {
        auto& [n, lat, lon] = cells[TileOf(*p, 5).ToString()];
        ++n;
        lat += p->lat;
        lon += p->lon;
      }
    }
    const Array& buckets =
        got->Find("aggregations")->as_object().Find("map")->as_object().Find("buckets")->as_array();
    EXPECT_EQ(buckets.size(), cells.size()) << c.query;
    for (const Value& b : buckets) {
      const std::string& key = b.as_object().Find("key")->as_string();
      auto it = cells.find(key);
      ASSERT_NE(it, cells.end()) << c.query << " " << key;
      auto [n, lat, lon] = it->second;
      EXPECT_EQ(b.as_object().Find("doc_count")->as_int(), static_cast<int64_t>(n)) << c.query;
      const Object& centroid = b.as_object().Find("centroid")->as_object();
      EXPECT_NEAR(centroid.Find("lat")->as_number(), lat / static_cast<double>(n), 1e-9);
      EXPECT_NEAR(centroid.Find("lon")->as_number(), lon / static_cast<double>(n), 1e-9);
    }
  }
}

}  // namespace
}  // namespace perimeter::query
