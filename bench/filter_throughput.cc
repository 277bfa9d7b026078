// filter_throughput: the issue-3 pipelines over a generated iptables log, one worker, median of
// --runs, side by side in one run:
//   raw      PCRE2 JIT match of the expanded %{IPTABLES} regex over the file's lines (ceiling),
//            for both flavours of the pattern (legacy names and ECS v8)
//   alone    the grok filter's own CPU time on events made from the lines (match + fields), a
//            batch (--chunk, 125) at a time; interleaved with raw, and compared run by run
//            (--general-store: also with the general store loop instead of per-shape programs)
//   grok     file → grok(IPTABLES) → null
//   seed     file → grok(IPTABLES) + geoip + add_field/mutate (the seed's pipeline) → null
//   kv       file → kv + geoip → null
//
//   build/bench/filter_throughput --file /tmp/perimeter-bench/iptables-2m.log --runs 5
#include <fmt/format.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>

#include "bench_pipeline.h"
#include "filters/grok/grok_filter.h"
#include "pipeline/plugin_config.h"

using namespace perimeter;

namespace {

// Matches every line of the file with the grok filter's compiled regex: what grok costs before
// it builds any field. Returns lines/s (wall) and lines per CPU-second.
std::pair<double, double> RawPcre2(const std::string& path, const std::string& ecs,
                                   uint64_t* lines_out) {
  Object options, match;
  match.Set("message", "%{IPTABLES}");
  options.Set("match", std::move(match));
  options.Set("ecs_compatibility", ecs);
  auto config = PluginConfig::FromObject(kGrokFilter, options);
  auto plugin = kGrokFilter.create(*config, PluginContext{});
  auto* filter = static_cast<grok::GrokFilter*>(plugin->get());
  const pcre2_code* code = filter->pattern(0, 0).code();
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
  auto t0 = std::chrono::steady_clock::now();
  double c0 = bench::CpuSeconds();
  int fd = ::open(path.c_str(), O_RDONLY);
  std::string buf(1 << 20, '\0');
  size_t have = 0;
  uint64_t lines = 0, matched = 0;
  for (;;) {
    ssize_t r = ::read(fd, buf.data() + have, buf.size() - have);
    if (r <= 0) break;
    have += static_cast<size_t>(r);
    size_t start = 0;
    for (;;) {
      const char* nl =
          static_cast<const char*>(std::memchr(buf.data() + start, '\n', have - start));
      if (nl == nullptr) break;
      size_t len = static_cast<size_t>(nl - (buf.data() + start));
      matched += pcre2_jit_match(code, reinterpret_cast<PCRE2_SPTR>(buf.data() + start), len, 0, 0,
                                 md, nullptr) > 0;
      ++lines;
      start += len + 1;
    }
    std::memmove(buf.data(), buf.data() + start, have - start);
    have -= start;
  }
  ::close(fd);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = bench::CpuSeconds() - c0;
  pcre2_match_data_free(md);
  if (matched != lines) fmt::print("  raw: {} of {} lines matched\n", matched, lines);
  *lines_out = lines;
  return {static_cast<double>(lines) / secs, static_cast<double>(lines) / cpu};
}

// Thread CPU seconds: the filter-alone measurement times only the Filter() calls.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The grok filter alone: events are made from the file's lines (as the file input makes them)
// in chunks, and only the filter's work on them is timed — matching plus building the fields,
// what the issue compares with the raw match. Also times the bare match of the same events'
// messages (before filtering them), which splits the filter's time into matching and storing.
struct AloneRates {
  double filter = 0;      // events per CPU-second in Filter()
  double match_only = 0;  // messages per CPU-second in GrokPattern::Match alone
};
AloneRates GrokAlone(const std::string& path, const std::string& ecs, size_t chunk,
                     bool shape_programs) {
  Object options, match;
  match.Set("message", "%{IPTABLES}");
  options.Set("match", std::move(match));
  options.Set("ecs_compatibility", ecs);
  auto config = PluginConfig::FromObject(kGrokFilter, options);
  auto plugin = kGrokFilter.create(*config, PluginContext{});
  auto* filter = static_cast<grok::GrokFilter*>(plugin->get());
  if (!shape_programs) filter->DisableShapePrograms();
  std::vector<Event> events;
  events.reserve(chunk);
  std::ifstream in(path);
  std::string line;
  double cpu = 0, match_cpu = 0;
  uint64_t n = 0;
  grok::MatchScratch& scratch = grok::MatchScratch::ForThisThread();
  auto flush = [&] {
    double m0 = ThreadCpuSeconds();
    for (Event& e : events) filter->pattern(0, 0).Match(e.GetTop("message")->as_string(), scratch);
    match_cpu += ThreadCpuSeconds() - m0;
    double c0 = ThreadCpuSeconds();
    for (Event& e : events) filter->Filter(e);
    cpu += ThreadCpuSeconds() - c0;
    n += events.size();
    events.clear();
  };
  const Timestamp now = Timestamp::Now();
  while (std::getline(in, line)) {
    events.push_back(Event::FromMessage(line, now));
    if (events.size() == chunk) flush();
  }
  flush();
  return {static_cast<double>(n) / cpu, static_cast<double>(n) / match_cpu};
}

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): an unexpected exception ends the tool (terminate)
int main(int argc, char** argv) {
  CLI::App app{"grok/kv/geoip pipeline throughput"};
  std::string file = "/tmp/perimeter-bench/iptables-2m.log";
  int runs = 5;
  size_t chunk = 125;
  std::vector<std::string> only;
  app.add_option("--file", file, "iptables log (make one with build/bench/loggen)");
  app.add_option("--runs", runs, "repetitions; medians are reported");
  app.add_option("--chunk", chunk,
                 "alone: events made and filtered at a time (the pipeline's batch size, 125, by "
                 "default; larger ones measure colder events)");
  app.add_option("--only", only, "run only these: raw alone grok seed kv");
  bool general_store = false;
  app.add_flag("--general-store", general_store,
               "alone: also run the filter storing with its general loop instead of per-shape "
               "programs, interleaved, and report both");
  std::vector<std::string> flavours = {"disabled", "v8"};
  app.add_option("--ecs", flavours, "raw and alone: the IPTABLES flavours to run");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  if (!std::filesystem::exists(file)) {
    fmt::print(stderr, "{} not found: build/bench/loggen --lines 2000000 --out {}\n", file, file);
    return 1;
  }
  const uint64_t lines = bench::CountLines(file);
  auto wanted = [&](const char* name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  std::string input = fmt::format(
      "input {{ file {{ path => \"{}\" start_position => \"beginning\" sincedb_path => "
      "\"/dev/null\" }} }}\n",
      file);
  const std::pair<const char*, std::string> pipelines[] = {
      {"grok", "filter { grok { match => { \"message\" => \"%{IPTABLES}\" } } }"},
      {"seed",
       R"(filter {
  grok { match => { "message" => "%{IPTABLES}" } }
  if [src_ip] {
    geoip {
      source => "src_ip"
      target => "geoip"
      add_field => [ "[geoip][coordinates]", "%{[geoip][longitude]}" ]
      add_field => [ "[geoip][coordinates]", "%{[geoip][latitude]}" ]
    }
    mutate { convert => [ "[geoip][coordinates]", "float" ] }
  }
})"},
      {"kv", R"(filter {
  kv { whitespace => "strict" }
  geoip { source => "SRC" target => "geoip" }
})"},
  };
  fmt::print("{} lines of {}, {} runs, 1 worker\n", lines, file, runs);
  // raw and alone run interleaved, per flavour (each against its own expanded regex), and the
  // ratio is the median of the runs' ratios: stable on a noisy machine, where rates are not.
  double raw_cpu_legacy = 0;  // the pipelines below run with legacy names (bench_pipeline.h)
  for (const std::string& ecs : flavours) {
    if (!wanted("raw") && !wanted("alone")) break;
    std::vector<double> wall, cpu, alone, match_only, ratio, general, general_ratio;
    for (int i = 0; i < runs; ++i) {
      if (wanted("raw")) {
        uint64_t n = 0;
        auto [w, c] = RawPcre2(file, ecs, &n);
        wall.push_back(w);
        cpu.push_back(c);
      }
      if (wanted("alone")) {
        AloneRates r = GrokAlone(file, ecs, chunk, true);
        alone.push_back(r.filter);
        match_only.push_back(r.match_only);
        if (!cpu.empty()) ratio.push_back(cpu.back() / r.filter);
        if (general_store) {
          AloneRates g = GrokAlone(file, ecs, chunk, false);
          general.push_back(g.filter);
          if (!cpu.empty()) general_ratio.push_back(cpu.back() / g.filter);
        }
      }
    }
    if (!cpu.empty()) {
      fmt::print("{:<6} {:>8.3f} M lines/s wall  {:>8.3f} M lines/CPU-s, ecs {}\n", "raw",
                 bench::Median(wall) / 1e6, bench::Median(cpu) / 1e6, ecs);
      if (ecs == "disabled") raw_cpu_legacy = bench::Median(cpu);
    }
    if (!alone.empty()) {
      fmt::print("{:<6} {:>8.3f} M events/CPU-s in Filter() alone, ecs {:<8}", "alone",
                 bench::Median(alone) / 1e6, ecs);
      if (!ratio.empty()) {
        fmt::print("  ({:.2f}x the raw match; runs {:.2f}..{:.2f})", bench::Median(ratio),
                   *std::min_element(ratio.begin(), ratio.end()),
                   *std::max_element(ratio.begin(), ratio.end()));
      }
      fmt::print(
          "\n{:<6} {:>8.3f} M events/CPU-s matching the same events only (storing is the "
          "rest)\n",
          "", bench::Median(match_only) / 1e6);
      if (!general.empty()) {
        fmt::print("{:<6} {:>8.3f} M events/CPU-s in Filter() storing with the general loop", "",
                   bench::Median(general) / 1e6);
        if (!general_ratio.empty()) {
          fmt::print("  ({:.2f}x the raw match)", bench::Median(general_ratio));
        }
        fmt::print("\n");
      }
    }
  }
  for (const auto& [name, filter] : pipelines) {
    if (!wanted(name)) continue;
    std::vector<double> wall, cpu;
    long rss_max = 0;
    for (int i = 0; i < runs; ++i) {
      auto r = bench::RunPipeline(input + filter + "\noutput { null { } }\n", lines, 1);
      if (!r.ok()) {
        fmt::print(stderr, "{}: {}\n", name, r.status().message());
        return 1;
      }
      wall.push_back(r->rate());
      cpu.push_back(r->cpu_rate());
      rss_max = std::max(rss_max, r->rss_max_kib);
    }
    fmt::print("{:<6} {:>8.3f} M events/s wall  {:>8.3f} M events/CPU-s  RSS max {} MiB", name,
               bench::Median(wall) / 1e6, bench::Median(cpu) / 1e6, rss_max / 1024);
    if (raw_cpu_legacy > 0 && std::string_view(name) == "grok") {
      fmt::print("  (grok costs {:.2f}x the raw match, per CPU-second)",
                 raw_cpu_legacy / bench::Median(cpu));
    }
    fmt::print("\n");
  }
  return 0;
}
