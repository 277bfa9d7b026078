// perimeter: the command-line entry point. Dispatches to one subcommand.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

// NOLINTNEXTLINE(bugprone-exception-escape): an unexpected exception ends the tool (terminate)
int main(int argc, char** argv) {
  CLI::App app{"Perimeter: parse, enrich, store and show firewall and SSH logs", "perimeter"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");
  std::vector<std::pair<CLI::App*, perimeter::CommandRunner>> commands;
  auto add = [&](perimeter::CommandRunner r) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(r));
  };
  add(perimeter::AddRunCommand(app));
  add(perimeter::AddCheckCommand(app));
  add(perimeter::AddVersionCommand(app));
  add(perimeter::AddGrokCommand(app));
  add(perimeter::AddServeCommand(app));
  add(perimeter::AddPasswdCommand(app));
  add(perimeter::AddApiKeyCommand(app));
  add(perimeter::AddSearchCommand(app));
  add(perimeter::AddTopCommand(app));
  add(perimeter::AddStatsCommand(app));
  add(perimeter::AddSetupCommand(app));
  CLI11_PARSE(app, argc, argv);
  for (auto& [cmd, run] : commands) {
    if (cmd->parsed()) return run();
  }
  return 1;
}
