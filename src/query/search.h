// The query engine's entry points over a store snapshot: Search (a time range, a query, hits,
// aggregations — search_request.h), FetchEvent (one event by id, event_id.h) and Fields (field
// names and types for field pickers). Each call reads only its snapshot, so its answers do not
// change while ingest, flushes and merges go on; calls are independent and may run on several
// threads at once (one thread per call).
//
// Execution (docs/storage.md "Queries"): parts and row groups outside the time range are skipped
// by their metadata; the filter prunes groups from block statistics, small dictionaries and
// token filters, then evaluates on the columns it names, once per dictionary entry; groups that
// match entirely answer aggregations from their summaries (dictionary counts, per-minute counts)
// without decoding rows; hits are the top `size` rows by the sort, whole events read at the end.
//
// Paging: every hit carries `sort` = [sort value, part key, row]; pass it back as
// `search_after` for the next page. The part key is the part's id (in-memory parts of
// not-yet-flushed events get 2^62 + their position in the snapshot), so pages are exact within
// one snapshot; across snapshots, events with the same sort value may move when the store
// merges parts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "core/value.h"
#include "query/block_cache.h"
#include "query/search_request.h"
#include "store/snapshot.h"

namespace perimeter::query {

// Threads one search uses at most: the machines Perimeter targets have two to four cores, and
// ingest needs one.
constexpr unsigned kMaxSearchThreads = 4;

struct SearchOptions {
  // Results derived from blocks, kept across searches (block_cache.h); null: none.
  BlockCache* cache = &BlockCache::Shared();
  // 0: one per core, at most kMaxSearchThreads.
  int threads = 0;
};

Result<SearchResponse> Search(const store::Snapshot& snapshot, const SearchRequest& request);
Result<SearchResponse> Search(const store::Snapshot& snapshot, const SearchRequest& request,
                              const SearchOptions& options);
// The JSON form: parses the request (now = the wall clock, or `now_ns`), runs it, and returns
// the response object. Errors are InvalidArgument with a message for the user (a query syntax
// error names its column).
Result<Object> RunSearch(const store::Snapshot& snapshot, const Object& request);
Result<Object> RunSearch(const store::Snapshot& snapshot, const Object& request, int64_t now_ns);

// The event with this id (NotFound when the snapshot has none).
Result<Event> FetchEvent(const store::Snapshot& snapshot, std::string_view id);

struct FieldSummary {
  std::string name;                // dotted
  std::vector<std::string> types;  // store column types: string, int, float, bool, timestamp, ...
  uint64_t count = 0;              // events holding it
};
// Every field of the snapshot, by name.
std::vector<FieldSummary> Fields(const store::Snapshot& snapshot);
// [{"name": "geoip.country_code2", "types": ["string"], "count": 812}, ...]
Value FieldsToValue(const std::vector<FieldSummary>& fields);

}  // namespace perimeter::query
