// Event: one log record flowing through the pipeline — a tree of fields plus `[@metadata]`,
// which outputs do not see. Owned by the batch that carries it; one thread at a time.
#pragma once

#include <string>
#include <string_view>

#include "core/field_ref.h"
#include "core/value.h"

namespace perimeter {

class Event {
 public:
  Event() = default;
  // An event as an input makes it from a line: message, @timestamp, @version = "1".
  static Event FromMessage(std::string message, Timestamp ts);

  Object& fields() { return fields_; }
  const Object& fields() const { return fields_; }
  Object& metadata() { return metadata_; }
  const Object& metadata() const { return metadata_; }

  const Value* Get(const FieldRef& ref) const;
  Value* GetMutable(const FieldRef& ref);
  // Sets the field, creating intermediate objects; a non-object in the way is replaced, as in
  // Logstash. Returns the stored value.
  Value& Set(const FieldRef& ref, Value v);
  // Removes the field; false when it was not there.
  bool Remove(const FieldRef& ref);

  // Top-level fields by name, without parsing a reference.
  const Value* GetTop(std::string_view name) const { return fields_.Find(name); }
  Value& SetTop(std::string_view name, Value v) { return fields_.Set(name, std::move(v)); }

  // @timestamp; Now() is not used as a fallback: an event without one reports epoch 0.
  Timestamp timestamp() const;
  void set_timestamp(Timestamp ts) { fields_.Set("@timestamp", ts); }

  // `tags` is an array of strings; AddTag keeps it free of duplicates.
  void AddTag(std::string_view tag);
  bool HasTag(std::string_view tag) const;
  void RemoveTag(std::string_view tag);

  // A cancelled event (the drop filter) goes no further.
  bool cancelled() const { return cancelled_; }
  void Cancel() { cancelled_ = true; }

  // The whole event as one JSON object, `[@metadata]` left out (json_lines, file output).
  void AppendJson(std::string* out) const;
  std::string ToJson() const;

 private:
  Object fields_;
  Object metadata_;
  bool cancelled_ = false;
};

}  // namespace perimeter
