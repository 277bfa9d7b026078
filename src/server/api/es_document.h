// An Elasticsearch document (the JSON object a shipper sends to /_bulk or /{index}/_doc) read
// into an Event in one pass: RapidJSON's SAX reader builds the Values directly, in situ, with no
// DOM in between. Stateless functions; thread-safe.
#pragma once

#include <string_view>

#include "core/event.h"
#include "core/status.h"

namespace perimeter {

// Log events nest a few levels; the reader recurses once per level, so deeper input is refused
// before it can exhaust a handler thread's stack.
inline constexpr int kMaxDocumentDepth = 64;

// Reads the JSON object at `text` (NUL-terminated; overwritten, as strings are unescaped in
// place) into `event`'s fields. @timestamp becomes a timestamp when it is ISO 8601 text or epoch
// milliseconds, else the time of arrival; @version is "1" when absent, as Logstash sets it.
// InvalidArgument, with the offset, for invalid JSON, trailing text or a non-object.
[[nodiscard]] Status ReadDocumentInSitu(char* text, Event* event);

// The same on a copy of `json`.
Result<Event> ReadDocument(std::string_view json);

}  // namespace perimeter
