// Translates a regular expression written for Oniguruma/Onigmo (Logstash's regex engine, Ruby
// syntax) into PCRE2 syntax with the same meaning, and lists its named groups. Where no PCRE2
// equivalent exists the translation fails with a message saying what to rewrite; docs/grok.md
// lists every difference. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter::grok {

struct TranslatedRegex {
  std::string pcre2;  // compile with PCRE2_DOTALL | PCRE2_MULTILINE (Ruby's MULTILINE + ^/$)
  // The original (Oniguruma) name of each capture group, by group number - 1. Named groups get
  // the PCRE2 names "g0", "g1", ... (one per distinct original name, so \k<name> still works
  // with duplicates: compile with PCRE2_DUPNAMES when `duplicate_names`).
  std::vector<std::string> group_names;
  // Distinct original names in order of first appearance (index = the N of "gN").
  std::vector<std::string> distinct_names;
  bool duplicate_names = false;
  // A non-ASCII character sits in a class or before a quantifier, where matching bytes instead of
  // characters would change the meaning: compile in UTF mode. Otherwise byte mode is equivalent
  // for literal text, and faster.
  bool needs_utf = false;
};

// Differences handled:
//  - Onigmo does not capture plain (...) groups once a regex has named groups; they become (?:...)
//    (without named groups, plain groups capture and \1 keeps working).
//  - group names such as "INT:[source][port]:int" are not valid PCRE2 names: renamed gN;
//    \k<name>, \k'name', \g<name> and (?&name)-style calls are renamed with them.
//  - \h / \H are hex digits in Onigmo (horizontal space in PCRE2): [0-9a-fA-F] / [^0-9a-fA-F].
//  - \uHHHH becomes \x{HHHH}; {,n} becomes {0,n}; the inline option m (Ruby: dot matches
//    newline) becomes s.
//  - nested character classes [a[b-c]] are flattened to [ab-c].
// Not translatable (error): class intersection &&, a negated nested class, the absent operator
// (?~...), \H inside a class.
Result<TranslatedRegex> TranslateOnigToPcre2(std::string_view onig);

}  // namespace perimeter::grok
