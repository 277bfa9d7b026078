// Whole events of a few rows of a part, for search hits: decodes the columns of each row group
// involved once and builds only the requested rows (Part::ReadEvents materializes every row of
// the group first). Same events, members in the part's column order. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "store/part.h"

namespace perimeter::query {

// `out[i]` is the event at part row `rows[i]` (any order).
Status ReadEventsAt(const store::Part& part, std::span<const uint64_t> rows,
                    std::vector<Event>* out);

}  // namespace perimeter::query
