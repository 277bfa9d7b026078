// `perimeter run -f PIPELINE.conf`: runs a pipeline until its inputs end or a signal arrives.
// SIGINT/SIGTERM drain in-flight events and flush outputs (a second one aborts retries);
// SIGHUP reloads the config, keeping the old pipeline when the new one is invalid.
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "cli/commands.h"
#include "cli/dashboard_server.h"
#include "cli/default_pipeline.h"
#include "cli/pipeline_source.h"
#include "pipeline/pipeline_runner.h"

namespace perimeter {

namespace {

constexpr int kSignalPollMs = 200;  // how often the main thread checks for a finished pipeline

// "10s", "2m", "500ms", or plain seconds → milliseconds; -1 when unparsable.
int64_t ParseInterval(const std::string& text) {
  if (text.empty()) return 0;
  size_t pos = 0;
  double n = 0;
  try {
    n = std::stod(text, &pos);
  } catch (...) {
    return -1;
  }
  std::string unit = text.substr(pos);
  double ms = unit == "ms" ? n : unit == "" || unit == "s" ? n * 1e3 : unit == "m" ? n * 6e4 : -1;
  return ms < 0 ? -1 : static_cast<int64_t>(ms);
}

void LogStats(const PipelineRunner& runner, double seconds, uint64_t* last_out) {
  Object stats = runner.Stats();
  const Object& events = stats.Find("events")->as_object();
  uint64_t in = static_cast<uint64_t>(events.Find("in")->as_int());
  uint64_t out = static_cast<uint64_t>(events.Find("out")->as_int());
  spdlog::info("stats: events in={} out={} ({:.0f}/s) queued_batches={}", in, out,
               static_cast<double>(out - *last_out) / seconds,
               events.Find("queued_batches")->as_int());
  *last_out = out;
  const Object& plugins = stats.Find("plugins")->as_object();
  for (size_t k = 0; k < plugins.size(); ++k) {
    for (const Value& p : plugins.value(k).as_array()) {
      const Object& o = p.as_object();
      std::string extra;
      for (size_t i = 0; i < o.size(); ++i) {
        const std::string& key = o.key(i);
        if (key == "id" || key == "name") continue;
        extra += fmt::format(" {}={}", key, o.value(i).ToText());
      }
      spdlog::info("stats:   {}{}", o.Find("id")->ToText(), extra);
    }
  }
}

// The default pipeline waits for a log that is not there (yet) without a word: the file input
// retries quietly, as Logstash does. Said once here, so a typo in a path is not a mystery.
void ReportMissingLogs(const Settings& settings) {
  auto report = [](const std::vector<std::string>& paths, std::string_view what) {
    for (const std::string& p : paths) {
      if (p.find_first_of("*?[{") != std::string::npos) continue;  // a glob: may match later
      std::error_code ec;
      if (!std::filesystem::exists(p, ec)) {
        spdlog::info("{} {} does not exist (yet); it is read as soon as it appears", what, p);
      }
    }
  };
  report(settings.firewall_logs, "firewall log");
  report(settings.auth_logs, "auth log");
}

int Run(const PipelineSourceFlags& flags, const std::string& stats_interval) {
  auto settings = flags.LoadSettings();
  ConfigureLogging(settings.ok() ? settings->log_level : "info");
  if (!settings.ok()) {
    spdlog::error("{}", settings.status().message());
    return 1;
  }
  int64_t stats_ms = ParseInterval(stats_interval);
  if (stats_ms < 0) {
    spdlog::error("--stats-interval '{}': expected e.g. 10s, 1m or 500ms", stats_interval);
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(settings->data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data dir {}: {}", settings->data_dir, ec.message());
    return 1;
  }

  // Signals are taken synchronously by this thread; every thread started later inherits the
  // mask, so none is interrupted by them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  if (flags.config_paths.empty() && flags.config_text.empty()) ReportMissingLogs(*settings);
  auto pipeline = LoadPipeline(flags, *settings);
  if (!pipeline.ok()) {
    fmt::print(stderr, "{}", pipeline.status().message());
    return 1;
  }
  RunnerOptions options{settings->EffectiveWorkers(), 0};
  auto runner = std::make_unique<PipelineRunner>(std::move(pipeline).value(), options);
  runner->Start();
  std::unique_ptr<DashboardServer> server;
  if (settings->server_enabled) {
    auto started = DashboardServer::Start(*settings, [&runner] { return runner->Stats(); });
    if (!started.ok()) {
      spdlog::error("the HTTPS server did not start: {}", started.status().message());
      runner->RequestStop();
      runner->Wait();
      return 1;
    }
    server = std::move(started).value();
  }
  spdlog::info("pipeline started: {} worker(s), batch size {}, data dir {}", options.workers,
               settings->batch_size, settings->data_dir);

  auto last_stats = std::chrono::steady_clock::now();
  uint64_t last_out = 0;
  bool stopping = false;
  for (;;) {
    timespec timeout{0, kSignalPollMs * 1'000'000L};
    int sig = sigtimedwait(&set, nullptr, &timeout);
    if (sig == SIGINT || sig == SIGTERM) {
      if (stopping) {
        spdlog::warn("second signal: giving up on pending output retries");
        runner->Abort();
      } else {
        spdlog::info("{} received: draining in-flight events",
                     sig == SIGINT ? "SIGINT" : "SIGTERM");
        stopping = true;
        runner->RequestStop();
      }
    } else if (sig == SIGHUP && !stopping) {
      spdlog::info("SIGHUP received: reloading the pipeline config");
      if (server) {
        Status st = server->Reload();
        if (!st.ok())
          spdlog::error("server reload failed, keeping the old certificate: {}", st.message());
      }
      auto reloaded_settings = flags.LoadSettings();
      auto next = reloaded_settings.ok()
                      ? LoadPipeline(flags, *reloaded_settings)
                      : Result<std::unique_ptr<CompiledPipeline>>(reloaded_settings.status());
      if (!next.ok()) {
        spdlog::error("reload failed, the running pipeline goes on unchanged:\n{}",
                      next.status().message());
      } else {
        runner->RequestStop();
        runner->Wait();
        runner = std::make_unique<PipelineRunner>(std::move(next).value(), options);
        runner->Start();
        last_out = 0;
        spdlog::info("pipeline reloaded");
      }
    }
    if (stats_ms > 0) {
      auto now = std::chrono::steady_clock::now();
      double elapsed = std::chrono::duration<double>(now - last_stats).count();
      if (elapsed * 1000 >= static_cast<double>(stats_ms)) {
        LogStats(*runner, elapsed, &last_out);
        last_stats = now;
      }
    }
    if (runner->WaitFor(0)) break;  // every input ended (stdin EOF, generator count)
  }
  runner->Wait();
  server.reset();
  if (stats_ms > 0) {
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last_stats).count();
    LogStats(*runner, std::max(elapsed, 1e-3), &last_out);
  }
  spdlog::info("pipeline stopped");
  return 0;
}

}  // namespace

CommandRunner AddRunCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "run a pipeline");
  auto flags = std::make_shared<PipelineSourceFlags>();
  auto stats = std::make_shared<std::string>();
  flags->Register(cmd);
  cmd->add_option("--stats-interval", *stats, "log per-plugin counters every interval (e.g. 10s)");
  auto print_default = std::make_shared<bool>(false);
  cmd->add_flag("--print-default-pipeline", *print_default,
                "print the pipeline used without -f, in the Logstash language, and exit");
  return [flags, stats, print_default] {
    if (*print_default) {
      auto settings = flags->LoadSettings();
      auto text =
          settings.ok()
              ? DefaultPipeline({settings->firewall_logs, settings->auth_logs, settings->ignore})
              : Result<std::string>(settings.status());
      if (!text.ok()) {
        fmt::print(stderr, "perimeter: {}\n", text.status().message());
        return 1;
      }
      fmt::print("{}", *text);
      return 0;
    }
    return Run(*flags, *stats);
  };
}

}  // namespace perimeter
