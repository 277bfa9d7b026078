// LineCodec: how a line-oriented input (stdin, file) turns one line into an event — the input's
// `codec` option. `plain` (the default) makes the line the message; `json` and `json_lines`
// read the line as a JSON object whose fields become the event's, as Logstash's codecs do: a
// line that is not a JSON object is kept as the message and tagged `_jsonparsefailure`, an
// `@timestamp` that is not a time is kept as `_@timestamp` and tagged
// `_timestampparsefailure`. Immutable after Create; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/event.h"
#include "core/status.h"

namespace perimeter {

class LineCodec {
 public:
  // `name` is the input's codec option; an output-only codec is an error naming the input ones.
  static Result<LineCodec> Create(std::string_view name);

  bool plain() const { return kind_ == Kind::kPlain; }
  // The event for `line`; `now` is its @timestamp unless the JSON carries a valid one.
  Event Decode(std::string_view line, Timestamp now) const;

 private:
  enum class Kind { kPlain, kJson };
  explicit LineCodec(Kind kind) : kind_(kind) {}
  Kind kind_;
};

}  // namespace perimeter
