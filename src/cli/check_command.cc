// `perimeter check -f PIPELINE.conf`: parses and validates a pipeline (every plugin created,
// nothing run), like `logstash -t`. Exit 0 when valid, 1 otherwise.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/pipeline_source.h"
#include "core/value.h"

namespace perimeter {

CommandRunner AddCheckCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("check", "validate a pipeline config and exit (0 = valid)");
  auto flags = std::make_shared<PipelineSourceFlags>();
  auto json = std::make_shared<bool>(false);
  flags->Register(cmd);
  cmd->add_flag("--json", *json, "print the result as JSON");
  return [flags, json] {
    ConfigureLogging("warn");
    auto settings = flags->LoadSettings();
    Status st = settings.status();
    size_t inputs = 0, filters = 0, outputs = 0;
    if (st.ok()) {
      auto pipeline = LoadPipeline(*flags, *settings);
      st = pipeline.status();
      if (pipeline.ok()) {
        inputs = (*pipeline)->inputs.size();
        filters = (*pipeline)->filters.size();
        outputs = (*pipeline)->outputs.size();
      }
    }
    if (*json) {
      Object o;
      o.Set("valid", st.ok());
      if (!st.ok()) o.Set("error", st.message());
      o.Set("inputs", inputs);
      o.Set("filters", filters);
      o.Set("outputs", outputs);
      fmt::print("{}\n", Value(std::move(o)).ToJson());
    } else if (st.ok()) {
      fmt::print("Configuration OK: {} input(s), {} filter(s), {} output(s)\n", inputs, filters,
                 outputs);
    } else {
      fmt::print(stderr, "{}", st.message());
      if (st.message().empty() || st.message().back() != '\n') fmt::print(stderr, "\n");
    }
    return st.ok() ? 0 : 1;
  };
}

}  // namespace perimeter
