// Throughput of the kv, date and mutate filters on generated netfilter lines (and of grok's
// IPTABLES pattern on the same lines, for comparison), one thread, in thread CPU time.
// Usage: filters_bench [lines=200000] [rounds=5]. Prints lines/s per case (best round).
// Event construction is timed separately and subtracted, so numbers are the filter's own cost.

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/event.h"
#include "filters/date.h"
#include "filters/grok/grok_filter.h"
#include "filters/kv.h"
#include "filters/mutate.h"
#include "pipeline/plugin_config.h"

namespace perimeter {
namespace {

std::string Ip4(std::mt19937& rng) {
  return std::to_string(rng() % 223 + 1) + "." + std::to_string(rng() % 256) + "." +
         std::to_string(rng() % 256) + "." + std::to_string(rng() % 254 + 1);
}

std::string Mac(std::mt19937& rng) {
  static const char* kHex = "0123456789abcdef";
  std::string m;
  for (int i = 0; i < 14; ++i) {
    if (i > 0) m.push_back(':');
    m.push_back(kHex[rng() % 16]);
    m.push_back(kHex[rng() % 16]);
  }
  return m;
}

// A mix of what a firewall log holds: TCP SYNs with and without MAC, UDP (two LEN=), IPv6.
std::vector<std::string> NetfilterLines(size_t n) {
  std::mt19937 rng(42);
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::vector<std::string> lines;
  lines.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    char head[96];
    std::snprintf(head, sizeof(head), "%s %2u %02u:%02u:%02u gw kernel: [%u.%06u] ",
                  kMonths[rng() % 12], static_cast<unsigned>(rng() % 28 + 1),
                  static_cast<unsigned>(rng() % 24), static_cast<unsigned>(rng() % 60),
                  static_cast<unsigned>(rng() % 60), static_cast<unsigned>(rng() % 9999999),
                  static_cast<unsigned>(rng() % 999999));
    std::string l = head;
    switch (rng() % 4) {
      case 0:
      case 1:
        l += "IN=eth0 OUT= MAC=" + Mac(rng) + " SRC=" + Ip4(rng) + " DST=" + Ip4(rng) +
             " LEN=60 TOS=0x00 PREC=0x00 TTL=" + std::to_string(rng() % 200 + 30) +
             " ID=" + std::to_string(rng() % 65536) +
             " DF PROTO=TCP SPT=" + std::to_string(rng() % 64000 + 1024) +
             " DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0";
        break;
      case 2:
        l += "IN=venet0 OUT= MAC= SRC=" + Ip4(rng) + " DST=" + Ip4(rng) +
             " LEN=76 TOS=0x00 PREC=0x00 TTL=55 ID=0 DF PROTO=UDP SPT=" +
             std::to_string(rng() % 64000 + 1024) + " DPT=123 LEN=56";
        break;
      default:
        l += "IN=eth0 OUT= MAC=" + Mac(rng) + " SRC=2001:db8:" + std::to_string(rng() % 9999) +
             "::" + std::to_string(rng() % 9999) +
             " DST=2001:db8::1 LEN=80 TC=0 HOPLIMIT=57 FLOWLBL=325426 PROTO=TCP SPT=" +
             std::to_string(rng() % 64000 + 1024) + " DPT=22 WINDOW=64800 RES=0x00 SYN URGP=0";
    }
    lines.push_back(std::move(l));
  }
  return lines;
}

std::unique_ptr<FilterPlugin> Make(const PluginSpec& spec, const Object& options) {
  auto config = PluginConfig::FromObject(spec, options);
  if (!config.ok()) {
    std::fprintf(stderr, "%s: %s\n", std::string(spec.name).c_str(),
                 config.status().ToString().c_str());
    std::exit(1);
  }
  auto plugin = spec.create(*config, PluginContext{});
  if (!plugin.ok()) {
    std::fprintf(stderr, "%s: %s\n", std::string(spec.name).c_str(),
                 plugin.status().ToString().c_str());
    std::exit(1);
  }
  return std::unique_ptr<FilterPlugin>(static_cast<FilterPlugin*>(plugin->release()));
}

// CPU time of this thread: the machine is shared, so wall time would count other people's work.
double ThreadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Best-of-`rounds` seconds to build events for every line and run `work` on each.
double TimeRounds(const std::vector<std::string>& lines, int rounds,
                  const std::function<void(Event&)>& work) {
  double best = 1e30;
  for (int r = 0; r < rounds; ++r) {
    double start = ThreadSeconds();
    for (const std::string& l : lines) {
      Event e = Event::FromMessage(l, Timestamp(0));
      work(e);
    }
    best = std::min(best, ThreadSeconds() - start);
  }
  return best;
}

void Report(const char* name, size_t n, double seconds, double baseline) {
  double own = seconds - baseline;
  std::printf("%-44s %10.0f lines/s  (%.0f ns/line; with event build %.0f lines/s)\n", name,
              n / own, own * 1e9 / n, n / seconds);
}

}  // namespace
}  // namespace perimeter

int main(int argc, char** argv) {
  using namespace perimeter;
  size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<std::string> lines = NetfilterLines(n);
  size_t bytes = 0;
  for (const auto& l : lines) bytes += l.size();
  std::printf("%zu netfilter lines, %.0f bytes average, best of %d rounds, one thread\n", n,
              static_cast<double>(bytes) / n, rounds);

  size_t sink = 0;
  double base = TimeRounds(lines, rounds, [&](Event& e) { sink += e.fields().size(); });
  std::printf("%-44s %10.0f lines/s\n", "event build only (subtracted below)", n / base);

  auto kv = Make(kKvFilter, Object());
  Report("kv (defaults: lenient)", n,
         TimeRounds(lines, rounds, [&](Event& e) { sink += kv->Filter(e); }), base);

  Object strict_opts;
  strict_opts.Set("whitespace", "strict");
  auto kv_strict = Make(kKvFilter, strict_opts);
  Report("kv whitespace => strict", n,
         TimeRounds(lines, rounds, [&](Event& e) { sink += kv_strict->Filter(e); }), base);

  Object include_opts;
  include_opts.Set("whitespace", "strict");
  include_opts.Set("include_keys",
                   Array{Value("SRC"), Value("DST"), Value("PROTO"), Value("SPT"), Value("DPT")});
  auto kv_include = Make(kKvFilter, include_opts);
  Report("kv strict, include_keys SRC DST PROTO SPT DPT", n,
         TimeRounds(lines, rounds, [&](Event& e) { sink += kv_include->Filter(e); }), base);

  Object pattern_opts;
  pattern_opts.Set("field_split_pattern", " ");
  auto kv_regex = Make(kKvFilter, pattern_opts);
  Report("kv regex path (field_split_pattern => \" \")", n,
         TimeRounds(lines, rounds, [&](Event& e) { sink += kv_regex->Filter(e); }), base);

  // The same lines through grok's IPTABLES pattern (what the seed config uses instead of kv).
  Object grok_match;
  grok_match.Set("message", "%{IPTABLES}");
  Object grok_opts;
  grok_opts.Set("match", std::move(grok_match));
  auto grok = Make(kGrokFilter, grok_opts);
  Report("grok %{IPTABLES} (for comparison)", n,
         TimeRounds(lines, rounds, [&](Event& e) { sink += grok->Filter(e); }), base);

  Object date_opts;
  date_opts.Set("match",
                Array{Value("message"), Value("MMM  d HH:mm:ss"), Value("MMM dd HH:mm:ss")});
  auto date = Make(kDateFilter, date_opts);
  std::vector<std::string> stamps;
  stamps.reserve(lines.size());
  for (const auto& l : lines) stamps.push_back(l.substr(0, 15));
  Report("date MMM  d HH:mm:ss | MMM dd HH:mm:ss", n,
         TimeRounds(stamps, rounds, [&](Event& e) { sink += date->Filter(e); }), base);

  Object mutate_opts;
  mutate_opts.Set("convert", Array{Value("message"), Value("integer")});
  auto mutate = Make(kMutateFilter, mutate_opts);
  Report("mutate convert => integer", n,
         TimeRounds(lines, rounds, [&](Event& e) { sink += mutate->Filter(e); }), base);

  std::printf("(checksum %zu)\n", sink);
  return 0;
}
