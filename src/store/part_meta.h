// The metadata of a part (its footer, part_format.h): ids, row groups with per-minute counts,
// columns, and per column per row group the block metadata the query engine prunes with.
// Plain values; immutable once a Part holds them, so shareable between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/part_format.h"
#include "store/row_set.h"
#include "store/text_forms.h"

namespace perimeter::store {

struct FrameRef {
  uint64_t offset = 0;
  uint64_t size = 0;  // 0 = no frame
  bool empty() const { return size == 0; }
};

struct BlockMeta {
  uint32_t present = 0;  // rows of the group that have a value
  BlockEncoding encoding = BlockEncoding::kDict;
  ValueForm form = ValueForm::kBytes;
  FrameRef data;
  FrameRef dictionary;           // dict, dependent, template
  FrameRef token_filter;         // template and plain strings
  uint32_t dictionary_size = 0;  // entries (templates for kTemplate)
  int32_t key_column = -1;       // kDependent: the column whose codes this one's follow

  // Min/max of the present values: ints, timestamps, bools and decimal strings in the int
  // fields, floats in the float fields, IP strings in the ip fields.
  bool has_int_range = false;
  int64_t min_int = 0, max_int = 0;
  bool has_float_range = false;
  double min_float = 0, max_float = 0;
  bool has_ip_range = false;
  IpBytes min_ip, max_ip;
};

struct RowGroupMeta {
  uint32_t rows = 0;
  uint64_t first_row = 0;          // of the part (sum of earlier groups' rows)
  int64_t min_ts = 0, max_ts = 0;  // @timestamp, ns
  // Events per UTC minute: minute_counts[i] is minute first_minute + i (minutes since epoch).
  int64_t first_minute = 0;
  std::vector<uint32_t> minute_counts;
};

struct ColumnMeta {
  ColumnKey key;
  std::string name;                              // dotted
  std::vector<std::optional<BlockMeta>> blocks;  // one per row group; nullopt = absent
  FrameRef distinct_sketch;                      // over the whole part (part_format.h); or none
};

struct PartMeta {
  uint64_t part_id = 0;
  int64_t day = 0;  // days since 1970-01-01 (UTC)
  uint64_t rows = 0;
  int64_t min_ts = 0, max_ts = 0;
  uint64_t max_lsn = 0;
  uint64_t raw_bytes = 0;
  std::vector<uint64_t> replaces;
  std::vector<RowGroupMeta> groups;
  std::vector<ColumnMeta> columns;
};

// The footer as kPartVersion writes it; decoding takes the version of the file (a version 1
// footer has no sketch section).
std::string EncodePartMeta(const PartMeta& meta, uint32_t version = kPartVersion);
Status DecodePartMeta(std::string_view bytes, uint32_t version, PartMeta* meta);

// "2024-05-03" for a day number, and back (nullopt when malformed).
std::string DayName(int64_t day);
std::optional<int64_t> ParseDayName(std::string_view name);
inline int64_t DayOf(int64_t ts_nanos) {
  constexpr int64_t kNanosPerDay = 86'400'000'000'000;
  return ts_nanos >= 0 ? ts_nanos / kNanosPerDay : -((-ts_nanos + kNanosPerDay - 1) / kNanosPerDay);
}

}  // namespace perimeter::store
