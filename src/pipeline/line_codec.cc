#include "pipeline/line_codec.h"

#include <fmt/format.h>

#include "core/json.h"

namespace perimeter {

Result<LineCodec> LineCodec::Create(std::string_view name) {
  if (name.empty() || name == "plain" || name == "line") return LineCodec(Kind::kPlain);
  if (name == "json" || name == "json_lines") return LineCodec(Kind::kJson);
  return Status::InvalidArgument(fmt::format(
      "codec '{}' cannot decode input; input codecs: plain, line, json, json_lines", name));
}

Event LineCodec::Decode(std::string_view line, Timestamp now) const {
  if (kind_ == Kind::kPlain) return Event::FromMessage(std::string(line), now);
  Result<Value> parsed = ParseJson(line);
  if (!parsed.ok() || !parsed->is_object()) {
    Event e = Event::FromMessage(std::string(line), now);
    e.AddTag("_jsonparsefailure");
    return e;
  }
  Event e;
  Object& fields = parsed->as_object();
  e.fields().Reserve(fields.size() + 2);
  for (size_t i = 0; i < fields.size(); ++i) e.SetTop(fields.key(i), std::move(fields.value(i)));
  Timestamp ts = now;
  if (const Value* t = e.GetTop("@timestamp")) {
    std::optional<Timestamp> valid;
    if (t->is_string()) valid = Timestamp::ParseIso8601(t->as_string());
    if (t->is_timestamp()) valid = t->as_timestamp();
    if (valid) {
      ts = *valid;
    } else {
      e.SetTop("_@timestamp", *t);
      e.AddTag("_timestampparsefailure");
    }
  }
  e.set_timestamp(ts);
  if (e.GetTop("@version") == nullptr) e.SetTop("@version", "1");
  return e;
}

}  // namespace perimeter
