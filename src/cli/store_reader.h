// What the terminal commands that read the store (`search`, `top`, `stats`) share: opening the
// store read-only, the --since/--until flags, and query errors with a caret under the column.
// Plain functions; the store they open is the caller's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "query/search.h"
#include "store/event_store.h"

namespace perimeter {

// The store under `data_dir`, opened read-only: works while `perimeter run` holds it.
Result<std::shared_ptr<store::EventStore>> OpenStoreForReading(const std::string& data_dir);
// --since (a duration such as 24h, or a time) and --until into the request's time range.
Status ResolveTimeFlags(const std::string& since, const std::string& until, int64_t now_ns,
                        query::SearchRequest* request);
// "query error: ..." and, when the message names a column, the query with a caret under it.
std::string QueryErrorText(std::string_view query, const Status& status);
int64_t WallClockNanos();
// What `search` and `top` share: --since/--until into `request`, the store opened read-only, the
// search run. 0 with the answer in *out; otherwise the error is printed and the exit code
// returned (2 for a bad flag, 1 for the rest).
int SearchStore(const std::string& data_dir, const std::string& since, const std::string& until,
                int64_t now_ns, query::SearchRequest* request, query::SearchResponse* out);

}  // namespace perimeter
