// Elasticsearch's `filter_path` query parameter: which parts of an answer the client wants
// ("errors,items.*.error,items.*.status", as Logstash sends with every bulk request). Paths are
// dot-separated field names; `*` matches within one name, `**` any number of levels; array
// levels do not count. A plain value type; thread-safe to share once built.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter {

class FilterPath {
 public:
  // "a.b,c.*" → two paths. InvalidArgument for exclusions ("-a.b"), which are not supported.
  static Result<FilterPath> Parse(std::string_view text);

  // True when the field at `path` (its names from the root) is kept: some filter matches the
  // path or one of its ancestors.
  bool Includes(std::span<const std::string_view> path) const;

 private:
  std::vector<std::vector<std::string>> filters_;
};

}  // namespace perimeter
