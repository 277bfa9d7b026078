// pipeline_throughput: file input → no filters → null output over a generated iptables log,
// one worker. Reports lines/s (median of --runs) and RSS across the run (flat = bounded queue).
//
//   build/pipeline_throughput --file /tmp/iptables-10m.log --lines 10000000 --runs 5
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <filesystem>

#include "bench_pipeline.h"

using namespace perimeter;

// NOLINTNEXTLINE(bugprone-exception-escape): an unexpected exception ends the tool (terminate)
int main(int argc, char** argv) {
  CLI::App app{"file input -> null output throughput"};
  std::string file = "/tmp/perimeter-bench/iptables-10m.log";
  uint64_t lines = 10'000'000;
  int runs = 5;
  int workers = 1;
  app.add_option("--file", file, "iptables log to read (made with loggen when missing)");
  app.add_option("--lines", lines, "lines in the file");
  app.add_option("--runs", runs, "repetitions; the median is reported");
  app.add_option("--workers", workers, "pipeline workers");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  if (!std::filesystem::exists(file)) {
    fmt::print(stderr, "{} not found: make it with  build/bench/loggen --lines {} --out {}\n", file,
               lines, file);
    return 1;
  }
  std::string config = fmt::format(
      "input {{ file {{ path => \"{}\" start_position => \"beginning\" sincedb_path => "
      "\"/dev/null\" }} }}\noutput {{ null {{ }} }}\n",
      file);
  std::vector<double> rates, cpu_rates;
  for (int i = 0; i < runs; ++i) {
    auto r = bench::RunPipeline(config, lines, workers);
    if (!r.ok()) {
      fmt::print(stderr, "{}\n", r.status().message());
      return 1;
    }
    double rate = r->rate();
    rates.push_back(rate);
    cpu_rates.push_back(r->cpu_rate());
    fmt::print(
        "run {}: {} lines in {:.2f} s = {:.2f} M lines/s ({:.2f} CPU-s, both threads); "
        "RSS first {} MiB, max {} MiB, last {} MiB\n",
        i + 1, r->events, r->seconds, rate / 1e6, r->cpu_seconds, r->rss_first_kib / 1024,
        r->rss_max_kib / 1024, r->rss_last_kib / 1024);
  }
  fmt::print("median: {:.2f} M lines/s wall, {:.2f} M lines per CPU-second ({} workers, {} runs)\n",
             bench::Median(rates) / 1e6, bench::Median(cpu_rates) / 1e6, workers, runs);
  return 0;
}
