// Event ids for the search API: "<@timestamp in ns>-<16 hex digits>" ("n-…" without a
// timestamp), the hex digits an XXH3 of the event's content in a canonical form (object members
// sorted by name, values typed). An id depends only on what the event holds, so it stays the
// same when the store flushes, merges or reorders the parts holding it; two identical events
// share an id (fetching returns one of them). Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/event.h"

namespace perimeter::query {

std::string EventId(const Event& event);

struct ParsedEventId {
  std::optional<int64_t> timestamp_ns;
  uint64_t hash = 0;
};
// False for text that is not an id.
bool ParseEventId(std::string_view id, ParsedEventId* out);

}  // namespace perimeter::query
