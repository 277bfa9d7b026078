#include "store/row_set.h"

#include <algorithm>
#include <cstring>

#include "store/value_codec.h"

namespace perimeter::store {

namespace {
uint64_t ShareOf(uint64_t total, size_t part, size_t all) {
  return all == 0 ? 0 : total * part / all;
}
}  // namespace

const char* ColumnTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::kNull:
      return "null";
    case ColumnType::kBool:
      return "bool";
    case ColumnType::kInt:
      return "int";
    case ColumnType::kFloat:
      return "float";
    case ColumnType::kString:
      return "string";
    case ColumnType::kTimestamp:
      return "timestamp";
    case ColumnType::kValue:
      return "value";
  }
  return "?";
}

std::string ColumnKey::DottedName() const {
  std::string s;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i > 0) s.push_back('.');
    s += path[i];
  }
  return s;
}

std::string ColumnKey::Id() const {
  std::string s;
  for (const std::string& p : path) {
    s += p;
    s.push_back('\0');
  }
  s.push_back(static_cast<char>(type));
  return s;
}

void ColumnData::PadTo(size_t rows) {
  if (present.size() >= rows) return;
  present.resize(rows, 0);
  if (HasIntSlots(key.type)) ints.resize(rows, 0);
  if (key.type == ColumnType::kFloat) floats.resize(rows, 0.0);
  if (HasByteSlots(key.type)) ends.resize(rows, static_cast<uint32_t>(bytes.size()));
}

void ColumnData::AppendFrom(const ColumnData& src, size_t row) {
  present.push_back(src.present[row]);
  if (HasIntSlots(key.type)) ints.push_back(src.ints[row]);
  if (key.type == ColumnType::kFloat) floats.push_back(src.floats[row]);
  if (HasByteSlots(key.type)) {
    bytes += src.StringAt(row);
    ends.push_back(static_cast<uint32_t>(bytes.size()));
  }
}

Value ColumnData::ValueAt(size_t row) const {
  if (!present[row]) return Value();
  switch (key.type) {
    case ColumnType::kNull:
      return Value();
    case ColumnType::kBool:
      return Value(ints[row] != 0);
    case ColumnType::kInt:
      return Value(ints[row]);
    case ColumnType::kFloat:
      return Value(floats[row]);
    case ColumnType::kString:
      return Value(StringAt(row));
    case ColumnType::kTimestamp:
      return Value(Timestamp(ints[row]));
    case ColumnType::kValue: {
      auto v = DecodeValueBlob(StringAt(row));
      return v.ok() ? std::move(v).value() : Value();
    }
  }
  return Value();
}

namespace {

// Column buffers are reused from flushed memtables, long out of the cache, and a store to a
// line that is not in the cache waits for it: each append asks for the line a few rows on.
// (The address is computed as an integer: the buffer may have none yet, and a prefetch of any
// address is harmless.)
template <typename Buffer>
inline void PrefetchPastEnd(const Buffer& b) {
  constexpr uintptr_t kAheadBytes = 256;
  uintptr_t end = reinterpret_cast<uintptr_t>(b.data() + b.size());
  // An address past the buffer: only prefetched, never dereferenced (pointer arithmetic is UB).
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  __builtin_prefetch(reinterpret_cast<const void*>(end + kAheadBytes), 1);
}

// Appends `v` to column `c`, which has exactly as many slots as the rows before this one.
inline void AppendCell(ColumnData* c, const Value& v, ValueEncoder* encoder) {
  PrefetchPastEnd(c->present);
  c->present.push_back(1);
  switch (c->key.type) {
    case ColumnType::kNull:
      break;
    case ColumnType::kBool:
      PrefetchPastEnd(c->ints);
      c->ints.push_back(v.as_bool() ? 1 : 0);
      break;
    case ColumnType::kInt:
      PrefetchPastEnd(c->ints);
      c->ints.push_back(v.as_int());
      break;
    case ColumnType::kTimestamp:
      PrefetchPastEnd(c->ints);
      c->ints.push_back(v.as_timestamp().nanos());
      break;
    case ColumnType::kFloat:
      PrefetchPastEnd(c->floats);
      c->floats.push_back(v.as_float());
      break;
    case ColumnType::kString: {
      PrefetchPastEnd(c->ends);
      PrefetchPastEnd(c->bytes);
      const std::string& s = v.as_string();
      c->bytes.append(s.data(), s.size());
      c->ends.push_back(static_cast<uint32_t>(c->bytes.size()));
      break;
    }
    case ColumnType::kValue:
      PrefetchPastEnd(c->ends);
      PrefetchPastEnd(c->bytes);
      encoder->Reset();
      encoder->EncodeValue(v, &c->bytes);
      c->ends.push_back(static_cast<uint32_t>(c->bytes.size()));
      break;
  }
}

}  // namespace

int RowSet::FindColumn(const ColumnKey& key) const {
  auto it = column_index_.find(key.Id());
  return it == column_index_.end() ? -1 : static_cast<int>(it->second);
}

ColumnData& RowSet::GetOrAddColumn(const ColumnKey& key) {
  auto [it, inserted] = column_index_.emplace(key.Id(), columns_.size());
  if (inserted) {
    ColumnData& c = columns_.emplace_back();
    c.key = key;
    c.PadTo(rows());
    if (key.type == ColumnType::kTimestamp && key.path.size() == 1 && key.path[0] == "@timestamp") {
      timestamp_column_ = static_cast<int>(it->second);
    }
  }
  return columns_[it->second];
}

RowSet RowSet::Select(std::span<const uint32_t> rows) const {
  RowSet out;
  for (const ColumnData& c : columns_) {
    ColumnData& d = out.GetOrAddColumn(c.key);
    for (uint32_t r : rows) d.AppendFrom(c, r);
  }
  for (uint32_t r : rows) out.timestamps_.push_back(timestamps_[r]);
  out.raw_bytes_ = ShareOf(raw_bytes_, rows.size(), this->rows());
  out.Seal();
  return out;
}

namespace {

ColumnType LeafType(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      return ColumnType::kNull;
    case Value::Type::kBool:
      return ColumnType::kBool;
    case Value::Type::kInt:
      return ColumnType::kInt;
    case Value::Type::kFloat:
      return ColumnType::kFloat;
    case Value::Type::kString:
      return ColumnType::kString;
    case Value::Type::kTimestamp:
      return ColumnType::kTimestamp;
    case Value::Type::kArray:
    case Value::Type::kObject:
      return ColumnType::kValue;
  }
  return ColumnType::kNull;
}

// How far past the cursor a member is looked for before it counts as unknown: enough to skip
// the optional members an event lacks.
constexpr size_t kMemberLookahead = 4;
// A cache this long means events share no layout: it is started over rather than grown.
constexpr size_t kMaxMemberCache = 4096;

}  // namespace

void RowSet::AppendEvent(const Event& event) {
  timestamps_.push_back(0);  // AppendObject sets it from @timestamp
  cursor_ = 0;
  path_stack_.clear();
  AppendObject(event.fields(), kRootPath);
  if (rows() == 1 && expected_rows_ > 1) {
    timestamps_.reserve(expected_rows_);
    for (ColumnData& c : columns_) {
      c.present.reserve(expected_rows_);
      if (HasIntSlots(c.key.type)) c.ints.reserve(expected_rows_);
      if (c.key.type == ColumnType::kFloat) c.floats.reserve(expected_rows_);
      if (HasByteSlots(c.key.type)) {
        c.ends.reserve(expected_rows_);
        c.bytes.reserve(expected_rows_ * (c.bytes.size() + c.bytes.size() / 4 + 1));
      }
    }
  }
}

inline uint32_t RowSet::ResolveMember(const FieldKey& key, uint32_t path, int8_t kind) {
  size_t end = std::min(member_cache_.size(), cursor_ + kMemberLookahead);
  for (size_t i = cursor_; i < end; ++i) {
    const MemberCacheEntry& e = member_cache_[i];
    if (e.path == path && e.kind == kind && e.key == key) {
      cursor_ = i + 1;
      return e.target;
    }
  }
  return ResolveMemberSlow(key, path, kind);
}

void RowSet::AppendObject(const Object& object, uint32_t path) {
  size_t row = rows() - 1;
  for (size_t i = 0; i < object.size(); ++i) {
    const FieldKey& key = object.field_key(i);
    const Value& v = object.value(i);
    if (v.is_object() && !v.as_object().empty()) {
      uint32_t nested = ResolveMember(key, path, kNestedObject);
      path_stack_.push_back(&key.str());
      AppendObject(v.as_object(), nested);
      path_stack_.pop_back();
      continue;
    }
    uint32_t column = ResolveMember(key, path, static_cast<int8_t>(LeafType(v)));
    ColumnData& c = columns_[column];
    if (c.present.size() > row) continue;  // the same path twice in one event cannot happen
    c.PadTo(row);
    AppendCell(&c, v, &value_encoder_);
    if (static_cast<int>(column) == timestamp_column_) timestamps_.back() = c.ints.back();
  }
}

uint32_t RowSet::ResolveMemberSlow(const FieldKey& member, uint32_t path, int8_t kind) {
  const std::string& key = member.str();
  uint32_t target;
  if (kind == kNestedObject) {
    std::string id(reinterpret_cast<const char*>(&path), sizeof path);
    id += key;
    auto [it, inserted] =
        object_paths_.emplace(std::move(id), static_cast<uint32_t>(object_paths_.size() + 1));
    target = it->second;
  } else {
    ColumnKey ck;
    ck.path.reserve(path_stack_.size() + 1);
    for (const std::string* p : path_stack_) ck.path.push_back(*p);
    ck.path.push_back(key);
    ck.type = static_cast<ColumnType>(kind);
    bool is_timestamp =
        path == kRootPath && ck.type == ColumnType::kTimestamp && key == "@timestamp";
    auto [it, inserted] = column_index_.emplace(ck.Id(), columns_.size());
    if (inserted) {
      ColumnData& c = columns_.emplace_back();
      c.key = std::move(ck);
      if (is_timestamp) timestamp_column_ = static_cast<int>(it->second);
    }
    target = static_cast<uint32_t>(it->second);
  }
  if (member_cache_.size() >= kMaxMemberCache) {
    member_cache_.clear();
    cursor_ = 0;
  }
  member_cache_.insert(member_cache_.begin() + static_cast<ptrdiff_t>(cursor_),
                       MemberCacheEntry{member, path, kind, target});
  ++cursor_;
  return target;
}

void RowSet::Seal() {
  for (ColumnData& c : columns_) c.PadTo(rows());
  // What only appending needs; a sealed set is kept until its memtable is flushed.
  member_cache_ = {};
  cursor_ = 0;
  object_paths_ = {};
  path_stack_ = {};
}

Result<Event> RowSet::EventAt(size_t row) const {
  Event e;
  Object& fields = e.fields();
  fields.Reserve(columns_.size());
  for (const ColumnData& c : columns_) {
    if (!c.present[row]) continue;
    Value v;
    if (c.key.type == ColumnType::kValue) {
      auto decoded = DecodeValueBlob(c.StringAt(row));
      if (!decoded.ok()) return decoded.status();
      v = std::move(decoded).value();
    } else {
      v = c.ValueAt(row);
    }
    Object* obj = &fields;
    for (size_t i = 0; i + 1 < c.key.path.size(); ++i) {
      Value& next = obj->GetOrInsert(c.key.path[i]);
      if (!next.is_object()) next = Object();
      obj = &next.as_object();
    }
    obj->Set(c.key.path.back(), std::move(v));
  }
  return e;
}

size_t RowSet::MemoryBytes() const {
  size_t n = timestamps_.capacity() * 8;
  for (const ColumnData& c : columns_) {
    n += c.present.capacity() + c.ints.capacity() * 8 + c.floats.capacity() * 8 +
         c.ends.capacity() * 4 + c.bytes.capacity();
  }
  return n;
}

}  // namespace perimeter::store
