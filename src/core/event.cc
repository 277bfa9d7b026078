#include "core/event.h"

#include <algorithm>

namespace perimeter {

Event Event::FromMessage(std::string message, Timestamp ts) {
  static const FieldKey kMessage("message"), kVersion("@version"), kTimestamp("@timestamp");
  Event e;
  // Room for what an input adds (host, path, type, tags) and what a parser adds next (grok's
  // IPTABLES or kv: ~16 fields, geoip's object): one allocation of the event's final size
  // instead of a second one, and a move of every member, in the first filter.
  e.fields_.Reserve(24);
  e.fields_.AppendAbsent(kMessage, std::move(message));
  e.fields_.AppendAbsent(kVersion, "1");
  e.fields_.AppendAbsent(kTimestamp, ts);
  return e;
}

namespace {

// The object holding the parts of `path` from `begin`, or null when a part is missing.
template <typename ObjectT>
auto* Walk(ObjectT* obj, const std::vector<std::string>& path, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    auto* v = obj->Find(path[i]);
    if (v == nullptr || !v->is_object()) return static_cast<ObjectT*>(nullptr);
    obj = &v->as_object();
  }
  return obj;
}

}  // namespace

const Value* Event::Get(const FieldRef& ref) const {
  const auto& path = ref.path();
  if (path.empty()) return nullptr;
  size_t begin = 0;
  const Object* root = &fields_;
  if (ref.is_metadata()) {
    root = &metadata_;
    begin = 1;
    if (path.size() == 1) return nullptr;
  }
  const Object* parent = Walk(root, path, begin, path.size() - 1);
  return parent ? parent->Find(path.back()) : nullptr;
}

Value* Event::GetMutable(const FieldRef& ref) {
  return const_cast<Value*>(static_cast<const Event*>(this)->Get(ref));
}

Value& Event::Set(const FieldRef& ref, Value v) {
  const auto& path = ref.path();
  Object* obj = &fields_;
  size_t begin = 0;
  if (ref.is_metadata()) {
    obj = &metadata_;
    begin = 1;
  }
  if (begin >= path.size()) return fields_.GetOrInsert("@metadata");  // degenerate "[@metadata]"
  for (size_t i = begin; i + 1 < path.size(); ++i) {
    Value& next = obj->GetOrInsert(path[i]);
    if (!next.is_object()) next = Object();
    obj = &next.as_object();
  }
  return obj->Set(path.back(), std::move(v));
}

bool Event::Remove(const FieldRef& ref) {
  const auto& path = ref.path();
  if (path.empty()) return false;
  Object* root = &fields_;
  size_t begin = 0;
  if (ref.is_metadata()) {
    root = &metadata_;
    begin = 1;
    if (path.size() == 1) {
      bool had = !metadata_.empty();
      metadata_.Clear();
      return had;
    }
  }
  Object* parent = Walk(root, path, begin, path.size() - 1);
  return parent != nullptr && parent->Erase(path.back());
}

Timestamp Event::timestamp() const {
  const Value* v = fields_.Find("@timestamp");
  return v != nullptr && v->is_timestamp() ? v->as_timestamp() : Timestamp();
}

void Event::AddTag(std::string_view tag) {
  Value& tags = fields_.GetOrInsert("tags");
  if (tags.is_null()) {
    tags = Array{};
  } else if (!tags.is_array()) {
    Value old = std::move(tags);
    tags = Array{std::move(old)};
  }
  Array& a = tags.as_array();
  for (const Value& t : a) {
    if (t.is_string() && t.as_string() == tag) return;
  }
  a.emplace_back(tag);
}

bool Event::HasTag(std::string_view tag) const {
  const Value* tags = fields_.Find("tags");
  if (tags == nullptr) return false;
  if (tags->is_string()) return tags->as_string() == tag;
  if (!tags->is_array()) return false;
  return std::any_of(tags->as_array().begin(), tags->as_array().end(),
                     [&](const Value& t) { return t.is_string() && t.as_string() == tag; });
}

void Event::RemoveTag(std::string_view tag) {
  Value* tags = fields_.Find("tags");
  if (tags == nullptr || !tags->is_array()) return;
  Array& a = tags->as_array();
  a.erase(std::remove_if(a.begin(), a.end(),
                         [&](const Value& t) { return t.is_string() && t.as_string() == tag; }),
          a.end());
}

void Event::AppendJson(std::string* out) const {
  out->push_back('{');
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(fields_.key(i), out);
    out->push_back(':');
    fields_.value(i).AppendJson(out);
  }
  out->push_back('}');
}

std::string Event::ToJson() const {
  std::string s;
  AppendJson(&s);
  return s;
}

}  // namespace perimeter
