// KvScanner: splits text into key/value pairs exactly as Logstash's kv filter does with its scan
// regex (key, value split, optional quoted/bracketed/plain value, field split or end of line).
// Single-character splitters take a hand-written one-pass scanner; split patterns, and text
// holding backslash escapes, take the same regex Logstash builds, run by PCRE2.
// Immutable after Create(); Scan() may run on many threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/char_class.h"
#include "filters/ruby_regex.h"

namespace perimeter {

struct KvPair {
  std::string_view key;
  std::string_view value;  // empty when !has_value
  bool has_value = false;  // false: the value split was followed by nothing (`OUT= `)
};

class KvScanner {
 public:
  struct Options {
    std::string field_split = " ";  // regex character-class body
    std::string value_split = "=";  // regex character-class body
    std::optional<std::string> field_split_pattern;
    std::optional<std::string> value_split_pattern;
    bool include_brackets = true;
    bool strict_whitespace = false;  // whitespace => strict
    uint32_t match_limit = 0;        // regex path backtracking budget; 0: PCRE2's default
  };

  static Result<KvScanner> Create(const Options& options);

  enum class Outcome { kOk, kLimitExceeded };
  // Appends the pairs of `text` to *out; views point into `text`.
  Outcome Scan(std::string_view text, std::vector<KvPair>* out) const;

  // Which path Scan() takes for `text` (for tests and the benchmark).
  bool UsesFastPath(std::string_view text) const;
  // The regex Logstash would build for these options, in PCRE2 syntax.
  const std::string& scan_pattern() const { return regex_.pattern(); }

  // Both paths, forced, for differential tests.
  Outcome ScanWithRegex(std::string_view text, std::vector<KvPair>* out) const;
  void ScanFast(std::string_view text, std::vector<KvPair>* out) const;

 private:
  bool fast_ = false;  // single-character splitters the byte scanner reproduces exactly
  bool strict_ = false;
  bool include_brackets_ = true;
  CharClass field_split_;
  CharClass value_split_;
  CharClass key_stop_;  // characters that end a key: value_split + field_split
  RubyRegex regex_;
};

}  // namespace perimeter
