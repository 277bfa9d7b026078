#include "server/api/bulk_request.h"

#include <fmt/format.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <iterator>

#include "query/event_id.h"
#include "server/api/es_document.h"

namespace perimeter {

namespace {

constexpr std::string_view kDefaultIndex = "perimeter";

// Reads an action line, {"<op>": {"_index": "...", ...}}, keeping only the op and _index.
class ActionReader : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ActionReader> {
 public:
  bool Default() { return depth_ > 0; }  // a scalar on its own is not an action
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 0) return false;
    if (depth_ == 2 && index_key_) index_.assign(s, n);
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth_ == 1) {
      ++ops_;
      op_.assign(s, n);
    } else if (depth_ == 2) {
      index_key_ = std::string_view(s, n) == "_index";
    }
    return true;
  }
  bool StartObject() { return ++depth_ <= kMaxDocumentDepth; }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    return true;
  }
  bool StartArray() { return depth_ > 0 && ++depth_ <= kMaxDocumentDepth; }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return true;
  }

  // Parses the NUL-terminated line in place; false when it is not a one-member object.
  bool Read(char* line) {
    rapidjson::Reader reader;
    rapidjson::InsituStringStream in(line);
    return !reader.Parse<rapidjson::kParseInsituFlag>(in, *this).IsError() && ops_ == 1;
  }
  const std::string& op() const { return op_; }
  const std::string& index() const { return index_; }

 private:
  int depth_ = 0;
  int ops_ = 0;
  bool index_key_ = false;
  std::string op_;
  std::string index_;
};

// Walks the body's lines, skipping blank ones, and NUL-terminates each in `work` (the body's
// copy that the in-situ readers overwrite) so a reader cannot run past its line.
class LineCursor {
 public:
  LineCursor(std::string_view body, std::string* work) : body_(body), work_(work) {}

  bool Next() {
    while (pos_ < body_.size()) {
      size_t end = body_.find('\n', pos_);
      if (end == std::string_view::npos) end = body_.size();
      start_ = pos_;
      pos_ = end + 1;
      ++number_;
      if (end > start_ && body_[end - 1] == '\r') --end;
      if (end == start_) continue;
      (*work_)[end] = '\0';  // at body_.size() this is the string's own terminator
      end_ = end;
      return true;
    }
    return false;
  }
  std::string_view text() const { return body_.substr(start_, end_ - start_); }
  char* writable() { return work_->data() + start_; }
  size_t number() const { return number_; }

 private:
  std::string_view body_;
  std::string* work_;
  size_t pos_ = 0;
  size_t start_ = 0;
  size_t end_ = 0;
  size_t number_ = 0;
};

void Refuse(BulkItem& item, std::string_view type, std::string reason) {
  item.status = 400;
  item.error_type = type;
  item.error_reason = std::move(reason);
}

}  // namespace

Result<BulkRequest> ParseBulkRequest(std::string_view body, std::string_view default_index) {
  BulkRequest out;
  size_t pairs = static_cast<size_t>(std::count(body.begin(), body.end(), '\n')) / 2 + 1;
  out.events.reserve(pairs);
  out.items.reserve(pairs);
  std::string work(body);
  LineCursor line(body, &work);
  // Shippers repeat one action line ({"create":{}}) before every document: read it once.
  std::string_view last_action;
  std::string op, index;
  while (line.Next()) {
    if (line.text() != last_action) {
      ActionReader action;
      if (!action.Read(line.writable())) {
        return Status::InvalidArgument(
            fmt::format("line {}: expected an action such as {{\"create\":{{}}}}", line.number()));
      }
      last_action = line.text();
      op = action.op();
      index = action.index();
      if (index.empty()) index = default_index;
      if (index.empty()) index = kDefaultIndex;
    }
    BulkItem& item = out.items.emplace_back();
    item.op = op;
    item.index = index;
    if (op == "delete") {
      Refuse(item, "illegal_argument_exception",
             "the store is append-only: delete is not supported");
      continue;
    }
    size_t action_line = line.number();
    if (!line.Next()) {
      return Status::InvalidArgument(
          fmt::format("line {}: the action has no document line", action_line));
    }
    if (op != "index" && op != "create") {
      Refuse(item, "illegal_argument_exception", "only index and create actions are supported");
      continue;
    }
    Event& event = out.events.emplace_back();
    Status st = ReadDocumentInSitu(line.writable(), &event);
    if (!st.ok()) {
      out.events.pop_back();
      Refuse(item, "mapper_parsing_exception", st.message());
      continue;
    }
    item.event = out.events.size() - 1;
  }
  return out;
}

std::string BulkResponseJson(const BulkRequest& request, int64_t took_ms,
                             const FilterPath* filter) {
  auto keeps = [filter](std::initializer_list<std::string_view> path) {
    return filter == nullptr || filter->Includes(std::span(path.begin(), path.size()));
  };
  // Which fields of an item survive the filter depends only on its action: a few distinct ones.
  struct ItemFields {
    std::string op;
    bool index, id, version, result, status, error_type, error_reason;
  };
  std::vector<ItemFields> fields_by_op;
  auto fields_of = [&](const std::string& op) -> const ItemFields& {
    for (const ItemFields& f : fields_by_op) {
      if (f.op == op) return f;
    }
    fields_by_op.push_back({op, keeps({"items", op, "_index"}), keeps({"items", op, "_id"}),
                            keeps({"items", op, "_version"}), keeps({"items", op, "result"}),
                            keeps({"items", op, "status"}), keeps({"items", op, "error", "type"}),
                            keeps({"items", op, "error", "reason"})});
    return fields_by_op.back();
  };

  // About 130 bytes per item unfiltered: `{"create":{"_index":"...","_id":"<ts>-<hash>",...}}`.
  constexpr size_t kBytesPerItem = 136;
  std::string out;
  out.reserve(64 + request.items.size() * kBytesPerItem);
  out += '{';
  auto member = [&out](std::string_view name) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += name;
    out += "\":";
  };
  if (keeps({"took"})) {
    member("took");
    fmt::format_to(std::back_inserter(out), "{}", took_ms);
  }
  if (keeps({"errors"})) {
    member("errors");
    bool errors = std::any_of(request.items.begin(), request.items.end(),
                              [](const BulkItem& i) { return i.status >= 300; });
    out += errors ? "true" : "false";
  }
  bool items_open = false;  // "items" is written with its first kept item
  for (const BulkItem& item : request.items) {
    const ItemFields& f = fields_of(item.op);
    bool stored = item.event != kNoEvent;
    bool refused = !item.error_type.empty();
    bool index = f.index, id = f.id && stored, version = f.version && stored;
    bool result = f.result && stored, status = f.status;
    bool error = refused && (f.error_type || f.error_reason);
    if (!(index || id || version || result || status || error)) continue;  // empty: dropped
    if (!items_open) {
      member("items");
      items_open = true;
      out += '[';
    } else {
      out += ',';
    }
    out += '{';
    AppendJsonString(item.op, &out);
    out += ":{";
    size_t first = out.size();
    auto field = [&](std::string_view name) {
      if (out.size() > first) out += ',';
      out += '"';
      out += name;
      out += "\":";
    };
    if (index) {
      field("_index");
      AppendJsonString(item.index, &out);
    }
    if (id) {
      field("_id");
      out += '"';
      out += query::EventId(request.events[item.event]);
      out += '"';
    }
    if (version) {
      field("_version");
      out += "1";
    }
    if (result) {
      field("result");
      out += "\"created\"";
    }
    if (status) {
      field("status");
      fmt::format_to(std::back_inserter(out), "{}", item.status);
    }
    if (error) {
      field("error");
      out += '{';
      if (f.error_type) {
        out += "\"type\":";
        AppendJsonString(item.error_type, &out);
      }
      if (f.error_reason) {
        if (f.error_type) out += ',';
        out += "\"reason\":";
        AppendJsonString(item.error_reason, &out);
      }
      out += '}';
    }
    out += "}}";
  }
  if (items_open) out += ']';
  out += '}';
  return out;
}

}  // namespace perimeter
