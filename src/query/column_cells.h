// Reading the values of a decoded column block the way aggregations see them. A block is read
// by *cell*: a dictionary entry when the block is dictionary-coded (so work per distinct value
// is done once and cached by code), else a row. Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "query/bucket_key.h"
#include "query/geo_tile.h"
#include "store/column_block.h"

namespace perimeter::query {

// True when cells are dictionary codes (codes[row]); false when cells are rows.
bool CellsAreCodes(const store::ColumnBlock& b);
// Number of cells (dictionary entries, or rows).
size_t CellCount(const store::ColumnBlock& b);
// The cell of a row, or kAbsentCode when the row has no value in this block.
inline uint32_t CellOfRow(const store::ColumnBlock& b, bool by_code, uint32_t row) {
  if (!b.present[row]) return store::ColumnBlock::kAbsentCode;
  return by_code ? b.codes[row] : row;
}
// The cell's value as the event had it.
Value CellValue(const store::ColumnBlock& b, bool by_code, uint32_t cell);

// Calls fn(std::string_view key) for each distinct bucket key of the cell (arrays may give
// several; null and objects none). `scratch` holds the key bytes.
void ForEachCellKey(const store::ColumnBlock& b, bool by_code, uint32_t cell, std::string* scratch,
                    const std::function<void(std::string_view)>& fn);
// Same, from a value (dictionary summaries and decoded events).
void ForEachValueKey(const Value& v, std::string* scratch,
                     const std::function<void(std::string_view)>& fn);

// The numbers `stats` takes from the cell (query/bucket_key.h NumberOf; arrays give several).
void ForEachCellNumber(const store::ColumnBlock& b, bool by_code, uint32_t cell,
                       const std::function<void(double)>& fn);
void ForEachValueNumber(const Value& v, const std::function<void(double)>& fn);

// The timestamps (ns) a date_histogram takes from the cell: timestamp values (arrays give
// several, distinct).
void ForEachCellTimestamp(const store::ColumnBlock& b, bool by_code, uint32_t cell,
                          const std::function<void(int64_t)>& fn);
void ForEachValueTimestamp(const Value& v, const std::function<void(int64_t)>& fn);

}  // namespace perimeter::query
