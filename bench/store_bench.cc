// store_bench: the event store and query engine on a month of firewall events, as a dashboard
// uses them. Generates N parsed iptables events shaped as loggen writes them and the seed
// pipeline enriches them (Zipf source IPs over 30 days, ports, geoip country/city/location,
// ASN), ingests them into a fresh store on one core (Append flushes inline, merges run between
// batches, all on this thread), reports ingest events/s and bytes per event on disk (message
// included), then times the dashboard queries — events per hour, top 10 countries, top 10
// source IPs, map grid, distinct source IPs, latest 50 — over all 30 days, with the filter
// geoip.country_code2:CN, and over the last 24 hours. Medians of --runs runs; max RSS.
//
//   store_bench [--events 10000000] [--days 30] [--runs 5] [--dir /tmp/perimeter-store-bench]
//               [--reuse] [--keep] [--export-tsv FILE]
//   --events 100000000 for the 100 M target. --reuse queries an existing store (no ingest).
//   --export-tsv writes the generated events' columns to FILE while ingesting, so other
//   databases can load exactly what the store holds (bench/peers/run.sh).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/event.h"
#include "query/block_cache.h"
#include "query/search.h"
#include "store/event_store.h"

namespace {

using perimeter::Array;
using perimeter::Event;
using perimeter::Object;
using perimeter::Timestamp;
using perimeter::Value;

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr size_t kDistinctSources = 209'000;    // BASELINES.md's data set
constexpr int64_t kEndSeconds = 1'700'000'000;  // fixed, so runs compare

struct Country {
  const char* code2;
  const char* name;
  double lat, lon;
  int asn_base;
};
// Where scanners come from, roughly by volume (Zipf over this order).
constexpr Country kCountries[] = {
    {"CN", "China", 35.0, 105.0, 4134},       {"US", "United States", 38.0, -97.0, 7922},
    {"RU", "Russia", 55.7, 37.6, 12389},      {"NL", "Netherlands", 52.4, 4.9, 1136},
    {"DE", "Germany", 51.0, 9.0, 3320},       {"IN", "India", 20.0, 77.0, 9829},
    {"BR", "Brazil", -10.0, -55.0, 28573},    {"VN", "Vietnam", 16.0, 106.0, 45899},
    {"KR", "South Korea", 37.0, 127.5, 4766}, {"GB", "United Kingdom", 51.5, -0.13, 2856},
    {"FR", "France", 46.0, 2.0, 3215},        {"SG", "Singapore", 1.37, 103.8, 4657},
    {"ID", "Indonesia", -5.0, 120.0, 7713},   {"TW", "Taiwan", 23.5, 121.0, 3462},
    {"HK", "Hong Kong", 22.25, 114.17, 4760}, {"JP", "Japan", 36.0, 138.0, 2516},
    {"UA", "Ukraine", 49.0, 32.0, 15895},     {"IR", "Iran", 32.0, 53.0, 58224},
    {"TR", "Turkey", 39.0, 35.0, 9121},       {"CA", "Canada", 60.0, -95.0, 577},
    {"TH", "Thailand", 15.0, 100.0, 23969},   {"AR", "Argentina", -34.0, -64.0, 7303},
    {"MX", "Mexico", 23.0, -102.0, 8151},     {"BG", "Bulgaria", 43.0, 25.0, 8866},
    {"PL", "Poland", 52.0, 20.0, 5617},       {"IT", "Italy", 42.8, 12.8, 3269},
    {"ES", "Spain", 40.0, -4.0, 3352},        {"ZA", "South Africa", -29.0, 24.0, 37457},
    {"EG", "Egypt", 27.0, 30.0, 8452},        {"AU", "Australia", -27.0, 133.0, 1221},
};
constexpr int kCitiesPerCountry = 40;

class ZipfSampler {
 public:
  ZipfSampler(size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
      sum += 1.0 / std::pow(static_cast<double>(i + 1), s);
      cdf_[i] = sum;
    }
    for (double& c : cdf_) c /= sum;
  }
  size_t Sample(std::mt19937_64& rng) {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

uint32_t PublicIpv4(std::mt19937_64& rng) {
  for (;;) {
    uint32_t ip = static_cast<uint32_t>(rng());
    uint32_t a = ip >> 24, b = (ip >> 16) & 0xff;
    if (a == 0 || a == 10 || a == 127 || a >= 224 || (a == 169 && b == 254) ||
        (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
        (a == 100 && b >= 64 && b < 128)) {
      continue;
    }
    return ip;
  }
}

// One source address and what geoip says about it.
struct Source {
  std::string ip;
  bool v6 = false;
  Object geoip;
};

// The i-th of N events over `days` days ending at kEndSeconds: loggen's line, grok's fields
// (ports as strings, as grok leaves them), the geoip object.
class EventGenerator {
 public:
  EventGenerator(uint64_t events, int days, uint64_t seed)
      : rng_(seed),
        zipf_(kDistinctSources, 1.05),
        events_(events),
        span_(static_cast<int64_t>(days) * 86400) {
    std::mt19937_64 geo(seed + 1);
    ZipfSampler countries(std::size(kCountries), 0.9);
    sources_.resize(kDistinctSources);
    for (Source& s : sources_) {
      char buf[64];
      if (rng_() % 100 < 3) {
        s.v6 = true;
        std::snprintf(buf, sizeof buf, "2001:%x:%x:%x::%x", unsigned(0x200 + rng_() % 0xd00),
                      unsigned(rng_() % 0xffff), unsigned(rng_() % 0xffff),
                      unsigned(rng_() % 0xffff));
      } else {
        uint32_t ip = PublicIpv4(rng_);
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
                      ip & 0xff);
      }
      s.ip = buf;
      const Country& c = kCountries[countries.Sample(geo)];
      int city = static_cast<int>(geo() % kCitiesPerCountry);
      int row = city / 8;  // 8 cities a row
      double lat = std::round((c.lat + (city % 8) * 0.37 - 1.3) * 10000) / 10000;
      double lon = std::round((c.lon + row * 0.53 - 1.1) * 10000) / 10000;
      s.geoip.Set("ip", s.ip);
      s.geoip.Set("country_code2", c.code2);
      s.geoip.Set("country_name", c.name);
      s.geoip.Set("city_name", std::string(c.name) + " City " + std::to_string(city));
      s.geoip.Set("latitude", lat);
      s.geoip.Set("longitude", lon);
      s.geoip.Set("location", Array{Value(lon), Value(lat)});
      s.geoip.Set("asn", static_cast<int64_t>(c.asn_base + city % 5));
    }
  }

  void Make(uint64_t i, Event* e) {
    int64_t t = kEndSeconds - span_ +
                static_cast<int64_t>(static_cast<double>(span_) * static_cast<double>(i) /
                                     static_cast<double>(events_));
    time_t tt = static_cast<time_t>(t);
    struct tm tm;
    gmtime_r(&tt, &tm);
    const Source& s = sources_[zipf_.Sample(rng_)];
    int kind = static_cast<int>(rng_() % 100);
    const char* proto = kind < 90 ? "TCP" : kind < 97 ? "UDP" : "ICMP";
    bool ufw = rng_() % 5 == 0;
    uptime_ += 0.37;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s %2d %02d:%02d:%02d host kernel: [%.6f] %s",
                  kMonths[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, uptime_,
                  ufw ? "[UFW BLOCK] " : "");
    line_ = buf;
    const char* dst = s.v6 ? "2001:db8::5" : "203.0.113.5";
    line_ += "IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:";
    line_ += s.v6 ? "86:dd" : "08:00";
    line_ += " SRC=" + s.ip + " DST=" + dst + " ";
    int ttl = 30 + static_cast<int>(rng_() % 220);
    if (s.v6) {
      std::snprintf(buf, sizeof buf, "LEN=80 TC=0 HOPLIMIT=%d FLOWLBL=%u ", ttl,
                    unsigned(rng_() % 1000000));
    } else {
      unsigned len = std::strcmp(proto, "UDP") == 0 ? unsigned(28 + rng_() % 100)
                                                    : unsigned(40 + (rng_() % 3) * 4);
      std::snprintf(buf, sizeof buf, "LEN=%u TOS=0x00 PREC=0x00 TTL=%d ID=%u %s", len, ttl,
                    unsigned(rng_() % 65536), rng_() % 2 ? "DF " : "");
    }
    line_ += buf;
    std::string spt, dpt;
    if (std::strcmp(proto, "ICMP") == 0) {
      std::snprintf(buf, sizeof buf, "PROTO=ICMP TYPE=8 CODE=0 ID=%u SEQ=%u",
                    unsigned(rng_() % 65536), unsigned(rng_() % 100));
    } else if (std::strcmp(proto, "UDP") == 0) {
      spt = std::to_string(1024 + rng_() % 64000);
      dpt = rng_() % 2 ? "53" : "123";
      std::snprintf(buf, sizeof buf, "PROTO=UDP SPT=%s DPT=%s LEN=%u", spt.c_str(), dpt.c_str(),
                    unsigned(8 + rng_() % 100));
    } else {
      static constexpr int kPorts[] = {22, 22, 22,  22,   22,   22,   22,
                                       23, 80, 443, 3389, 8080, 5900, 2222};
      spt = std::to_string(1024 + rng_() % 64000);
      dpt = std::to_string(kPorts[rng_() % std::size(kPorts)]);
      std::snprintf(buf, sizeof buf, "PROTO=TCP SPT=%s DPT=%s WINDOW=%d RES=0x00 SYN URGP=0",
                    spt.c_str(), dpt.c_str(), rng_() % 2 ? 14600 : 65535);
    }
    line_ += buf;
    raw_bytes_ += line_.size() + 1;

    *e = Event();
    Object& f = e->fields();
    f.Reserve(20);
    f.Set("message", line_);
    f.Set("@version", "1");
    f.Set("@timestamp", Timestamp::FromSeconds(t));
    f.Set("type", "iptables");
    f.Set("host", "host");
    f.Set("in_device", "eth0");
    f.Set("src_ip", s.ip);
    f.Set("dst_ip", dst);
    f.Set("ttl", std::to_string(ttl));
    f.Set("proto", proto);
    if (!spt.empty()) {
      f.Set("src_port", spt);
      f.Set("dst_port", dpt);
    }
    f.Set("geoip", s.geoip);
  }
  uint64_t raw_bytes() const { return raw_bytes_; }

 private:
  std::mt19937_64 rng_;
  ZipfSampler zipf_;
  uint64_t events_;
  int64_t span_;
  double uptime_ = 742317.869535;
  std::vector<Source> sources_;
  std::string line_;
  uint64_t raw_bytes_ = 0;
};

// One row of --export-tsv per event, in this order (absent ports as \N, TSV's null); what the
// peers' tables hold. The constant fields (@version, type, host, in_device) and the copies
// (geoip.ip = src_ip, geoip.location = [lon, lat]) are left out.
constexpr const char* kTsvColumns[] = {
    "time",          "src_ip",       "dst_ip", "src_port", "dst_port", "proto", "ttl",
    "country_code2", "country_name", "city",   "lat",      "lon",      "asn",   "message"};

// The generator never makes a tab, newline, backslash or quote; refusing them keeps the file
// free of escapes (which SQLite's .import and ClickHouse's TSV read differently).
bool TsvSafe(const std::string& s) { return s.find_first_of("\t\n\\\"") == std::string::npos; }

bool WriteTsvRow(const Event& e, std::FILE* out) {
  const Object& f = e.fields();
  const Object& geo = f.Find("geoip")->as_object();
  bool safe = true;
  auto text = [&safe](const Value* v) -> std::string {
    if (v == nullptr) return "\\N";
    if (v->is_string()) {
      safe = safe && TsvSafe(v->as_string());
      return v->as_string();
    }
    if (v->is_int()) return std::to_string(v->as_int());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v->as_number());
    return buf;
  };
  const std::string cols[] = {
      std::to_string(f.Find("@timestamp")->as_timestamp().seconds()),
      text(f.Find("src_ip")),
      text(f.Find("dst_ip")),
      text(f.Find("src_port")),
      text(f.Find("dst_port")),
      text(f.Find("proto")),
      text(f.Find("ttl")),
      text(geo.Find("country_code2")),
      text(geo.Find("country_name")),
      text(geo.Find("city_name")),
      text(geo.Find("latitude")),
      text(geo.Find("longitude")),
      text(geo.Find("asn")),
      text(f.Find("message")),
  };
  static_assert(std::size(cols) == std::size(kTsvColumns));
  if (!safe) return false;
  for (size_t i = 0; i < std::size(cols); ++i) {
    std::fputs(cols[i].c_str(), out);
    std::fputc(i + 1 < std::size(cols) ? '\t' : '\n', out);
  }
  return true;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double ThreadCpu() {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

long MaxRssMib() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Value Agg(const char* kind, Object params) {
  Object o;
  o.Set(kind, std::move(params));
  return o;
}

Object Params(std::initializer_list<std::pair<const char*, Value>> kv) {
  Object o;
  for (const auto& [k, v] : kv) o.Set(k, v);
  return o;
}

struct DashboardQuery {
  const char* name;
  Object request;  // without query and time range
};

// The dashboard's panels, one request each (as a browser would send them).
std::vector<DashboardQuery> Dashboard() {
  std::vector<DashboardQuery> out;
  auto agg_only = [](const char* name, Value agg) {
    Object r;
    r.Set("size", 0);
    Object aggs;
    aggs.Set(name, std::move(agg));
    r.Set("aggs", std::move(aggs));
    return r;
  };
  out.push_back({"events per hour",
                 agg_only("h", Agg("date_histogram",
                                   Params({{"field", "@timestamp"}, {"interval", "1h"}})))});
  out.push_back(
      {"top 10 countries",
       agg_only("c", Agg("terms", Params({{"field", "geoip.country_code2"}, {"size", 10}})))});
  out.push_back({"top 10 source IPs",
                 agg_only("ip", Agg("terms", Params({{"field", "src_ip"}, {"size", 10}})))});
  out.push_back(
      {"map grid (1000 cells)",
       agg_only("g",
                Agg("geo_grid",
                    Params({{"field", "geoip.location"}, {"precision", 6}, {"size", 1000}})))});
  out.push_back(
      {"distinct source IPs", agg_only("d", Agg("cardinality", Params({{"field", "src_ip"}})))});
  Object latest;
  latest.Set("size", 50);
  out.push_back({"latest 50 events", std::move(latest)});
  return out;
}

// What a response says, in a few words (so runs can be checked against each other).
std::string Summary(const Object& res) {
  const Object& hits = res.Find("hits")->as_object();
  std::string a = "total " + std::to_string(hits.Find("total")->as_int());
  const Value* aggs = res.Find("aggregations");
  if (aggs == nullptr || aggs->as_object().size() == 0) {
    return a + ", " + std::to_string(hits.Find("hits")->as_array().size()) + " hits";
  }
  const Value& v = aggs->as_object().value(0);
  if (const Value* b = v.as_object().Find("buckets")) {
    a += ", " + std::to_string(b->as_array().size()) + " buckets";
    if (!b->as_array().empty()) {
      const Object& first = b->as_array()[0].as_object();
      a += ", first " + first.Find("key")->ToJson() + " = " + first.Find("doc_count")->ToJson();
    }
  } else if (const Value* val = v.as_object().Find("value")) {
    a += ", value " + val->ToJson();
  }
  return a;
}

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): an unexpected exception ends the tool (terminate)
int main(int argc, char** argv) {
  uint64_t events = 10'000'000;
  int days = 30, runs = 5;
  size_t batch = 2048;
  std::string dir = "/tmp/perimeter-store-bench";
  bool reuse = false, keep = false;
  std::string export_tsv;  // --export-tsv FILE
  int only_set = -1;       // --set K: run only the K-th query set (profiling)
  int only_query = -1;     // --query K: run only the K-th dashboard query
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--events") {
      events = std::stoull(next());
    } else if (a == "--days") {
      days = std::stoi(next());
    } else if (a == "--runs") {
      runs = std::max(1, std::stoi(next()));
    } else if (a == "--dir") {
      dir = next();
    } else if (a == "--reuse") {
      reuse = true;
    } else if (a == "--keep") {
      keep = true;
    } else if (a == "--set") {
      only_set = std::stoi(next());
    } else if (a == "--query") {
      only_query = std::stoi(next());
    } else if (a == "--export-tsv") {
      export_tsv = next();
    } else {
      std::fprintf(stderr,
                   "usage: store_bench [--events N] [--days D] [--runs R] [--dir PATH] [--reuse] "
                   "[--keep] [--set K] [--query K] [--export-tsv FILE]\n");
      return 2;
    }
  }

  if (!export_tsv.empty() && reuse) {
    std::fprintf(stderr, "--export-tsv writes the events while ingesting: drop --reuse\n");
    return 2;
  }

  perimeter::store::StoreOptions options;
  options.path = dir;
  options.background = false;  // one core: flushes inline in Append, merges between batches
  if (!reuse || !std::filesystem::exists(dir)) {
    std::filesystem::remove_all(dir);
    // The store's clock follows the events, as it would while they arrive live: the day being
    // written is "today". (With the wall clock every generated day would count as over, and the
    // store folds the parts of a day that is over on each maintenance round.)
    auto clock = std::make_shared<std::atomic<int64_t>>(0);
    perimeter::store::StoreOptions ingest_options = options;
    ingest_options.now_nanos = [clock] { return clock->load(); };
    auto opened = perimeter::store::EventStore::Open(ingest_options);
    if (!opened.ok()) {
      std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
      return 1;
    }
    auto& store = *opened;
    std::FILE* tsv = nullptr;
    if (!export_tsv.empty()) {
      tsv = std::fopen(export_tsv.c_str(), "w");
      if (tsv == nullptr) {
        std::fprintf(stderr, "--export-tsv %s: %s\n", export_tsv.c_str(), std::strerror(errno));
        return 1;
      }
    }
    EventGenerator gen(events, days, 42);
    std::vector<Event> batch_events(batch);
    std::vector<const Event*> ptrs;
    double ingest_wall = 0, ingest_cpu = 0;
    for (uint64_t i = 0; i < events; i += batch) {
      size_t n = std::min<uint64_t>(batch, events - i);
      for (size_t k = 0; k < n; ++k) gen.Make(i + k, &batch_events[k]);
      for (size_t k = 0; tsv != nullptr && k < n; ++k) {
        if (!WriteTsvRow(batch_events[k], tsv)) {
          std::fprintf(stderr, "--export-tsv: event %llu has a tab, newline, backslash or quote\n",
                       static_cast<unsigned long long>(i) + k);
          return 1;
        }
      }
      clock->store(batch_events[n - 1].timestamp().nanos());
      ptrs.clear();
      for (size_t k = 0; k < n; ++k) ptrs.push_back(&batch_events[k]);
      double t = Now(), c = ThreadCpu();
      perimeter::Status s = store->Append(ptrs);
      if (s.ok() && (i / batch) % 64 == 63) s = store->MaintainOnce();
      ingest_wall += Now() - t;
      ingest_cpu += ThreadCpu() - c;
      if (!s.ok()) {
        std::fprintf(stderr, "append: %s\n", s.ToString().c_str());
        return 1;
      }
    }
    if (tsv != nullptr && (std::ferror(tsv) != 0 || std::fclose(tsv) != 0)) {
      std::fprintf(stderr, "--export-tsv %s: %s\n", export_tsv.c_str(), std::strerror(errno));
      return 1;
    }
    double t = Now(), c = ThreadCpu();
    perimeter::Status s = store->Flush();
    ingest_wall += Now() - t;
    ingest_cpu += ThreadCpu() - c;
    t = Now();
    clock->store(clock->load() + 2 * int64_t{86400} * 1'000'000'000);  // every day is over
    if (s.ok()) s = store->CompactAll();
    double compact = Now() - t;
    if (s.ok()) s = store->Close();
    if (!s.ok()) {
      std::fprintf(stderr, "flush: %s\n", s.ToString().c_str());
      return 1;
    }
    double ev = static_cast<double>(events);
    std::printf(
        "ingest: %llu events in %.1f s wall (%.1f s CPU): %.0f events/s wall, %.0f "
        "events/s per CPU-second (one thread; fsync per batch of %zu)\n",
        static_cast<unsigned long long>(events), ingest_wall, ingest_cpu, ev / ingest_wall,
        ev / ingest_cpu, batch);
    std::printf("compaction of every day afterwards: %.1f s\n", compact);
    std::printf("raw log lines: %.1f B/event\n", static_cast<double>(gen.raw_bytes()) / ev);
  }

  auto opened = perimeter::store::EventStore::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto& store = *opened;
  perimeter::store::StoreStats stats = store->Stats();
  std::printf(
      "on disk: %.2f B/event (%llu bytes in %llu parts, %llu days; directory %.2f "
      "B/event), compression %.1fx of the WAL form\n",
      stats.bytes_per_event, static_cast<unsigned long long>(stats.part_bytes),
      static_cast<unsigned long long>(stats.parts),
      static_cast<unsigned long long>(stats.partitions),
      static_cast<double>(DirBytes(dir)) / static_cast<double>(stats.events),
      stats.compression_ratio);
  auto snapshot = store->GetSnapshot();
  int64_t end_ns = kEndSeconds * int64_t{1'000'000'000};
  int64_t day_ns = int64_t{86400} * 1'000'000'000;

  struct Set {
    const char* name;
    std::string query;
    int64_t from_ns;
  };
  std::vector<Set> sets = {
      {"all 30 days", "", end_ns - days * day_ns},
      {"30 days, geoip.country_code2:CN", "geoip.country_code2:CN", end_ns - days * day_ns},
      {"last 24 h", "", end_ns - day_ns},
  };
  std::vector<DashboardQuery> dashboard = Dashboard();
  for (size_t si = 0; si < sets.size(); ++si) {
    const Set& set = sets[si];
    if (only_set >= 0 && static_cast<size_t>(only_set) != si) continue;
    std::printf(
        "\n%s (ms, medians of %d runs; cold: block cache emptied before each query, "
        "warm: the dashboard again):\n",
        set.name, runs);
    std::vector<std::vector<double>> cold(dashboard.size()), warm(dashboard.size());
    std::vector<double> cold_totals, warm_totals;
    std::vector<std::string> answers(dashboard.size());
    for (int r = 0; r < runs; ++r) {
      // Cold, then the dashboard twice with the cache: the second of them is the warm one.
      for (int pass = 0; pass < 3; ++pass) {
        bool is_cold = pass == 0;
        bool measured = pass != 1;
        double total = 0;
        for (size_t q = 0; q < dashboard.size(); ++q) {
          if (only_query >= 0 && static_cast<size_t>(only_query) != q) continue;
          Object req = dashboard[q].request;
          req.Set("query", set.query);
          req.Set("from", Timestamp(set.from_ns).millis());
          req.Set("to", Timestamp(end_ns + 1'000'000'000).millis());
          if (is_cold) perimeter::query::BlockCache::Shared().Clear();
          double t = Now();
          auto res = perimeter::query::RunSearch(*snapshot, req, end_ns);
          double ms = (Now() - t) * 1000;
          if (!res.ok()) {
            std::fprintf(stderr, "%s: %s\n", dashboard[q].name, res.status().ToString().c_str());
            return 1;
          }
          if (measured) (is_cold ? cold : warm)[q].push_back(ms);
          total += ms;
          if (r == 0 && is_cold) answers[q] = Summary(*res);
        }
        if (measured) (is_cold ? cold_totals : warm_totals).push_back(total);
      }
    }
    std::printf("  %-24s %9s %9s\n", "", "cold", "warm");
    for (size_t q = 0; q < dashboard.size(); ++q) {
      if (only_query >= 0 && static_cast<size_t>(only_query) != q) continue;
      std::printf("  %-24s %9.1f %9.1f   %s\n", dashboard[q].name, Median(cold[q]), Median(warm[q]),
                  answers[q].c_str());
    }
    std::printf("  %-24s %9.1f %9.1f\n", "whole set", Median(cold_totals), Median(warm_totals));
  }
  std::printf("\nmax RSS: %ld MiB\n", MaxRssMib());
  snapshot.reset();
  perimeter::Status s = store->Close();
  if (!keep && !reuse) std::filesystem::remove_all(dir);
  return s.ok() ? 0 : 1;
}
