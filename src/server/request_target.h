// Decoding of request targets, query strings and form bodies, with the checks that keep a
// request inside the server's namespace (no "..", no encoded slashes, no NULs). Stateless.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter {

struct RequestTarget {
  std::string path;   // percent-decoded, starts with '/'
  std::string query;  // raw, without '?'
};

// Splits "/a/b?x=1" and percent-decodes the path. Refuses (InvalidArgument) anything that is not
// origin-form ("http://…", "*"), malformed escapes, decoded NUL/control bytes, backslashes,
// encoded '/', and "." or ".." segments (raw or encoded, e.g. "/%2e%2e/"), so no later lookup
// can be tricked into leaving the namespace it serves.
Result<RequestTarget> ParseRequestTarget(std::string_view target);

// Percent-decodes `in`; with `plus_is_space` ('application/x-www-form-urlencoded') '+' becomes
// ' '. nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// The decoded value of `name` in "a=1&b=2" (query strings and form bodies); nullopt when absent
// or malformed.
std::optional<std::string> FindFormField(std::string_view encoded, std::string_view name);

// Percent-encodes everything but unreserved characters and '/', for Location headers.
std::string PercentEncodePath(std::string_view path);

}  // namespace perimeter
