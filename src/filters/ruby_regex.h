// RubyRegex: a regular expression written as Logstash configs write them (Ruby syntax: `^`/`$`
// match at line breaks, UTF-8 text), compiled once with PCRE2 and its JIT. Immutable after
// Compile(); Search/ReplaceAll may run on many threads at once (match data is per thread).
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter {

class RubyRegex {
 public:
  // Backtracking budget per search when a caller asks for one: enough for any sane pattern on a
  // log line, small enough that a pathological one gives up in milliseconds, not minutes.
  static constexpr uint32_t kDefaultMatchLimit = 1'000'000;

  // Errors name the pattern and the offset PCRE2 stopped at.
  static Result<RubyRegex> Compile(std::string_view pattern, uint32_t match_limit = 0);

  enum class Outcome { kMatch, kNoMatch, kLimitExceeded };

  // Offsets of the last successful Search on this thread; valid until the next one.
  class Groups {
   public:
    bool has(size_t i) const;  // group i took part in the match (0 = the whole match)
    size_t begin(size_t i) const { return ovector_[2 * i]; }
    size_t end(size_t i) const { return ovector_[2 * i + 1]; }
    std::string_view view(std::string_view subject, size_t i) const {
      return subject.substr(begin(i), end(i) - begin(i));
    }
    size_t count() const { return count_; }  // groups including group 0

   private:
    friend class RubyRegex;
    const size_t* ovector_ = nullptr;
    size_t count_ = 0;
  };

  // Finds the leftmost match starting at or after `start`.
  Outcome Search(std::string_view subject, size_t start, Groups* groups) const;
  bool Matches(std::string_view subject) const {
    Groups g;
    return Search(subject, 0, &g) == Outcome::kMatch;
  }

  // Ruby's String#gsub(regex, replacement): every non-overlapping match replaced; in the
  // replacement \0 or \& is the match, \1..\9 a group, \k<name> a named group, \` and \' the
  // text before and after, \\ a backslash. Returns false (leaving *out unspecified) when the
  // match limit was exceeded.
  bool ReplaceAll(std::string_view subject, std::string_view replacement, std::string* out) const;

  size_t capture_count() const { return capture_count_; }
  const std::string& pattern() const { return pattern_; }

 private:
  struct CodeDeleter {
    void operator()(pcre2_code* c) const { pcre2_code_free(c); }
  };
  struct ContextDeleter {
    void operator()(pcre2_match_context* c) const { pcre2_match_context_free(c); }
  };
  void AppendReplacement(std::string_view subject, const Groups& g, std::string_view replacement,
                         std::string* out) const;

  std::string pattern_;
  std::shared_ptr<pcre2_code> code_;
  std::shared_ptr<pcre2_match_context> context_;  // null: PCRE2's default limits
  size_t capture_count_ = 0;
};

}  // namespace perimeter
