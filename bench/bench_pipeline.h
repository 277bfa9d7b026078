// Runs a pipeline given as config text until a number of events came out of it, measuring wall
// time, process CPU time and RSS. Shared by the pipeline benchmarks.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>

#include "bench_common.h"
#include "cli/builtin_plugins.h"
#include "config/parser.h"
#include "pipeline/pipeline_compiler.h"
#include "pipeline/pipeline_runner.h"

namespace perimeter::bench {

inline double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct RunResult {
  double seconds = 0;
  double cpu_seconds = 0;
  uint64_t events = 0;
  long rss_first_kib = 0, rss_max_kib = 0, rss_last_kib = 0;
  double rate() const { return static_cast<double>(events) / seconds; }
  double cpu_rate() const { return static_cast<double>(events) / cpu_seconds; }
};

inline Result<RunResult> RunPipeline(const std::string& config_text, uint64_t expected, int workers,
                                     const std::string& ecs = "disabled") {
  ASSIGN_OR_RETURN(auto ast, config::ParsePipeline({{"bench.conf", config_text}}));
  PluginContext ctx;
  ctx.data_dir = "/tmp/perimeter-bench/data";
  ctx.ecs_compatibility = ecs;
  ctx.host_name = "bench";
  ASSIGN_OR_RETURN(auto pipeline, CompilePipeline(ast, BuiltinPlugins(), ctx));
  RssSampler rss;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  PipelineRunner runner(std::move(pipeline), RunnerOptions{workers, 0});
  runner.Start();
  uint64_t out = 0;
  for (;;) {
    out = static_cast<uint64_t>(runner.Stats().Find("events")->as_object().Find("out")->as_int());
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
  r.cpu_seconds = cpu_end - cpu_start;
  r.events = out;
  r.rss_first_kib = s.empty() ? 0 : s[std::min<size_t>(s.size() - 1, 2)];
  r.rss_max_kib = s.empty() ? 0 : *std::max_element(s.begin(), s.end());
  r.rss_last_kib = s.empty() ? 0 : s.back();
  return r;
}

// Lines in a file (newline count), read in big chunks.
inline uint64_t CountLines(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return 0;
  std::vector<char> buf(1 << 20);
  uint64_t n = 0;
  for (ssize_t r; (r = ::read(fd, buf.data(), buf.size())) > 0;) {
    for (const char* p = buf.data();
         (p = static_cast<const char*>(std::memchr(p, '\n', buf.data() + r - p))) != nullptr; ++p) {
      ++n;
    }
  }
  ::close(fd);
  return n;
}

}  // namespace perimeter::bench
