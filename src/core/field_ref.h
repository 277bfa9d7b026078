// FieldRef: a parsed Logstash field reference — `[a][b]`, `a`, or `[@metadata][x]`.
// Immutable after parsing; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter {

class FieldRef {
 public:
  FieldRef() = default;
  // Accepts a bare name ("message", "a.b" is one field as in Logstash) or one or more
  // bracketed parts ("[geoip][location]"). Errors name the offending character.
  static Result<FieldRef> Parse(std::string_view text);
  // For references known to be valid (literals in code); a bad one yields a single-part ref.
  static FieldRef Of(std::string_view text);

  const std::vector<std::string>& path() const { return path_; }
  bool empty() const { return path_.empty(); }
  // True for references into `[@metadata]`, which outputs never see.
  bool is_metadata() const { return !path_.empty() && path_[0] == "@metadata"; }
  // "[a][b]", or "a" for a single top-level part.
  std::string ToString() const;
  // "a.b": the flattened name the store and the query language use.
  std::string DottedName() const;

  bool operator==(const FieldRef&) const = default;

 private:
  std::vector<std::string> path_;
};

}  // namespace perimeter
