// The `perimeter` subcommands. Each Add*Command registers its flags on the app and returns a
// function that runs it (after parsing) and yields the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace perimeter {

using CommandRunner = std::function<int()>;

CommandRunner AddRunCommand(CLI::App& app);
CommandRunner AddCheckCommand(CLI::App& app);
CommandRunner AddVersionCommand(CLI::App& app);
CommandRunner AddGrokCommand(CLI::App& app);
CommandRunner AddServeCommand(CLI::App& app);
CommandRunner AddPasswdCommand(CLI::App& app);
CommandRunner AddApiKeyCommand(CLI::App& app);
CommandRunner AddSearchCommand(CLI::App& app);
CommandRunner AddTopCommand(CLI::App& app);
CommandRunner AddStatsCommand(CLI::App& app);
CommandRunner AddSetupCommand(CLI::App& app);

}  // namespace perimeter
