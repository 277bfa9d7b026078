// Reads pipeline config text from the paths given to `-f` / path.config: files, directories
// (every regular file in them, by name, as Logstash does) and globs. Stateless; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "config/ast.h"
#include "core/status.h"

namespace perimeter::config {

// Files in the order given; a directory or glob contributes its files sorted by name. Hidden
// files (".name", e.g. editor swap files) are skipped, as Logstash's Ruby glob skips them.
// A path that does not exist, a glob matching nothing, an empty directory or an unreadable or
// binary file is an error naming the path.
Result<std::vector<SourceFile>> LoadConfigFiles(const std::vector<std::string>& paths);

// Config text that comes from elsewhere (`-e`, tests); `name` is what diagnostics call it.
SourceFile FromString(std::string name, std::string text);

}  // namespace perimeter::config
