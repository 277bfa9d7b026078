// geoip_bench: events per second through the geoip filter on one core, with source addresses
// drawn from a Zipf distribution (a few scanners send most of the packets), for several cache
// sizes including none; and raw database lookups per second. Times are CPU time of the thread.
//
//   geoip_bench [--database PATH] [--events N] [--distinct N] [--zipf S] [--ecs] [--cache N]...
//               [--repeat N]
//
// Each configuration runs --repeat times (default 3) on a fresh filter; the fastest run is
// reported, as the slower ones measure whoever else shared the machine.
//
// Without --database it uses the default database (DB-IP City Lite from web/node_modules).
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "filters/geoip/geoip_filter.h"

namespace perimeter::geoip {
namespace {

struct Options {
  std::string database;
  size_t events = 1'000'000;
  size_t distinct = 100'000;
  double zipf = 1.1;
  bool ecs = false;
  std::vector<int64_t> cache_sizes;  // default: 0, 1000, 10000, 100000
  int repeat = 3;                    // runs per configuration; the fastest is reported
};

// Public IPv4 addresses (special-purpose ranges skipped), fixed seed: the same set every run.
std::vector<std::string> MakeAddresses(size_t n) {
  std::mt19937_64 rng(42);
  std::vector<std::string> out;
  out.reserve(n);
  while (out.size() < n) {
    uint32_t v = static_cast<uint32_t>(rng());
    IpAddress ip = IpAddress::V4(static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                                 static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v));
    if (!ip.IsSpecialPurpose()) out.push_back(ip.ToText());
  }
  return out;
}

// Indexes into the address set with P(rank k) proportional to 1 / k^s.
std::vector<uint32_t> ZipfSequence(size_t distinct, size_t count, double s) {
  std::vector<double> cdf(distinct);
  double sum = 0;
  for (size_t k = 0; k < distinct; ++k) {
    sum += 1.0 / std::pow(static_cast<double>(k + 1), s);
    cdf[k] = sum;
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, sum);
  std::vector<uint32_t> seq(count);
  for (auto& x : seq) {
    x = static_cast<uint32_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
  }
  return seq;
}

// CPU time of this thread: the machine may be shared, and wall time would charge the filter for
// other processes' time slices.
double ThreadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Events are prepared in batches (untimed), then filtered (timed).
constexpr size_t kBatch = 4096;

double RunFilter(GeoipFilter& filter, const std::vector<std::string>& addresses,
                 const std::vector<uint32_t>& seq, size_t* matched) {
  std::vector<Event> batch(kBatch);
  double seconds = 0;
  *matched = 0;
  for (size_t begin = 0; begin < seq.size(); begin += kBatch) {
    size_t n = std::min(kBatch, seq.size() - begin);
    for (size_t i = 0; i < n; ++i) {
      batch[i] = Event();
      batch[i].fields().Reserve(8);
      batch[i].SetTop("src_ip", addresses[seq[begin + i]]);
    }
    double t0 = ThreadSeconds();
    for (size_t i = 0; i < n; ++i) *matched += filter.Filter(batch[i]) ? 1 : 0;
    seconds += ThreadSeconds() - t0;
  }
  return seconds;
}

int Main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--database") {
      opt.database = next();
    } else if (a == "--events") {
      opt.events = std::stoul(next());
    } else if (a == "--distinct") {
      opt.distinct = std::stoul(next());
    } else if (a == "--zipf") {
      opt.zipf = std::stod(next());
    } else if (a == "--ecs") {
      opt.ecs = true;
    } else if (a == "--repeat") {
      opt.repeat = std::max(1, std::stoi(next()));
    } else if (a == "--cache") {
      opt.cache_sizes.push_back(std::stoll(next()));
    } else {
      std::fprintf(stderr,
                   "usage: geoip_bench [--database PATH] [--events N] [--distinct N] [--zipf S] "
                   "[--ecs] [--cache N]... [--repeat N]\n");
      return 2;
    }
  }

  std::vector<std::string> addresses = MakeAddresses(opt.distinct);
  std::vector<uint32_t> seq = ZipfSequence(opt.distinct, opt.events, opt.zipf);
  std::printf("geoip_bench: %zu events, Zipf s=%.2f over %zu public IPv4 addresses, %s mode\n",
              opt.events, opt.zipf, opt.distinct, opt.ecs ? "ECS" : "legacy");

  auto make_filter = [&](int64_t cache_size) -> std::unique_ptr<Plugin> {
    Object o;
    o.Set("source", "src_ip");
    o.Set("target", opt.ecs ? "source" : "geoip");
    o.Set("ecs_compatibility", opt.ecs ? "v8" : "disabled");
    o.Set("cache_size", cache_size);
    if (!opt.database.empty()) o.Set("database", opt.database);
    auto config = PluginConfig::FromObject(kGeoipFilter, o);
    if (!config.ok()) {
      std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
      std::exit(1);
    }
    auto plugin = kGeoipFilter.create(*config, PluginContext{});
    if (!plugin.ok()) {
      std::fprintf(stderr, "%s\n", plugin.status().ToString().c_str());
      std::exit(1);
    }
    return std::move(plugin).value();
  };

  {
    // Warm the page cache so the first configuration is not charged for reading the file.
    auto plugin = make_filter(0);
    auto& filter = static_cast<GeoipFilter&>(*plugin);
    const GeoDatabase* db = filter.database_v4();
    std::printf("database: %s (%s, %s layout)\n", db->path().c_str(),
                std::string(DatabaseKindName(db->kind())).c_str(),
                std::string(RecordLayoutName(db->layout())).c_str());
    std::vector<uint32_t> all(opt.distinct);
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint32_t>(i);
    size_t warm = 0;
    RunFilter(filter, addresses, all, &warm);
  }

  if (opt.cache_sizes.empty()) opt.cache_sizes = {0, 1000, 10000, 100000};
  for (int64_t cache_size : opt.cache_sizes) {
    double best = 0;
    Object stats;
    size_t matched = 0;
    for (int run = 0; run < opt.repeat; ++run) {
      auto plugin = make_filter(cache_size);
      auto& filter = static_cast<GeoipFilter&>(*plugin);
      double seconds = RunFilter(filter, addresses, seq, &matched);
      if (run == 0 || seconds < best) {
        best = seconds;
        stats.Clear();
        filter.AppendStats(&stats);
      }
    }
    const Object& cache = stats.Find("cache")->as_object();
    const Object& records = stats.Find("record_cache")->as_object();
    std::printf(
        "cache_size=%-7lld %8.0f k events/s  %6.3f us/event  hit rate %.3f (records %.3f)  "
        "matched %.1f%%\n",
        static_cast<long long>(cache_size), static_cast<double>(seq.size()) / best / 1000,
        best * 1e6 / static_cast<double>(seq.size()), cache.Find("hit_rate")->as_float(),
        records.Find("hit_rate")->as_float(),
        100.0 * static_cast<double>(matched) / static_cast<double>(seq.size()));
  }

  // Raw database lookups (no event, no output object), uniformly over the address set.
  {
    auto plugin = make_filter(0);
    const GeoDatabase* db = static_cast<GeoipFilter&>(*plugin).database_v4();
    std::vector<IpAddress> ips;
    ips.reserve(addresses.size());
    for (const std::string& a : addresses) ips.push_back(*IpAddress::Parse(a));
    GeoRecord record;
    double best = 0;
    size_t found = 0;
    for (int run = 0; run < opt.repeat; ++run) {
      found = 0;
      double t0 = ThreadSeconds();
      for (const IpAddress& ip : ips) {
        auto r = db->Lookup(ip, &record);
        found += r.ok() && *r ? 1 : 0;
      }
      double s = ThreadSeconds() - t0;
      if (run == 0 || s < best) best = s;
    }
    std::printf("GeoDatabase::Lookup: %8.0f k lookups/s  %6.3f us/lookup  (%zu/%zu found)\n",
                static_cast<double>(ips.size()) / best / 1000,
                best * 1e6 / static_cast<double>(ips.size()), found, ips.size());
  }
  return 0;
}

}  // namespace
}  // namespace perimeter::geoip

// NOLINTNEXTLINE(bugprone-exception-escape): an unexpected exception ends the tool (terminate)
int main(int argc, char** argv) { return perimeter::geoip::Main(argc, argv); }
