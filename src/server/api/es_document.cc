#include "server/api/es_document.h"

#include <fmt/format.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace perimeter {

namespace {

// Shippers' documents carry 8-14 top-level fields (ECS): one allocation for them instead of
// growing 4 → 8 → 16.
constexpr size_t kRootMembers = 16;

// Builds Values from the reader's SAX events. The stack holds the containers being filled,
// innermost last. A container changes only while it is innermost, so the pointers to the outer
// ones (which live in their parents' member vectors) stay valid.
class ValueBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ValueBuilder> {
 public:
  explicit ValueBuilder(Object* root) : root_(root) {}

  bool Null() { return Add(Value()); }
  bool Bool(bool b) { return Add(Value(b)); }
  bool Int(int i) { return Add(Value(static_cast<int64_t>(i))); }
  bool Uint(unsigned u) { return Add(Value(static_cast<int64_t>(u))); }
  bool Int64(int64_t i) { return Add(Value(i)); }
  bool Uint64(uint64_t u) {
    // Beyond int64 a number becomes a float, as in ParseJson.
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Add(Value(static_cast<double>(u)));
    }
    return Add(Value(static_cast<int64_t>(u)));
  }
  bool Double(double d) { return Add(Value(d)); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    std::string_view text(s, n);
    // The event's own time, read once here rather than kept as text and parsed later.
    if (frames_.size() == 1 && key_ == "@timestamp") {
      if (auto ts = Timestamp::ParseIso8601(text)) return Add(Value(*ts));
    }
    return Add(Value(text));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    key_ = std::string_view(s, n);  // in situ: points into the caller's buffer, which stays
    return true;
  }
  bool StartObject() {
    if (frames_.empty()) {
      root_->Reserve(kRootMembers);
      frames_.push_back({root_, nullptr});
      return true;
    }
    if (frames_.size() >= static_cast<size_t>(kMaxDocumentDepth)) {
      too_deep_ = true;
      return false;
    }
    Value& child = Insert(Value(Object()));
    frames_.push_back({&child.as_object(), nullptr});
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    frames_.pop_back();
    return true;
  }
  bool StartArray() {
    if (frames_.empty()) return NotAnObject();
    if (frames_.size() >= static_cast<size_t>(kMaxDocumentDepth)) {
      too_deep_ = true;
      return false;
    }
    Value& child = Insert(Value(Array()));
    frames_.push_back({nullptr, &child.as_array()});
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    frames_.pop_back();
    return true;
  }

  bool not_an_object() const { return not_an_object_; }
  bool too_deep() const { return too_deep_; }

 private:
  struct Frame {
    Object* object;  // exactly one of the two is set
    Array* array;
  };

  bool NotAnObject() {
    not_an_object_ = true;
    return false;
  }
  bool Add(Value v) {
    if (frames_.empty()) return NotAnObject();
    Insert(std::move(v));
    return true;
  }
  Value& Insert(Value v) {
    Frame& f = frames_.back();
    if (f.object != nullptr) return f.object->Set(key_, std::move(v));
    f.array->push_back(std::move(v));
    return f.array->back();
  }

  Object* root_;
  std::vector<Frame> frames_;
  std::string_view key_;
  bool not_an_object_ = false;
  bool too_deep_ = false;
};

// @timestamp is a timestamp already when it was ISO 8601 text (ValueBuilder::String); epoch
// milliseconds are converted; anything else gives way to the time of arrival.
void StampEvent(Event* event) {
  const Value* t = event->GetTop("@timestamp");
  if (t == nullptr || !t->is_timestamp()) {
    event->set_timestamp(t != nullptr && t->is_int() ? Timestamp::FromMillis(t->as_int())
                                                     : Timestamp::Now());
  }
  if (event->GetTop("@version") == nullptr) event->SetTop("@version", "1");
}

}  // namespace

Status ReadDocumentInSitu(char* text, Event* event) {
  ValueBuilder builder(&event->fields());
  rapidjson::Reader reader;
  rapidjson::InsituStringStream in(text);
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNanAndInfFlag;
  if (reader.Parse<kFlags>(in, builder).IsError()) {
    if (builder.not_an_object())
      return Status::InvalidArgument("the document must be a JSON object");
    if (builder.too_deep()) {
      return Status::InvalidArgument(
          fmt::format("the document nests deeper than {} levels", kMaxDocumentDepth));
    }
    return Status::InvalidArgument(
        fmt::format("invalid JSON at offset {}: {}", reader.GetErrorOffset(),
                    rapidjson::GetParseError_En(reader.GetParseErrorCode())));
  }
  StampEvent(event);
  return Status::OK();
}

Result<Event> ReadDocument(std::string_view json) {
  std::string copy(json);
  Event event;
  RETURN_IF_ERROR(ReadDocumentInSitu(copy.data(), &event));
  return event;
}

}  // namespace perimeter
