// Where a pipeline comes from on the command line (-f files/dirs, -e text) and the common
// settings flags, turned into a CompiledPipeline. Used by `run` and `check`.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/settings.h"
#include "pipeline/compiled_pipeline.h"

namespace perimeter {

struct PipelineSourceFlags {
  std::vector<std::string> config_paths;   // -f, repeatable
  std::string config_text;                 // -e
  std::string settings_path;               // --settings
  std::string data_dir;                    // --data-dir
  int workers = -1;                        // -w
  int batch_size = -1;                     // -b
  std::string log_level;                   // --log-level
  std::string ecs_compatibility;           // --ecs-compatibility
  std::string listen;                      // --listen
  bool no_server = false;                  // --no-server
  std::vector<std::string> firewall_logs;  // --firewall-log, for the default pipeline
  std::vector<std::string> auth_logs;      // --auth-log, for the default pipeline

  void Register(CLI::App* cmd);
  // Settings from --settings (or ./perimeter.toml when present), then flags on top.
  Result<Settings> LoadSettings() const;
};

// Reads and parses the config (the default pipeline without -f/-e), then validates and creates
// every plugin.
Result<std::unique_ptr<CompiledPipeline>> LoadPipeline(const PipelineSourceFlags& flags,
                                                       const Settings& settings);

// Sets spdlog's level and pattern (logs go to stderr; stdout is for events).
void ConfigureLogging(const std::string& level);

}  // namespace perimeter
