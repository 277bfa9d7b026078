// pipeline_throughput: file input → no filters → null output over a generated iptables log,
// one worker. Reports lines/s (median of --runs) and RSS across the run (flat = bounded queue).
//
//   build/pipeline_throughput --file /tmp/iptables-10m.log --lines 10000000 --runs 5
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <filesystem>

#include "bench_common.h"
#include "cli/builtin_plugins.h"
#include "config/parser.h"
#include "pipeline/pipeline_compiler.h"
#include "pipeline/pipeline_runner.h"

using namespace perimeter;

namespace {

double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct RunResult {
  double seconds;
  double cpu_seconds;
  uint64_t events;
  long rss_first_kib, rss_max_kib, rss_last_kib;
};

Result<RunResult> RunOnce(const std::string& config_text, uint64_t expected, int workers) {
  ASSIGN_OR_RETURN(auto ast, config::ParsePipeline({{"bench.conf", config_text}}));
  PluginContext ctx;
  ctx.data_dir = "/tmp/perimeter-bench-data";
  ctx.ecs_compatibility = "disabled";
  ctx.host_name = "bench";
  ASSIGN_OR_RETURN(auto pipeline, CompilePipeline(ast, BuiltinPlugins(), ctx));
  bench::RssSampler rss;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  PipelineRunner runner(std::move(pipeline), RunnerOptions{workers, 0});
  runner.Start();
  uint64_t out = 0;
  for (;;) {
    out = static_cast<uint64_t>(
        runner.Stats().Find("events")->as_object().Find("out")->as_int());
    if (out >= expected) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  auto end = std::chrono::steady_clock::now();
  double cpu_end = CpuSeconds();
  runner.RequestStop();
  runner.Wait();
  rss.Stop();
  const auto& s = rss.samples();
  RunResult r;
  r.seconds = std::chrono::duration<double>(end - start).count();
  r.events = out;
  r.cpu_seconds = cpu_end - cpu_start;
  r.rss_first_kib = s.empty() ? 0 : s[std::min<size_t>(s.size() - 1, 2)];
  r.rss_max_kib = s.empty() ? 0 : *std::max_element(s.begin(), s.end());
  r.rss_last_kib = s.empty() ? 0 : s.back();
  return r;
}

}  // namespace

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
    auto r = RunOnce(config, lines, workers);
    if (!r.ok()) {
      fmt::print(stderr, "{}\n", r.status().message());
      return 1;
    }
    double rate = static_cast<double>(r->events) / r->seconds;
    rates.push_back(rate);
    cpu_rates.push_back(static_cast<double>(r->events) / r->cpu_seconds);
    fmt::print("run {}: {} lines in {:.2f} s = {:.2f} M lines/s ({:.2f} CPU-s, both threads); "
               "RSS first {} MiB, max {} MiB, last {} MiB\n",
               i + 1, r->events, r->seconds, rate / 1e6, r->cpu_seconds,
               r->rss_first_kib / 1024,
               r->rss_max_kib / 1024, r->rss_last_kib / 1024);
  }
  fmt::print("median: {:.2f} M lines/s wall, {:.2f} M lines per CPU-second ({} workers, {} runs)\n",
             bench::Median(rates) / 1e6, bench::Median(cpu_rates) / 1e6, workers, runs);
  return 0;
}
