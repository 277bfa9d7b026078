#include <fmt/format.h>

#include "cli/commands.h"
#include "core/value.h"

#ifndef PERIMETER_VERSION
#define PERIMETER_VERSION "0.1.0"
#endif

namespace perimeter {

CommandRunner AddVersionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "print the version");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print as JSON");
  return [json] {
    if (*json) {
      Object o;
      o.Set("version", PERIMETER_VERSION);
      o.Set("compiler", __VERSION__);
      fmt::print("{}\n", Value(std::move(o)).ToJson());
    } else {
      fmt::print("perimeter {}\n", PERIMETER_VERSION);
    }
    return 0;
  };
}

}  // namespace perimeter
