// Part: an open, immutable part (a file, or bytes in memory for not-yet-flushed rows) and the
// read API the query engine scans with. Opening checks the header, trailer and footer; every
// frame's checksum is checked when it is read. Immutable after opening, so one Part serves any
// number of threads; a file part keeps its descriptor, so it stays readable after a merge or
// retention unlinks it.
//
// Scanning a part, for the query engine:
//   for g in 0..group_count(): group(g) gives rows, min/max @timestamp and per-minute counts;
//     block(c, g) gives a column's metadata (present rows, min/max, dictionary size) or null;
//     ReadDictionary(c, g) gives values + counts without decoding rows (summaries);
//     MayContainToken(c, g, token) lets free-text search skip the block;
//     ReadBlocks({c1, c2}, g) decodes columns into typed vectors (column_block.h);
//   ReadEvents(rows) returns whole events for hits (row = group(g).first_row + row in group).
// MergeDistinctSketch(c) answers a distinct count over a whole part without reading a block.
// Columns are found by dotted name (FindColumns: one per type the field had). A group's rows
// are in @timestamp order; a part holds one UTC day. Blocks of a group wholly inside a query's
// time range can be answered from group(g).minute_counts and ReadDictionary counts alone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "store/column_block.h"
#include "store/file_system.h"
#include "store/hyper_log_log.h"
#include "store/part_meta.h"
#include "store/row_set.h"

namespace perimeter::store {

class GroupDecoder;  // part.cc

class Part {
 public:
  // Called (from the reading thread) when a read finds damage; the store quarantines the part.
  using CorruptionListener = std::function<void(const Part& part, const Status& status)>;

  // Opens a part file. Damage is Corruption; a format version this build does not know is
  // InvalidArgument (the store refuses to open rather than quarantine newer data).
  static Result<std::shared_ptr<const Part>> OpenFile(const std::string& path,
                                                      CorruptionListener listener = {});
  // A part held in memory (PartWriter::TakeBytes()).
  static Result<std::shared_ptr<const Part>> FromBytes(std::string bytes, std::string name);

  Part(const Part&) = delete;
  Part& operator=(const Part&) = delete;

  const PartMeta& meta() const { return meta_; }
  uint64_t id() const { return meta_.part_id; }
  int64_t day() const { return meta_.day; }
  uint64_t rows() const { return meta_.rows; }
  int64_t min_ts() const { return meta_.min_ts; }
  int64_t max_ts() const { return meta_.max_ts; }
  uint64_t size_bytes() const { return size_; }
  // The part format version the file was written in (part_format.h).
  uint32_t format_version() const { return version_; }
  bool in_memory() const { return file_ == nullptr; }
  // The file path, or a name for in-memory parts.
  const std::string& path() const { return path_; }

  size_t column_count() const { return meta_.columns.size(); }
  const ColumnMeta& column(size_t c) const { return meta_.columns[c]; }
  // Columns named `dotted_name` (one per type that occurred), and one of a given type (-1).
  std::vector<size_t> FindColumns(std::string_view dotted_name) const;
  int FindColumn(std::string_view dotted_name, ColumnType type) const;

  size_t group_count() const { return meta_.groups.size(); }
  const RowGroupMeta& group(size_t g) const { return meta_.groups[g]; }
  // Metadata of column `c` in group `g`; null when no row of the group has the column.
  const BlockMeta* block(size_t c, size_t g) const {
    const auto& b = meta_.columns[c].blocks[g];
    return b ? &*b : nullptr;
  }

  // Decodes column `c` of group `g` (an absent block decodes to a block with no value).
  Result<ColumnBlock> ReadBlock(size_t c, size_t g) const;
  // Decodes several columns of one group, sharing the work of columns they depend on.
  Status ReadBlocks(std::span<const size_t> columns, size_t g, std::vector<ColumnBlock>* out) const;
  // The dictionary (values and counts) of a dictionary, dependent or template block.
  Result<BlockDictionary> ReadDictionary(size_t c, size_t g) const;
  // The first `limit` entries (most frequent first) of string column `c`'s dictionary in group
  // `g`, as text with their counts, without building values — what a top-k or a distinct count
  // needs. False (nothing visited) when the block has no plain string dictionary.
  Result<bool> VisitDictionaryText(
      size_t c, size_t g, size_t limit,
      const std::function<void(std::string_view text, uint64_t count)>& fn) const;
  // Merges the distinct sketch of string column `c` over the whole part (part_format.h) into
  // `out`; false (nothing merged) when the part has none for the column.
  Result<bool> MergeDistinctSketch(size_t c, HyperLogLog* out) const;
  // False when the block of string column `c` certainly lacks `token` (see token_filter.h);
  // true without a filter.
  Result<bool> MayContainToken(size_t c, size_t g, std::string_view token) const;

  // Every column of a group as rows (merges, event fetches).
  Result<RowSet> ReadRowGroup(size_t g) const;
  // The events at part rows `rows` (any order; decoded group by group).
  Status ReadEvents(std::span<const uint64_t> rows, std::vector<Event>* out) const;
  // Reads and checks every frame (a scrub).
  Status Verify() const;

  // For the decoders (part.cc): one frame's body, its checksum checked.
  Status ReadFrame(const FrameRef& ref, std::string_view what, std::string* raw) const;
  // Reports `s` to the listener when it is Corruption; returns it.
  Status Report(Status s) const;

 private:
  Part() = default;
  Status Load();

  std::unique_ptr<ReadOnlyFile> file_;  // null for in-memory parts
  std::string bytes_;                   // in-memory parts
  std::string path_;
  uint64_t size_ = 0;
  uint64_t footer_offset_ = 0;
  uint32_t version_ = 0;
  PartMeta meta_;
  CorruptionListener listener_;
};

// Decodes blocks of one row group of a part, each at most once, sharing across calls what
// columns depend on (a dependent column's key codes, which the key's own block then reuses) —
// for a query reading several columns of a group. The part must outlive it. One thread.
class GroupReader {
 public:
  GroupReader(const Part& part, size_t group);
  ~GroupReader();
  GroupReader(const GroupReader&) = delete;
  GroupReader& operator=(const GroupReader&) = delete;

  // Column `c` decoded, as Part::ReadBlock gives it; valid while the reader lives.
  Result<const ColumnBlock*> Block(size_t c);

  // A dependent block (BlockEncoding::kDependent) without a code per row: the block (presence
  // and codes only) of the column it is ultimately a function of (through dependent and
  // same-as keys: country of city of address) and, per code of that key, this column's code
  // (kAbsentCode: none); the last entry is for rows without a key. What a filter on the column
  // needs: it decides each key code once.
  struct Dependent {
    const ColumnBlock* key = nullptr;
    std::vector<uint32_t> by_key_code;  // key dictionary size + 1 entries
  };
  Result<Dependent> ReadDependent(size_t c);

  // Presence and dictionary codes of a dict, dependent or same-as block, without its dictionary.
  Result<const ColumnBlock*> Codes(size_t c);
  // The dictionary those codes index, as text rendered on demand (value blobs for value
  // columns) with its counts: string and value columns with a dict, dependent or same-as block
  // only (InvalidArgument for others).
  Result<const DictionaryTexts*> Texts(size_t c);

 private:
  const Part& part_;
  std::unique_ptr<GroupDecoder> decoder_;
};

}  // namespace perimeter::store
