// The built-in grok pattern library, embedded into the binary at build time from patterns/legacy/
// and patterns/ecs-v1/ (see patterns/CMakeLists.txt). Constant data; safe from any thread.
#pragma once

#include <span>
#include <string_view>

namespace perimeter::patterns {

struct EmbeddedPatternFile {
  std::string_view path;  // relative to patterns/, e.g. "ecs-v1/firewalls"
  std::string_view text;  // the file's bytes, in Logstash pattern-file format
};

// Every embedded file, sorted by path.
std::span<const EmbeddedPatternFile> EmbeddedPatternFiles();

}  // namespace perimeter::patterns
