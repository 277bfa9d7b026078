// `perimeter grok PATTERN [LINE...]`: the grok debugger. Lines come from the arguments or, when
// none are given, from standard input.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "filters/grok/grok_debugger.h"

namespace perimeter {

CommandRunner AddGrokCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "grok", "try a grok pattern on lines: prints the captures, or how far the pattern got");
  struct Flags {
    std::string pattern;
    std::vector<std::string> lines;
    std::vector<std::string> definitions;
    bool pretty = false;
    grok::GrokDebuggerOptions options;
  };
  auto f = std::make_shared<Flags>();
  cmd->add_option("pattern", f->pattern, "grok pattern, e.g. '%{IPTABLES}'")->required();
  cmd->add_option("lines", f->lines, "lines to match (default: read standard input)");
  cmd->add_option("--ecs-compatibility", f->options.ecs_compatibility,
                  "built-in pattern flavour: disabled, v1 or v8")
      ->check(CLI::IsMember({"disabled", "v1", "v8"}));
  cmd->add_option("--patterns-dir", f->options.patterns_dirs, "extra pattern files (repeatable)");
  cmd->add_option("--define", f->definitions, "inline pattern NAME=REGEX (repeatable)");
  cmd->add_flag("--pretty", f->pretty, "field => value lines instead of JSON");
  cmd->add_flag("--show-expanded", f->options.show_expanded, "print the expanded regex");
  return [f] {
    for (const std::string& d : f->definitions) {
      size_t eq = d.find('=');
      if (eq == std::string::npos) {
        std::cerr << "--define expects NAME=REGEX, got '" << d << "'\n";
        return 2;
      }
      f->options.pattern_definitions.emplace_back(d.substr(0, eq), d.substr(eq + 1));
    }
    f->options.json = !f->pretty;
    if (f->lines.empty()) {
      for (std::string l; std::getline(std::cin, l);) f->lines.push_back(l);
    }
    return grok::RunGrokDebugger(f->pattern, f->lines, f->options, std::cout);
  };
}

}  // namespace perimeter
