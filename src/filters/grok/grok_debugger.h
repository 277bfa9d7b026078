// The grok debugger behind `perimeter grok`: runs one grok expression over lines and shows what
// each line yields, or, when a line does not match, how far the expression got. Stateless entry
// point; safe to call from any thread.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace perimeter::grok {

struct GrokDebuggerOptions {
  std::string ecs_compatibility = "v8";    // built-in flavour: disabled, v1 or v8
  std::vector<std::string> patterns_dirs;  // as the filter's patterns_dir
  std::string patterns_files_glob = "*";
  std::vector<std::pair<std::string, std::string>> pattern_definitions;  // NAME, regex
  bool named_captures_only = true;
  bool keep_empty_captures = false;
  bool json = true;            // one JSON object per line; false: "field => value" lines
  bool show_expanded = false;  // print the expanded Oniguruma and PCRE2 regexes first
};

// Prints, per line, the fields the grok filter would add (JSON or pretty). For a line that does
// not match it prints the longest prefix of the (unexpanded) pattern that still matches, the
// text that prefix matched, and the offset in the line where matching stopped, with the rest of
// the pattern that failed there. Returns 0 when every line matched, 1 when some did not, 2 when
// the pattern does not compile (the error is printed).
int RunGrokDebugger(const std::string& pattern, const std::vector<std::string>& lines,
                    const GrokDebuggerOptions& options, std::ostream& out);

}  // namespace perimeter::grok
