// The syntax tree of a query in the Lucene query-string syntax that Kibana users type:
// `dst_port:22 AND geoip.country_code2:CN`, `src_ip:"61.177.0.0/16"`, `dst_port:[1 TO 1024]`,
// `_exists_:user`, bare words searched in `message`. Plain data.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace perimeter::query {

struct RangeBound {
  std::string value;  // empty with unbounded
  bool inclusive = true;
  bool unbounded = true;  // `*`
};

struct QueryNode {
  enum class Kind {
    kMatchAll,  // `*` or `*:*` or an empty query
    kTerm,      // field:value (value may be a CIDR on IP fields)
    kPhrase,    // field:"a phrase"
    kWildcard,  // field:19* or field:a?c
    kRange,     // field:[a TO b], {a TO b}, field:>=a
    kExists,    // _exists_:field
    kAnd,
    kOr,
    kNot,
  };
  Kind kind = Kind::kMatchAll;
  std::string field;  // dotted name ("geoip.country_code2"); empty = the default field
  std::string text;   // term, phrase or wildcard pattern
  RangeBound lower, upper;
  std::vector<std::unique_ptr<QueryNode>> children;
  size_t position = 0;  // offset in the query text, for messages

  // Canonical text form, fully parenthesized: for golden tests and logs.
  std::string ToString() const;
};

}  // namespace perimeter::query
