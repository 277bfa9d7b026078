// GrokPattern: one grok expression compiled for matching — expanded, translated to PCRE2,
// compiled and JIT-compiled once — with the list of captures it writes into events, in the order
// and with the conversions jls-grok applies. Immutable after Compile(); Match() may be called
// from many threads at once, each passing its own MatchScratch.
#pragma once

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/field_ref.h"
#include "core/status.h"
#include "filters/grok/pattern_library.h"

namespace perimeter::grok {

// Backtracking steps one match may take before it is abandoned as a timeout. PCRE2's own
// default: ~0.1 s of JIT work on a slow core, far beyond what any sane pattern needs on a log
// line, and a hard stop for catastrophic backtracking.
constexpr uint32_t kMaxMatchLimit = 10'000'000;
// PCRE2 JIT executes roughly this many match-limit steps per millisecond (measured on the
// development machine, rounded down), so `timeout_millis` maps to a step budget.
constexpr uint32_t kMatchStepsPerMilli = 100'000;
// The JIT stack grows to this size at most; deeper recursion fails the match as a timeout.
constexpr size_t kMaxJitStackBytes = 4 << 20;

// Per-thread PCRE2 working memory: match data large enough for any pattern, a JIT stack and a
// match context. Owned by one thread (ForThisThread()); never shared.
class MatchScratch {
 public:
  MatchScratch();
  ~MatchScratch();
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;

  static MatchScratch& ForThisThread();

  // Match data with room for at least `pairs` offset pairs.
  pcre2_match_data* data(uint32_t pairs);
  pcre2_match_context* context(uint32_t match_limit);
  // Offsets of the last match made with data().
  const PCRE2_SIZE* ovector() const { return ovector_; }
  // Reused storage for the text being matched (a copy, as captures may rewrite its field).
  std::string& subject() { return subject_; }
  std::vector<std::string>& subjects() { return subjects_; }

 private:
  pcre2_match_data* data_ = nullptr;
  const PCRE2_SIZE* ovector_ = nullptr;  // data_'s, fetched once (a library call otherwise)
  uint32_t pairs_ = 0;
  pcre2_match_context* context_ = nullptr;
  pcre2_jit_stack* jit_stack_ = nullptr;
  uint32_t limit_ = 0;
  std::string subject_;
  std::vector<std::string> subjects_;
};

enum class Conversion : uint8_t { kNone, kInt, kFloat };

// One capture written into the event: the group's text, converted, stored under `field`.
struct GrokCapture {
  uint32_t group = 0;        // PCRE2 group number
  std::string field_text;    // the field as written in the pattern: "pid", "[source][port]"
  FieldRef field;            // parsed; unusable when !field_valid
  bool field_valid = false;  // false: Logstash raises when it stores a value there
  Conversion conversion = Conversion::kNone;
};

enum class MatchOutcome : uint8_t { kNoMatch, kMatch, kLimitExceeded };

class GrokPattern {
 public:
  ~GrokPattern();
  GrokPattern(const GrokPattern&) = delete;
  GrokPattern& operator=(const GrokPattern&) = delete;

  // Expands, translates and compiles `pattern`. Errors quote the pattern and say what to fix.
  static Result<std::unique_ptr<GrokPattern>> Compile(std::string_view pattern,
                                                      const PatternLibrary& library,
                                                      bool named_captures_only);
  // Compiles an already expanded Oniguruma regex (the debugger's prefixes, benchmarks).
  static Result<std::unique_ptr<GrokPattern>> CompileExpanded(std::string pattern,
                                                              std::string expanded);

  // Searches `subject` (like Ruby's Regexp#match: the first, leftmost match). On kMatch the
  // group offsets are in scratch's match data (see Group()).
  MatchOutcome Match(std::string_view subject, MatchScratch& scratch,
                     uint32_t match_limit = kMaxMatchLimit) const;
  // Group `n` of the last successful Match() with this scratch; false when it did not take part.
  bool Group(const MatchScratch& scratch, uint32_t n, std::string_view subject,
             std::string_view* text) const {
    const PCRE2_SIZE* ov = scratch.ovector();
    PCRE2_SIZE begin = ov[2 * size_t{n}];
    if (begin == PCRE2_UNSET) return false;
    // PCRE2's offsets lie within the subject: no bounds check (substr's would throw).
    *text = std::string_view(subject.data() + begin, ov[2 * size_t{n} + 1] - begin);
    return true;
  }

  const std::vector<GrokCapture>& captures() const { return captures_; }
  const std::string& pattern() const { return pattern_; }
  const std::string& expanded() const { return expanded_; }
  const std::string& pcre2_regex() const { return pcre2_; }
  bool jit() const { return jit_; }
  uint32_t pairs() const { return pairs_; }
  pcre2_code* code() const { return code_; }

 private:
  GrokPattern() = default;

  std::string pattern_;
  std::string expanded_;
  std::string pcre2_;
  pcre2_code* code_ = nullptr;
  bool jit_ = false;
  uint32_t pairs_ = 1;
  std::vector<GrokCapture> captures_;
};

}  // namespace perimeter::grok
