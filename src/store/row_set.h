// RowSet: events as columns in memory — the memtable's unit (one per Append), what a part's
// row group decodes into, and what the part writer encodes. Columns are dense (one slot per
// row, with a presence flag). Built by one thread; immutable (and shareable) once sealed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "store/value_codec.h"

namespace perimeter::store {

// The stored type of a column (part_format.h keeps these numbers on disk).
enum class ColumnType : uint8_t {
  kNull = 0,
  kBool = 1,
  kInt = 2,
  kFloat = 3,
  kString = 4,
  kTimestamp = 5,
  kValue = 6,  // arrays and empty objects, as value-codec blobs
};
constexpr uint8_t kMaxColumnType = 6;
const char* ColumnTypeName(ColumnType t);
// Ints, timestamps and bools keep int64 slots; strings and values keep bytes.
inline bool HasIntSlots(ColumnType t) {
  return t == ColumnType::kInt || t == ColumnType::kTimestamp || t == ColumnType::kBool;
}
inline bool HasByteSlots(ColumnType t) {
  return t == ColumnType::kString || t == ColumnType::kValue;
}

// A column's identity: the field's path (["geoip", "country_code2"]) and its type.
struct ColumnKey {
  std::vector<std::string> path;
  ColumnType type = ColumnType::kNull;

  // "geoip.country_code2": the name the query language uses.
  std::string DottedName() const;
  // Path components joined by '\0' plus the type: a hash-map key.
  std::string Id() const;
  bool operator==(const ColumnKey&) const = default;
};

struct ColumnData {
  ColumnKey key;
  std::vector<uint8_t> present;  // one per row: 1 when the row has a value
  std::vector<int64_t> ints;     // HasIntSlots: one per row (0 when absent)
  std::vector<double> floats;    // kFloat: one per row
  std::vector<uint32_t> ends;    // HasByteSlots: end offset of row i's bytes in `bytes`
  std::string bytes;

  std::string_view StringAt(size_t row) const {
    uint32_t begin = row == 0 ? 0 : ends[row - 1];
    return std::string_view(bytes).substr(begin, ends[row] - begin);
  }
  size_t size() const { return present.size(); }
  // Grows the column to `rows` slots, the new ones absent.
  void PadTo(size_t rows);
  // Appends one slot (present or not) from another column of the same type.
  void AppendFrom(const ColumnData& src, size_t row);
  Value ValueAt(size_t row) const;  // null when absent
};

class RowSet {
 public:
  RowSet() = default;
  RowSet(RowSet&&) = default;
  RowSet& operator=(RowSet&&) = default;

  size_t rows() const { return timestamps_.size(); }
  const std::vector<ColumnData>& columns() const { return columns_; }
  std::vector<ColumnData>& mutable_columns() { return columns_; }
  // @timestamp of each row in nanoseconds (0 when the event had none).
  const std::vector<int64_t>& timestamps() const { return timestamps_; }
  std::vector<int64_t>& mutable_timestamps() { return timestamps_; }
  // Index of the column, or -1.
  int FindColumn(const ColumnKey& key) const;
  // The column for `key`, created (padded to rows()) when missing.
  ColumnData& GetOrAddColumn(const ColumnKey& key);

  // Adds one event as a row (metadata and cancelled flag are not stored). Keeps no pointer to
  // the event. After the last append, call Seal().
  void AppendEvent(const Event& event);
  // How many events are coming: after the first, column buffers are sized for all of them
  // (growing by doubling would copy every message a second time).
  void ExpectRows(size_t rows) { expected_rows_ = rows; }
  // Pads every column to rows() and drops the columnizing caches; required before reading.
  void Seal();
  // A new set holding only `rows` (ascending) of this one.
  RowSet Select(std::span<const uint32_t> rows) const;

  // The row back as an event: columns in order, nested paths rebuilt.
  Result<Event> EventAt(size_t row) const;

  // Size of the events in the value codec (what the WAL stored): the "raw" size for stats.
  uint64_t raw_bytes() const { return raw_bytes_; }
  void add_raw_bytes(uint64_t n) { raw_bytes_ += n; }
  // Highest WAL sequence number of these rows (memtable chunks); 0 when not from the WAL.
  uint64_t lsn() const { return lsn_; }
  void set_lsn(uint64_t lsn) { lsn_ = lsn; }
  // Bytes held in memory (for memtable limits).
  size_t MemoryBytes() const;

 private:
  // Appends the members of `object`, whose path id is `path` (kRootPath for the event's fields;
  // path_stack_ holds the keys leading to it).
  void AppendObject(const Object& object, uint32_t path);
  // What member `key` of kind `kind` (a ColumnType, or kNestedObject) in object `path` maps to:
  // a column index, or the path id of a nested object.
  uint32_t ResolveMember(const FieldKey& key, uint32_t path, int8_t kind);
  // The same when the cache does not know the member: looks it up by name (and adds the column
  // or path), then caches it at the cursor.
  uint32_t ResolveMemberSlow(const FieldKey& key, uint32_t path, int8_t kind);

  std::vector<ColumnData> columns_;
  std::vector<int64_t> timestamps_;
  std::unordered_map<std::string, size_t> column_index_;  // ColumnKey::Id() -> index
  uint64_t raw_bytes_ = 0;
  uint64_t lsn_ = 0;

  // Columnizing without hashing every field name: events of a pipeline visit the same members
  // in the same order, so the cache lists the members the last events visited, in order, and a
  // cursor walks along as an event's members come. An entry names its object by path id rather
  // than relying on the entries before it, so it holds wherever the cursor finds it: an event
  // without an optional member (an ICMP line has no ports) skips a few entries, one with an
  // extra member inserts one, and the entries the next event needs stay in place.
  struct MemberCacheEntry {
    FieldKey key;     // interned names compare as pointers
    uint32_t path;    // path id of the object holding the member
    int8_t kind;      // ColumnType, or kNestedObject
    uint32_t target;  // column index, or the nested object's path id
  };
  static constexpr uint32_t kRootPath = 0;
  static constexpr int8_t kNestedObject = -1;
  std::vector<MemberCacheEntry> member_cache_;
  size_t cursor_ = 0;  // in member_cache_: where the next member is expected
  // Path ids of nested objects: parent path id (4 bytes) + key -> path id.
  std::unordered_map<std::string, uint32_t> object_paths_;
  std::vector<const std::string*> path_stack_;
  int timestamp_column_ = -1;  // the @timestamp column, whose values also fill timestamps_
  size_t expected_rows_ = 0;
  ValueEncoder value_encoder_;  // for `value` cells
};

// A row of one of several RowSets (what the writer and merges address).
struct RowRef {
  uint32_t set;
  uint32_t row;
};

}  // namespace perimeter::store
