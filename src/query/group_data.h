// PartColumns: which columns of a part hold a query field (dotted name), resolved once per part.
// GroupData: one row group of a part as the executor reads it — decoded blocks, dictionaries
// and, for the fallback path, whole events — each produced at most once. Both belong to the one
// thread running a search.
//
// A field's value in an event is what EventMatcher's LookupDotted finds: the nested path first
// (geoip → country_code2), then a top-level field whose name has the dots. In columns:
//   values  — columns whose path is the nested path (one per type that occurred), or, when the
//             part has none, the top-level dotted column;
//   objects — columns below that path: a row with one of them has an object there.
// A part with both a nested and a top-level dotted form of the field is `ambiguous`: which one
// an event sees depends on the row, and the executor then reads such groups as events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "store/part.h"

namespace perimeter::query {

struct FieldColumns {
  std::vector<size_t> values;
  std::vector<size_t> objects;
  bool ambiguous = false;
};

class BlockCache;

// Entries of one column's dictionary in a group that a one-clause filter matches
// (RowFilter::MatchDictionaries): the rows holding them are exactly the rows that match.
struct DictionaryMatch {
  size_t column = 0;
  const store::BlockDictionary* dictionary = nullptr;  // owned by the GroupData
  std::vector<uint32_t> entries;
};

class PartColumns {
 public:
  // `cache` (may be null) keeps results derived from this part's blocks across searches.
  explicit PartColumns(std::shared_ptr<const store::Part> part, BlockCache* cache = nullptr);
  const store::Part& part() const { return *part_; }
  const std::shared_ptr<const store::Part>& part_ptr() const { return part_; }
  BlockCache* cache() const { return cache_; }
  const FieldColumns& Field(const std::string& dotted);
  // The @timestamp column (type timestamp), or -1.
  int timestamp_column() const { return timestamp_column_; }
  // Every row of the part is selected by the search (no filter, the whole part inside the time
  // range): summaries of the whole part (distinct sketches) answer for all its groups. Set by
  // the executor.
  bool whole_part() const { return whole_part_; }
  void set_whole_part(bool whole) { whole_part_ = whole; }

 private:
  std::shared_ptr<const store::Part> part_;
  BlockCache* cache_;
  std::unordered_map<std::string, FieldColumns> fields_;
  int timestamp_column_ = -1;
  bool whole_part_ = false;
};

class GroupData {
 public:
  GroupData(PartColumns* columns, size_t group);
  ~GroupData();
  GroupData(const GroupData&) = delete;
  GroupData& operator=(const GroupData&) = delete;

  const store::Part& part() const { return columns_->part(); }
  PartColumns& columns() { return *columns_; }
  size_t group() const { return group_; }
  const store::RowGroupMeta& meta() const { return part().group(group_); }
  uint32_t rows() const { return meta().rows; }
  const store::BlockMeta* block_meta(size_t c) const { return part().block(c, group_); }

  Result<const store::ColumnBlock*> Block(size_t c);
  // A dependent block as its key's codes and a code per key code (store::GroupReader).
  Result<store::GroupReader::Dependent> ReadDependent(size_t c);
  // The codes of a dict, dependent or same-as block without its dictionary, and that
  // dictionary's texts rendered on demand (string columns; store::GroupReader).
  Result<const store::ColumnBlock*> Codes(size_t c);
  Result<const store::DictionaryTexts*> Texts(size_t c);
  // The dictionary whose codes the decoded block of `c` uses (dict and dependent blocks, also
  // through a same-as block); null for blocks without one (ints, floats, plain, templates).
  Result<const store::BlockDictionary*> Dictionary(size_t c);
  // True when Dictionary(c) would give one.
  bool HasValueDictionary(size_t c) const;
  // Every row of the group as an event (the fallback for what columns cannot answer).
  Result<const std::vector<Event>*> Events();

  // A value derived from this group's blocks, from the block cache when it has it, else made by
  // `make()` (returning Result<std::shared_ptr<const T>>) and cached with its size `bytes(T)`.
  template <typename T, typename Make, typename Bytes>
  Result<std::shared_ptr<const T>> Cached(std::string_view what, Make&& make, Bytes&& bytes);

 private:
  store::GroupReader& Reader();

  PartColumns* columns_;
  size_t group_;
  // Decoded blocks; the filter and the aggregations share them, and the key codes dependent
  // columns are decoded from.
  std::unique_ptr<store::GroupReader> reader_;
  std::vector<std::unique_ptr<store::BlockDictionary>> dictionaries_;
  std::unique_ptr<std::vector<Event>> events_;
};

}  // namespace perimeter::query

#include "query/block_cache.h"

namespace perimeter::query {

template <typename T, typename Make, typename Bytes>
Result<std::shared_ptr<const T>> GroupData::Cached(std::string_view what, Make&& make,
                                                   Bytes&& bytes) {
  BlockCache* cache = columns_->cache();
  if (cache != nullptr) {
    if (auto hit = cache->Find<T>(&part(), group_, what)) return hit;
  }
  Result<std::shared_ptr<const T>> made = make();
  if (made.ok() && cache != nullptr) {
    cache->Insert(columns_->part_ptr(), group_, what, *made, bytes(**made));
  }
  return made;
}

}  // namespace perimeter::query
