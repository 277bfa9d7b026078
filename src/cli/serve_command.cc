// `perimeter serve`: the HTTPS server (dashboard, API, bulk ingest) on an existing data dir,
// without a pipeline. `perimeter passwd` / `perimeter apikey`: users and API keys.
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/dashboard_server.h"
#include "cli/pipeline_source.h"
#include "server/passwd_command.h"

namespace perimeter {

CommandRunner AddServeCommand(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("serve", "serve the dashboard and API for a data dir (no pipeline)");
  auto flags = std::make_shared<PipelineSourceFlags>();
  flags->Register(cmd);
  return [flags] {
    auto settings = flags->LoadSettings();
    ConfigureLogging(settings.ok() ? settings->log_level : "info");
    if (!settings.ok()) {
      spdlog::error("{}", settings.status().message());
      return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    auto server = DashboardServer::Start(*settings);
    if (!server.ok()) {
      spdlog::error("{}", server.status().message());
      return 1;
    }
    for (;;) {
      int sig = 0;
      sigwait(&set, &sig);
      if (sig == SIGHUP) {
        Status st = (*server)->Reload();
        if (st.ok()) {
          spdlog::info("SIGHUP: certificate, users and API keys reloaded");
        } else {
          spdlog::error("SIGHUP: reload failed, keeping the previous ones: {}", st.message());
        }
        continue;
      }
      break;
    }
    spdlog::info("server stopped");
    return 0;
  };
}

namespace {

CommandRunner AddUsersCommand(CLI::App& app, const char* name, const char* help, bool api_keys) {
  auto* cmd = app.add_subcommand(name, help);
  auto flags = std::make_shared<PipelineSourceFlags>();
  cmd->add_option("--settings", flags->settings_path, "settings file (TOML)");
  cmd->add_option("--data-dir", flags->data_dir, "data directory (default ./data)");
  cmd->footer(api_keys ? "ARGS: create NAME [--role admin|viewer] | revoke NAME | list"
                       : "ARGS: add USER [--role admin|viewer] [--password-stdin] | del USER | "
                         "role USER admin|viewer | list");
  cmd->prefix_command();
  return [flags, cmd, api_keys] {
    std::vector<std::string> all = cmd->remaining();
    auto settings = flags->LoadSettings();
    if (!settings.ok()) {
      fmt::print(stderr, "{}\n", settings.status().message());
      return 2;
    }
    std::error_code ec;
    std::filesystem::create_directories(settings->data_dir, ec);
    return api_keys ? RunApiKeyCommand(settings->data_dir, all, ProcessIo())
                    : RunPasswdCommand(settings->server.users_file, all, ProcessIo());
  };
}

}  // namespace

CommandRunner AddPasswdCommand(CLI::App& app) {
  return AddUsersCommand(app, "passwd", "manage dashboard users (htpasswd file with roles)", false);
}

CommandRunner AddApiKeyCommand(CLI::App& app) {
  return AddUsersCommand(app, "apikey", "manage API keys for machine clients", true);
}

}  // namespace perimeter
