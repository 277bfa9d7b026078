// PatternLibrary: grok pattern definitions (NAME -> regex text) gathered from the built-in library,
// pattern files, pattern directories and inline definitions; a later definition of a name wins.
// Built once when a grok filter is created and only read afterwards (safe to share read-only).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter::grok {

class PatternLibrary {
 public:
  // The built-in library for an `ecs_compatibility` mode: "disabled" loads patterns/legacy,
  // "v1" and "v8" load patterns/ecs-v1 (Logstash has no separate v8 pattern set).
  static Result<PatternLibrary> Builtin(std::string_view ecs_compatibility);

  // Adds every definition of a Logstash pattern file: lines `NAME<blanks>REGEX`; lines whose first
  // non-blank is `#` and lines without blanks are skipped; only the line end is stripped, so
  // trailing blanks belong to the regex (as in jls-grok).
  void AddFileText(std::string_view text);
  Status AddFile(const std::string& path);
  // Every regular file of `dir` whose name matches the shell glob `glob` ("*" = all), in name
  // order, as Logstash's `patterns_dir` + `patterns_files_glob`.
  Status AddDirectory(const std::string& dir, const std::string& glob);
  void Add(std::string_view name, std::string_view regex);

  // The definition of `name`, or null.
  const std::string* Find(std::string_view name) const;
  size_t size() const { return defs_.size(); }
  // Names in sorted order (for listings and the debugger).
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::string, std::less<>> defs_;
};

}  // namespace perimeter::grok
