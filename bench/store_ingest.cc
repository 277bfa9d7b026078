// store_ingest: how fast the event store ingests parsed firewall events (WAL + part encoding)
// and how many bytes each event takes on disk, message included.
//
// Events look like the seed system's after grok IPTABLES + geoip: the raw line as loggen writes
// it (Zipf-distributed source IPs, ~30 days), in_device, MACs, src/dst ip, ttl, proto, ports (as
// strings, as grok leaves them), and a geoip object (codes, names, lat/lon, location arrays).
//
//   store_ingest [--events N] [--days D] [--batch B] [--dir PATH] [--no-merge] [--breakdown]
//
// Prints events/s of Append (one thread; fsync per batch), events/s and store CPU per event for
// ingest (WAL + flushes into parts; background merges off), bytes/event after flushing, then
// the cost of merging every day into one part and bytes/event after it. --breakdown gives bytes
// per column, --scan block decode rates, --verify reads every event back, --phases the CPU of
// each ingest stage without I/O.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/event.h"
#include "store/event_store.h"
#include "store/part_writer.h"
#include "store/random_events.h"
#include "store/row_set_codec.h"

namespace {

using perimeter::Array;
using perimeter::Event;
using perimeter::Object;
using perimeter::Timestamp;
using perimeter::Value;

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Country {
  const char* code2;
  const char* code3;
  const char* name;
  const char* continent;
  const char* timezone;
  double lat, lon;
};
// Where scanners come from, roughly by volume.
constexpr Country kCountries[] = {
    {"CN", "CHN", "China", "AS", "Asia/Shanghai", 35.0, 105.0},
    {"US", "USA", "United States", "NA", "America/Chicago", 38.0, -97.0},
    {"RU", "RUS", "Russia", "EU", "Europe/Moscow", 55.7, 37.6},
    {"NL", "NLD", "Netherlands", "EU", "Europe/Amsterdam", 52.4, 4.9},
    {"DE", "DEU", "Germany", "EU", "Europe/Berlin", 51.0, 9.0},
    {"IN", "IND", "India", "AS", "Asia/Kolkata", 20.0, 77.0},
    {"BR", "BRA", "Brazil", "SA", "America/Sao_Paulo", -10.0, -55.0},
    {"VN", "VNM", "Vietnam", "AS", "Asia/Ho_Chi_Minh", 16.0, 106.0},
    {"KR", "KOR", "South Korea", "AS", "Asia/Seoul", 37.0, 127.5},
    {"GB", "GBR", "United Kingdom", "EU", "Europe/London", 51.5, -0.13},
    {"FR", "FRA", "France", "EU", "Europe/Paris", 46.0, 2.0},
    {"SG", "SGP", "Singapore", "AS", "Asia/Singapore", 1.37, 103.8},
    {"ID", "IDN", "Indonesia", "AS", "Asia/Jakarta", -5.0, 120.0},
    {"TW", "TWN", "Taiwan", "AS", "Asia/Taipei", 23.5, 121.0},
    {"HK", "HKG", "Hong Kong", "AS", "Asia/Hong_Kong", 22.25, 114.17},
    {"JP", "JPN", "Japan", "AS", "Asia/Tokyo", 36.0, 138.0},
    {"UA", "UKR", "Ukraine", "EU", "Europe/Kyiv", 49.0, 32.0},
    {"IR", "IRN", "Iran", "AS", "Asia/Tehran", 32.0, 53.0},
    {"TR", "TUR", "Turkey", "AS", "Europe/Istanbul", 39.0, 35.0},
    {"CA", "CAN", "Canada", "NA", "America/Toronto", 60.0, -95.0},
    {"TH", "THA", "Thailand", "AS", "Asia/Bangkok", 15.0, 100.0},
    {"AR", "ARG", "Argentina", "SA", "America/Argentina/Buenos_Aires", -34.0, -64.0},
    {"MX", "MEX", "Mexico", "NA", "America/Mexico_City", 23.0, -102.0},
    {"BG", "BGR", "Bulgaria", "EU", "Europe/Sofia", 43.0, 25.0},
    {"PL", "POL", "Poland", "EU", "Europe/Warsaw", 52.0, 20.0},
    {"IT", "ITA", "Italy", "EU", "Europe/Rome", 42.8, 12.8},
    {"ES", "ESP", "Spain", "EU", "Europe/Madrid", 40.0, -4.0},
    {"ZA", "ZAF", "South Africa", "AF", "Africa/Johannesburg", -29.0, 24.0},
    {"EG", "EGY", "Egypt", "AF", "Africa/Cairo", 27.0, 30.0},
    {"AU", "AUS", "Australia", "OC", "Australia/Sydney", -27.0, 133.0},
};
constexpr int kCitiesPerCountry = 40;

uint32_t RandomPublicIpv4(std::mt19937_64& rng) {
  for (;;) {
    uint32_t ip = static_cast<uint32_t>(rng());
    uint32_t a = ip >> 24, b = (ip >> 16) & 0xff;
    if (a == 0 || a == 10 || a == 127 || a >= 224 || (a == 169 && b == 254) ||
        (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
        (a == 100 && b >= 64 && b < 128))
      continue;
    return ip;
  }
}

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

struct Source {
  std::string ip;
  bool v6;
  Object geoip;  // what the geoip filter adds for this address
};

// Builds events the way the seed pipeline would: loggen's line, grok's fields, geoip's object.
class EventGenerator {
 public:
  EventGenerator(uint64_t events, int days, uint64_t seed)
      : rng_(seed), zipf_(kDistinctSources, 1.05), events_(events) {
    end_ = 1'700'000'000;  // fixed, so runs compare
    span_ = static_cast<int64_t>(days) * 86400;
    std::mt19937_64 geo(seed + 1);
    ZipfSampler country_zipf(std::size(kCountries), 0.9);
    sources_.resize(kDistinctSources);
    for (Source& s : sources_) {
      if (rng_() % 100 < 3) {
        s.v6 = true;
        char buf[64];
        std::snprintf(buf, sizeof buf, "2001:%x:%x:%x::%x", unsigned(0x200 + rng_() % 0xd00),
                      unsigned(rng_() % 0xffff), unsigned(rng_() % 0xffff),
                      unsigned(rng_() % 0xffff));
        s.ip = buf;
      } else {
        s.v6 = false;
        uint32_t ip = RandomPublicIpv4(rng_);
        s.ip = std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." +
               std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
      }
      const Country& c = kCountries[country_zipf.Sample(geo)];
      int city = static_cast<int>(geo() % kCitiesPerCountry);
      int row = city / 8;  // 8 cities a row
      double lat = std::round((c.lat + (city % 8) * 0.37 - 1.3) * 10000) / 10000;
      double lon = std::round((c.lon + row * 0.53 - 1.1) * 10000) / 10000;
      s.geoip.Set("ip", s.ip);
      s.geoip.Set("country_code2", c.code2);
      s.geoip.Set("country_code3", c.code3);
      s.geoip.Set("country_name", c.name);
      s.geoip.Set("continent_code", c.continent);
      s.geoip.Set("city_name", std::string(c.name) + " City " + std::to_string(city));
      s.geoip.Set("latitude", lat);
      s.geoip.Set("longitude", lon);
      s.geoip.Set("timezone", c.timezone);
      s.geoip.Set("location", Array{Value(lon), Value(lat)});
      s.geoip.Set("coordinates", Array{Value(lon), Value(lat)});
    }
  }

  // The i-th event (call with i = 0, 1, 2, ... in order).
  void Make(uint64_t i, Event* e) {
    int64_t t = end_ - span_ +
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
    line_.clear();
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s %2d %02d:%02d:%02d %s kernel: [%.6f] %s", kMonths[tm.tm_mon],
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, "host", uptime_,
                  ufw ? "[UFW BLOCK] " : "");
    line_ += buf;
    std::string dst = s.v6 ? "2001:db8::5" : "203.0.113.5";
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

    *e = Event();
    Object& f = e->fields();
    f.Reserve(20);
    f.Set("message", line_);
    f.Set("@version", "1");
    f.Set("@timestamp", Timestamp::FromSeconds(t));
    f.Set("type", "iptables");
    f.Set("host", "host");
    f.Set("path", "/var/log/iptables.log");
    f.Set("in_device", "eth0");
    f.Set("dst_mac", "52:54:00:12:34:56");
    f.Set("src_mac", "52:54:00:65:43:21");
    f.Set("ethtype", s.v6 ? "86:dd" : "08:00");
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
  size_t raw_line_bytes() const { return line_.size() + 1; }

 private:
  static constexpr size_t kDistinctSources = 209'000;  // as in BASELINES.md
  std::mt19937_64 rng_;
  ZipfSampler zipf_;
  uint64_t events_;
  int64_t end_, span_;
  double uptime_ = 742317.869535;
  std::vector<Source> sources_;
  std::string line_;
};

double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU time of this thread: the machine may be shared, and wall time then measures the others.
double ThreadCpu() {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t total = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): an unexpected exception ends the tool (terminate)
int main(int argc, char** argv) {
  uint64_t events = 2'000'000;
  int days = 30;
  size_t batch = 2048;
  std::string dir = "/tmp/perimeter-store-bench";
  bool merge = true, breakdown = false, phases = false, verify = false, scan = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--events") {
      events = std::stoull(next());
    } else if (a == "--days") {
      days = std::stoi(next());
    } else if (a == "--batch") {
      batch = std::stoull(next());
    } else if (a == "--dir") {
      dir = next();
    } else if (a == "--no-merge") {
      merge = false;
    } else if (a == "--breakdown") {
      breakdown = true;
    } else if (a == "--phases") {
      phases = true;
    } else if (a == "--verify") {
      verify = true;
    } else if (a == "--scan") {
      scan = true;
    } else {
      std::fprintf(stderr,
                   "usage: store_ingest [--events N] [--days D] [--batch B] [--dir PATH] "
                   "[--no-merge] [--breakdown] [--phases] [--verify] [--scan]\n");
      return 2;
    }
  }
  std::filesystem::remove_all(dir);

  // Events are generated batch by batch right before they are stored, as a pipeline hands
  // over freshly parsed events; only the store's CPU time is counted.
  EventGenerator gen(events, days, 42);
  std::vector<Event> batch_events(batch);
  uint64_t raw_bytes = 0;
  double gen_cpu = 0;
  auto make_batch = [&](uint64_t first, size_t n) {
    double c = ThreadCpu();
    for (size_t k = 0; k < n; ++k) {
      gen.Make(first + k, &batch_events[k]);
      raw_bytes += gen.raw_line_bytes();
    }
    gen_cpu += ThreadCpu() - c;
  };

  if (phases) {
    // Each stage of ingest on its own, in CPU ns per event (one thread, no I/O).
    using namespace perimeter::store;
    std::vector<std::shared_ptr<RowSet>> sets;
    std::string buf;
    uint64_t wal_bytes = 0;
    double columnize = 0, wal_encode = 0;
    for (uint64_t i = 0; i < events; i += batch) {
      size_t n = std::min<uint64_t>(batch, events - i);
      make_batch(i, n);
      double t = ThreadCpu();
      auto rs = std::make_shared<RowSet>();
      rs->ExpectRows(n);
      for (size_t k = 0; k < n; ++k) rs->AppendEvent(batch_events[k]);
      rs->Seal();
      sets.push_back(rs);
      columnize += ThreadCpu() - t;
      t = ThreadCpu();
      buf.clear();
      EncodeRowSet(*rs, &buf);
      wal_bytes += buf.size();
      wal_encode += ThreadCpu() - t;
    }
    std::vector<const RowSet*> ptrs;
    ptrs.reserve(sets.size());
    for (auto& s : sets) ptrs.push_back(s.get());
    // Repeated (PERIMETER_BENCH_REPEAT) so a profiler sees mostly part encoding.
    int repeat = getenv("PERIMETER_BENCH_REPEAT") ? atoi(getenv("PERIMETER_BENCH_REPEAT")) : 1;
    double t = ThreadCpu();
    PartWriterOptions po;
    if (getenv("PERIMETER_BENCH_NO_TEMPLATES")) po.template_columns.clear();
    if (getenv("PERIMETER_BENCH_NO_FILTERS")) po.token_filters = false;
    PartWriter w(po, nullptr);
    perimeter::Status st = WriteRows(&w, ptrs);
    if (st.ok()) st = w.Finish();
    for (int r = 1; r < repeat && st.ok(); ++r) {
      PartWriter again(po, nullptr);
      st = WriteRows(&again, ptrs);
    }
    double encode = (ThreadCpu() - t) / std::max(repeat, 1);
    auto ns = [&](double sec) { return sec * 1e9 / static_cast<double>(events); };
    std::printf(
        "columnize %.0f ns/event, WAL encode %.0f ns/event (%.0f B/event), part encode %.0f "
        "ns/event (%.2f B/event)\n",
        ns(columnize), ns(wal_encode), static_cast<double>(wal_bytes) / static_cast<double>(events),
        ns(encode), static_cast<double>(w.TakeBytes().size()) / static_cast<double>(events));
    return st.ok() ? 0 : 1;
  }

  perimeter::store::StoreOptions options;
  options.path = dir;
  // Merges are measured on their own below: during ingest only flushes run in the background.
  options.background_merges = false;
  auto opened = perimeter::store::EventStore::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto& store = *opened;

  std::vector<const Event*> ptrs;
  double cpu0 = CpuSeconds(), t0 = Now(), gen_wall = 0;
  for (uint64_t i = 0; i < events; i += batch) {
    size_t n = std::min<uint64_t>(batch, events - i);
    double g = Now();
    make_batch(i, n);
    gen_wall += Now() - g;
    ptrs.clear();
    for (size_t k = 0; k < n; ++k) ptrs.push_back(&batch_events[k]);
    perimeter::store::Checkpoint cp{"bench", std::to_string(i)};
    perimeter::Status s = store->Append(ptrs, {&cp, 1});
    if (!s.ok()) {
      std::fprintf(stderr, "append: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  double t_append = Now() - t0 - gen_wall;
  perimeter::Status s = store->Flush();
  if (!s.ok()) {
    std::fprintf(stderr, "flush: %s\n", s.ToString().c_str());
    return 1;
  }
  double t_flush = Now() - t0 - gen_wall, cpu_flush = CpuSeconds() - cpu0 - gen_cpu;
  auto stats = store->Stats();
  std::printf("events                 %llu (raw lines %.1f B/event)\n",
              static_cast<unsigned long long>(events),
              static_cast<double>(raw_bytes) / static_cast<double>(events));
  std::printf("append (WAL+memtable)  %.0f events/s wall (fsync per batch of %zu)\n",
              static_cast<double>(events) / t_append, batch);
  std::printf("ingest incl. flush     %.0f events/s wall, %.0f events per store CPU-second\n",
              static_cast<double>(events) / t_flush, static_cast<double>(events) / cpu_flush);
  std::printf("after flush            %llu parts, %.2f B/event (%.1fx smaller than raw lines)\n",
              static_cast<unsigned long long>(stats.parts), stats.bytes_per_event,
              static_cast<double>(raw_bytes) / static_cast<double>(stats.part_bytes));
  if (merge) {
    double m0 = Now(), mc0 = CpuSeconds();
    s = store->CompactAll();
    double merge_cpu = CpuSeconds() - mc0;
    if (!s.ok()) {
      std::fprintf(stderr, "compact: %s\n", s.ToString().c_str());
      return 1;
    }
    stats = store->Stats();
    std::printf("after merges           %llu parts, %.2f B/event (%.1fx smaller than raw lines)\n",
                static_cast<unsigned long long>(stats.parts), stats.bytes_per_event,
                static_cast<double>(raw_bytes) / static_cast<double>(stats.part_bytes));
    std::printf("merging to one part/day %.1f s wall, %.0f ns CPU per event merged\n", Now() - m0,
                merge_cpu * 1e9 / static_cast<double>(events));
  }
  if (breakdown) {
    std::map<std::string, uint64_t> per_column;
    auto snap = store->GetSnapshot();
    for (const auto& part : snap->parts()) {
      for (size_t c = 0; c < part->column_count(); ++c) {
        for (size_t g = 0; g < part->group_count(); ++g) {
          const auto* b = part->block(c, g);
          if (b == nullptr) continue;
          per_column[part->column(c).name] +=
              b->data.size + b->dictionary.size + b->token_filter.size;
        }
      }
    }
    std::vector<std::pair<uint64_t, std::string>> sorted;
    sorted.reserve(per_column.size());
    for (auto& [k, v] : per_column) sorted.emplace_back(v, k);
    std::sort(sorted.rbegin(), sorted.rend());
    for (auto& [v, k] : sorted) {
      std::printf("  %-24s %6.3f B/event\n", k.c_str(),
                  static_cast<double>(v) / static_cast<double>(events));
    }
  }
  if (scan) {
    // Decoding whole column blocks, as a query scanning a column does (one thread).
    auto snap = store->GetSnapshot();
    for (const char* name : {"@timestamp", "src_port", "dst_port", "src_ip", "geoip.country_code2",
                             "geoip.latitude", "message"}) {
      uint64_t values = 0;
      double t = ThreadCpu();
      for (const auto& part : snap->parts()) {
        for (size_t c : part->FindColumns(name)) {
          for (size_t g = 0; g < part->group_count(); ++g) {
            auto block = part->ReadBlock(c, g);
            if (block.ok()) values += block->rows;
          }
        }
      }
      double sec = ThreadCpu() - t;
      std::printf("scan %-20s %6.1f M values/s\n", name, static_cast<double>(values) / sec / 1e6);
    }
  }
  if (verify) {
    // Every stored event equals the generated one (parts keep time order within a day).
    EventGenerator again(events, days, 42);
    Event want;
    uint64_t i = 0, bad = 0;
    auto snap = store->GetSnapshot();
    for (const auto& part : snap->parts()) {
      std::vector<uint64_t> rows(part->rows());
      for (uint64_t r = 0; r < rows.size(); ++r) rows[r] = r;
      std::vector<Event> got;
      perimeter::Status rs = part->ReadEvents(rows, &got);
      if (!rs.ok()) {
        std::fprintf(stderr, "read: %s\n", rs.ToString().c_str());
        return 1;
      }
      for (const Event& e : got) {
        again.Make(i++, &want);
        if (!perimeter::store::testing::ExactEqual(want, e) && bad++ < 3) {
          std::fprintf(stderr, "event %llu differs:\n%s\n%s\n",
                       static_cast<unsigned long long>(i - 1), want.ToJson().c_str(),
                       e.ToJson().c_str());
        }
      }
    }
    std::printf("verify                 %llu events read back, %llu differ\n",
                static_cast<unsigned long long>(i), static_cast<unsigned long long>(bad));
    if (bad > 0 || i != events) return 1;
  }
  s = store->Close();
  std::printf("directory              %.2f B/event on disk in total\n",
              static_cast<double>(DirBytes(dir)) / static_cast<double>(events));
  return s.ok() ? 0 : 1;
}
