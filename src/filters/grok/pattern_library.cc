#include "filters/grok/pattern_library.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "patterns/builtin_patterns.h"

namespace perimeter::grok {

namespace {

// Ruby's \s: the characters jls-grok splits a pattern line on.
bool IsRubySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

Result<PatternLibrary> PatternLibrary::Builtin(std::string_view ecs_compatibility) {
  std::string_view flavour;
  if (ecs_compatibility == "disabled") {
    flavour = "legacy/";
  } else if (ecs_compatibility == "v1" || ecs_compatibility == "v8") {
    flavour = "ecs-v1/";
  } else {
    return Status::InvalidArgument(fmt::format(
        "ecs_compatibility '{}' is not known; use disabled, v1 or v8", ecs_compatibility));
  }
  PatternLibrary lib;
  for (const auto& file : patterns::EmbeddedPatternFiles()) {
    if (file.path.starts_with(flavour)) lib.AddFileText(file.text);
  }
  return lib;
}

void PatternLibrary::AddFileText(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t i = 0;
    while (i < line.size() && IsRubySpace(line[i])) ++i;
    if (i == line.size() || line[i] == '#') continue;
    size_t name_end = i;
    while (name_end < line.size() && !IsRubySpace(line[name_end])) ++name_end;
    if (name_end == line.size()) continue;  // a name without a pattern: skipped, as jls-grok does
    size_t regex_begin = name_end;
    while (regex_begin < line.size() && IsRubySpace(line[regex_begin])) ++regex_begin;
    Add(line.substr(i, name_end - i), line.substr(regex_begin));
  }
}

Status PatternLibrary::AddFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno("cannot read grok pattern file", path, errno);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError("error reading grok pattern file: " + path);
  AddFileText(text.str());
  return Status::OK();
}

Status PatternLibrary::AddDirectory(const std::string& dir, const std::string& glob) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    // Logstash also accepts a single file (or a glob) in patterns_dir.
    if (fs::is_regular_file(dir, ec)) return AddFile(dir);
    return Status::NotFound(fmt::format(
        "patterns_dir '{}' is not a directory; give the folder that holds your pattern files",
        dir));
  }
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (fnmatch(glob.c_str(), name.c_str(), FNM_PERIOD) == 0) files.push_back(it->path().string());
  }
  if (ec)
    return Status::IOError(fmt::format("cannot list patterns_dir '{}': {}", dir, ec.message()));
  std::sort(files.begin(), files.end());
  for (const auto& f : files) RETURN_IF_ERROR(AddFile(f));
  return Status::OK();
}

void PatternLibrary::Add(std::string_view name, std::string_view regex) {
  auto it = defs_.find(name);
  if (it == defs_.end()) {
    defs_.emplace(std::string(name), std::string(regex));
  } else {
    it->second.assign(regex);
  }
}

const std::string* PatternLibrary::Find(std::string_view name) const {
  auto it = defs_.find(name);
  return it == defs_.end() ? nullptr : &it->second;
}

std::vector<std::string> PatternLibrary::Names() const {
  std::vector<std::string> names;
  names.reserve(defs_.size());
  for (const auto& [name, regex] : defs_) names.push_back(name);
  return names;
}

}  // namespace perimeter::grok
