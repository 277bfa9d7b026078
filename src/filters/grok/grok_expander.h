// Expands grok references (%{NAME}, %{NAME:field}, %{NAME:field:int}, %{NAME=inline regex}) into
// one regular expression in Oniguruma syntax, exactly as jls-grok does: left to right, a
// reference with a field becomes the named group (?<NAME:field:type>...), one without becomes
// (?:...) when named_captures_only (else (?<NAME>...)). Stateless functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "filters/grok/pattern_library.h"

namespace perimeter::grok {

// The expanded text may not exceed this: a handful of patterns referencing each other twice per
// level grows exponentially, and a multi-megabyte regex is a mistake, not a log format.
constexpr size_t kMaxExpandedBytes = 4 << 20;

// One %{...} reference found in a pattern text, with its parts as jls-grok's PATTERN_RE reads them.
struct GrokReference {
  size_t begin = 0;             // offset of '%'
  size_t end = 0;               // one past the closing '}'
  std::string_view name;        // "INT"
  std::string_view semantic;    // "[source][port]:int" (may be empty)
  std::string_view full_name;   // "INT:[source][port]:int": the capture group's name
  std::string_view definition;  // the text after '=' in %{NAME=regex}, or empty
  bool has_definition = false;
};

// Finds the first reference at or after `from`; false when there is none.
bool FindGrokReference(std::string_view text, size_t from, GrokReference* ref);

// Expands `pattern` with `library`. Errors name an undefined pattern, or the chain of names of a
// recursive definition ("A -> B -> A").
Result<std::string> ExpandGrok(std::string_view pattern, const PatternLibrary& library,
                               bool named_captures_only);

}  // namespace perimeter::grok
