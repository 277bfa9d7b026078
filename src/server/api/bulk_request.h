// The body of an Elasticsearch bulk request (NDJSON: an action line, then a document line for
// index/create) read into events, and the per-item answer written the way Elasticsearch writes
// it, so shippers (Filebeat, Logstash, Fluent Bit, Vector, the official clients) can tell what
// was stored. Plain value types and stateless functions; a request handler owns a BulkRequest.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "server/api/filter_path.h"

namespace perimeter {

inline constexpr size_t kNoEvent = std::numeric_limits<size_t>::max();

struct BulkItem {
  std::string op;     // the action's name: "create", "index", "delete", ...
  std::string index;  // the action's _index, else the URL's {index}, else "perimeter"
  int status = 201;   // 201 stored; 400 refused (error_type and error_reason say why)
  std::string error_type;
  std::string error_reason;
  size_t event = kNoEvent;  // its event in BulkRequest::events when accepted
};

struct BulkRequest {
  std::vector<Event> events;    // accepted documents, in request order
  std::vector<BulkItem> items;  // one per action, in request order
};

// Reads the NDJSON body. index and create actions take the next line as their document; a
// document that is not a JSON object gets a per-item 400, as do update (it takes a document
// line too) and delete (none). InvalidArgument, naming the line, for what Elasticsearch refuses
// as a whole: an action line that is not {"<action>": {...}}, or an action missing its document.
Result<BulkRequest> ParseBulkRequest(std::string_view body, std::string_view default_index);

// {"took":..,"errors":..,"items":[{"create":{"_index","_id","_version","result","status"}}]},
// with "error": {"type", "reason"} on refused items. Call it once the events are stored: the
// _id of each is query::EventId's, so GET /api/v1/events/{id} finds it. With a filter (the
// request's filter_path) only what it keeps is written, as Elasticsearch does: objects left
// empty are dropped, and ids nobody asked for are not computed.
std::string BulkResponseJson(const BulkRequest& request, int64_t took_ms,
                             const FilterPath* filter = nullptr);

}  // namespace perimeter
