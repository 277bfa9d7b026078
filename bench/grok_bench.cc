// grok throughput on generated iptables lines: the raw PCRE2 JIT match of the expanded regex
// (the floor), the same with group offsets read, and the grok filter (match + fields stored).
// Usage: grok_bench [lines=200000] [rounds=5]. Single-threaded; prints lines/s per variant.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "filters/grok/grok_filter.h"

using namespace perimeter;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::string> MakeLines(size_t n) {
  std::mt19937 rng(42);
  std::vector<std::string> lines;
  lines.reserve(n);
  const char* protos[] = {"TCP", "TCP", "TCP", "UDP"};
  for (size_t i = 0; i < n; ++i) {
    std::string proto = protos[rng() % 4];
    std::string tail =
        proto == "TCP"
            ? fmt::format("PROTO=TCP SPT={} DPT={} WINDOW={} RES=0x00 SYN URGP=0",
                          1024 + rng() % 60000, rng() % 2 ? 22 : 443, rng() % 65535)
            : fmt::format("PROTO=UDP SPT={} DPT=53 LEN={}", 1024 + rng() % 60000, 20 + rng() % 500);
    lines.push_back(fmt::format(
        "Jun {:2} {:02}:{:02}:{:02} fw01 kernel: [{}.{:06}] [UFW BLOCK] IN=eth0 OUT= "
        "MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC={}.{}.{}.{} DST=192.0.2.10 LEN={} "
        "TOS=0x00 PREC=0x00 TTL={} ID={} DF {}",
        1 + rng() % 28, rng() % 24, rng() % 60, rng() % 60, rng() % 1000000, rng() % 1000000,
        1 + rng() % 223, rng() % 256, rng() % 256, 1 + rng() % 254, 40 + rng() % 1400,
        30 + rng() % 220, rng() % 65536, tail));
  }
  return lines;
}

template <typename F>
double Best(int rounds, size_t n, F f) {
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = Clock::now();
    f();
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    best = std::max(best, n / s);
  }
  return best;
}

void Bench(const char* title, const std::string& pattern, const std::string& ecs,
           const std::vector<std::string>& lines, int rounds) {
  Object options;
  Object match;
  match.Set("message", pattern);
  options.Set("match", std::move(match));
  options.Set("ecs_compatibility", ecs);
  auto config = PluginConfig::FromObject(kGrokFilter, options);
  auto plugin = kGrokFilter.create(*config, PluginContext{});
  if (!plugin.ok()) {
    std::fprintf(stderr, "%s\n", plugin.status().message().c_str());
    std::exit(1);
  }
  auto* filter = static_cast<grok::GrokFilter*>(plugin->get());
  const grok::GrokPattern& g = filter->pattern(0, 0);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(g.code(), nullptr);

  size_t matched = 0;
  double raw = Best(rounds, lines.size(), [&] {
    for (const auto& l : lines) {
      matched += pcre2_jit_match(g.code(), reinterpret_cast<PCRE2_SPTR>(l.data()), l.size(), 0, 0,
                                 md, nullptr) > 0;
    }
  });
  size_t sum = 0;
  double raw_groups = Best(rounds, lines.size(), [&] {
    for (const auto& l : lines) {
      if (pcre2_jit_match(g.code(), reinterpret_cast<PCRE2_SPTR>(l.data()), l.size(), 0, 0, md,
                          nullptr) <= 0) {
        continue;
      }
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      for (const auto& c : g.captures())
        sum += ov[2 * size_t{c.group} + 1] - ov[2 * size_t{c.group}];
    }
  });
  double events_only = Best(rounds, lines.size(), [&] {
    for (const auto& l : lines) {
      Event e = Event::FromMessage(l, Timestamp(0));
      sum += e.fields().size();
    }
  });
  size_t ok = 0;
  double with_filter = Best(rounds, lines.size(), [&] {
    for (const auto& l : lines) {
      Event e = Event::FromMessage(l, Timestamp(0));
      ok += filter->Filter(e);
    }
  });
  pcre2_match_data_free(md);
  // Filter cost alone: time per line with the filter minus time per line creating the event.
  double filter_only = 1.0 / (1.0 / with_filter - 1.0 / events_only);
  std::printf("%s  (%s, %zu captures, jit=%d, %zu/%zu lines match)\n", title, ecs.c_str(),
              g.captures().size(), g.jit(), ok / rounds, lines.size());
  std::printf("  raw pcre2 jit match          %10.0f lines/s\n", raw);
  std::printf("  raw match + group offsets    %10.0f lines/s\n", raw_groups);
  std::printf("  event creation only          %10.0f lines/s\n", events_only);
  std::printf("  event + grok filter          %10.0f lines/s\n", with_filter);
  std::printf("  grok filter alone            %10.0f lines/s  (%.2fx the raw match time)\n",
              filter_only, raw / filter_only);
  if (sum == 42) std::printf(" ");  // keep the loops from being optimized away
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<std::string> lines = MakeLines(n);
  Bench("IPTABLES (ECS, Logstash-compatible)", "%{IPTABLES}", "v8", lines, rounds);
  Bench("IPTABLES (legacy, community field names)", "%{IPTABLES}", "disabled", lines, rounds);
  Bench("syslog + UFW + IPTABLES (ECS)",
        "^%{SYSLOGBASE} \\[\\s*%{NUMBER:[kernel][uptime]:float}\\] (?:\\[UFW "
        "%{WORD:[ufw][action]}\\] )?%{IPTABLES}",
        "v8", lines, rounds);
  return 0;
}
