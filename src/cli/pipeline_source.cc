#include "cli/pipeline_source.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>

#include "cli/builtin_plugins.h"
#include "cli/default_pipeline.h"
#include "config/config_loader.h"
#include "config/parser.h"
#include "pipeline/pipeline_compiler.h"

namespace perimeter {

void PipelineSourceFlags::Register(CLI::App* cmd) {
  cmd->add_option("-f,--path.config", config_paths,
                  "pipeline config file, directory or glob (repeatable; concatenated in order)");
  cmd->add_option("-e,--config.string", config_text, "pipeline config given as text");
  cmd->add_option("--settings", settings_path, "settings file (TOML; default ./perimeter.toml)");
  cmd->add_option("--data-dir", data_dir, "data directory (default: settings' data_dir, ./data)");
  cmd->add_option("-w,--workers", workers, "worker threads (default: one per core)");
  cmd->add_option("-b,--batch-size", batch_size, "events per batch (default 125)");
  cmd->add_option("--log-level", log_level, "trace, debug, info, warn, error");
  cmd->add_option("--firewall-log", firewall_logs,
                  "without -f: the firewall log(s) the default pipeline follows "
                  "(repeatable; default: settings' pipeline.firewall_logs, /var/log/iptables.log)");
  cmd->add_option("--auth-log", auth_logs,
                  "without -f: the auth log(s) whose sshd lines the default pipeline follows "
                  "(repeatable; default: settings' pipeline.auth_logs, /var/log/auth.log)");
  cmd->add_option("--listen", listen, "HTTPS address of the dashboard/API (server.listen)");
  cmd->add_flag("--no-server", no_server, "do not start the HTTPS server (server.enabled)");
  cmd->add_option("--ecs-compatibility,--pipeline.ecs_compatibility", ecs_compatibility,
                  "field layout of plugins: disabled (Logstash legacy names), v1 or v8")
      ->check(CLI::IsMember({"disabled", "v1", "v8"}));
}

Result<Settings> PipelineSourceFlags::LoadSettings() const {
  Settings s;
  std::string path = settings_path;
  if (path.empty() && std::filesystem::exists("perimeter.toml")) path = "perimeter.toml";
  if (!path.empty()) {
    ASSIGN_OR_RETURN(s, Settings::Load(path));
  }
  if (!data_dir.empty()) s.data_dir = data_dir;
  if (workers >= 0) s.workers = workers;
  if (batch_size > 0) s.batch_size = batch_size;
  if (!log_level.empty()) s.log_level = log_level;
  if (!ecs_compatibility.empty()) s.ecs_compatibility = ecs_compatibility;
  if (!listen.empty()) s.server.listen = listen;
  if (no_server) s.server_enabled = false;
  if (!firewall_logs.empty()) s.firewall_logs = firewall_logs;
  if (!auth_logs.empty()) s.auth_logs = auth_logs;
  s.Finish();
  return s;
}

Result<std::unique_ptr<CompiledPipeline>> LoadPipeline(const PipelineSourceFlags& flags,
                                                       const Settings& settings) {
  std::vector<config::SourceFile> files;
  if (!flags.config_paths.empty()) {
    ASSIGN_OR_RETURN(files, config::LoadConfigFiles(flags.config_paths));
  }
  if (!flags.config_text.empty()) files.push_back({"config string", flags.config_text});
  if (files.empty()) {
    ASSIGN_OR_RETURN(std::string text, DefaultPipeline({settings.firewall_logs, settings.auth_logs,
                                                        settings.ignore}));
    files.push_back({"default pipeline", std::move(text)});
  }
  ASSIGN_OR_RETURN(config::PipelineAst ast, config::ParsePipeline(std::move(files)));
  PluginContext ctx;
  ctx.data_dir = settings.data_dir;
  ctx.batch_size = settings.batch_size;
  ctx.ecs_compatibility = settings.ecs_compatibility;
  ctx.store_retention = settings.retention;
  ctx.store_max_disk = settings.max_disk;
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) == 0) ctx.host_name = host;
  return CompilePipeline(ast, BuiltinPlugins(), ctx);
}

void ConfigureLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("perimeter");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%Y-%m-%dT%H:%M:%S.%e] [%^%l%$] %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace perimeter
