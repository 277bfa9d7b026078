// EventMatcher: evaluates a parsed query against one Event. It defines what a query means —
// the store's executor gives the same answers from columns, and the tests check it against this
// matcher — and it filters live events for the tail API. Immutable after Compile; thread-safe.
//
// Meaning of a clause `field:value`:
//   - the default field (no field given) is `message`, searched as text: the value's tokens
//     (core/text_tokens.h) must appear in order; wildcards match single tokens;
//   - string fields match exactly (case-sensitive, as an Elasticsearch keyword); a value that
//     is a CIDR ("61.177.0.0/16") matches IP addresses inside it;
//   - numeric fields match numerically ("22" equals 22 and 22.0); ranges compare numbers as
//     numbers, timestamps as instants, strings lexicographically;
//   - an array field matches when any element does; `_exists_:f` when f is present and not null.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "query/query_ast.h"

namespace perimeter::query {

class EventMatcher {
 public:
  static Result<EventMatcher> Compile(const QueryNode& query);
  bool Matches(const Event& event) const;

  struct Clause;  // compiled node, defined in the .cc

  EventMatcher(EventMatcher&&) noexcept;
  EventMatcher& operator=(EventMatcher&&) noexcept;
  ~EventMatcher();

 private:
  EventMatcher();
  std::unique_ptr<Clause> root_;
};

// Looks a dotted name ("geoip.country_code2") up in an event: the nested path first, then a
// top-level field whose name contains the dots.
const Value* LookupDotted(const Event& event, std::string_view dotted);

// Parses "1.2.3.4", "2001:db8::1" into 16 bytes (IPv4 mapped into ::ffff:0:0/96).
bool ParseIpAddress(std::string_view text, unsigned char out[16]);

// "61.177.0.0/16" or "2001:db8::/32" → network and prefix length (over the 128-bit form).
struct Cidr {
  unsigned char network[16];
  int prefix_bits;  // 0..128
  bool Contains(const unsigned char ip[16]) const;
  static bool Parse(std::string_view text, Cidr* out);
};

// Glob with `*` (any run) and `?` (one byte), as Lucene wildcards.
bool WildcardMatch(std::string_view pattern, std::string_view text);

}  // namespace perimeter::query
