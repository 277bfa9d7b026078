// Visiting the value of a field in each row of a batch, for aggregators: column by column
// (cells, see column_cells.h), or, in groups where the field is ambiguous (group_data.h), as
// values looked up in decoded events. Header-only templates (the per-row callbacks inline);
// stateless, each call touches only the GroupData it is given.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "query/aggregator.h"
#include "query/column_cells.h"
#include "query/event_matcher.h"
#include "query/group_data.h"

namespace perimeter::query {

// on_block(const ColumnBlock&, bool by_code) before the rows of each value column;
// on_cell(size_t batch_index, uint32_t cell) for each row with a value in that column;
// on_value(size_t batch_index, const Value* value_or_null) instead, for ambiguous groups.
template <typename OnBlock, typename OnCell, typename OnValue>
Status VisitField(GroupData& data, const std::string& field, const RowBatch& batch,
                  OnBlock&& on_block, OnCell&& on_cell, OnValue&& on_value) {
  const FieldColumns& f = data.columns().Field(field);
  if (f.ambiguous) {
    ASSIGN_OR_RETURN(const std::vector<Event>* events, data.Events());
    for (size_t i = 0; i < batch.rows.size(); ++i) {
      on_value(i, LookupDotted((*events)[batch.rows[i]], field));
    }
    return Status::OK();
  }
  for (size_t c : f.values) {
    if (data.block_meta(c) == nullptr) continue;
    if (data.part().column(c).key.type == store::ColumnType::kNull) continue;
    ASSIGN_OR_RETURN(const store::ColumnBlock* b, data.Block(c));
    bool by_code = CellsAreCodes(*b);
    on_block(*b, by_code);
    for (size_t i = 0; i < batch.rows.size(); ++i) {
      uint32_t cell = CellOfRow(*b, by_code, batch.rows[i]);
      if (cell != store::ColumnBlock::kAbsentCode) on_cell(i, cell);
    }
  }
  return Status::OK();
}

// For CollectWhole: the field's non-null value columns in the group, when every one of them
// has a dictionary (else false: the rows must be read).
inline bool WholeFieldDictionaries(GroupData& data, const std::string& field,
                                   std::vector<size_t>* columns) {
  const FieldColumns& f = data.columns().Field(field);
  if (f.ambiguous) return false;
  columns->clear();
  for (size_t c : f.values) {
    if (data.block_meta(c) == nullptr) continue;
    if (data.part().column(c).key.type == store::ColumnType::kNull) continue;
    if (!data.HasValueDictionary(c)) return false;
    columns->push_back(c);
  }
  return true;
}

// The field's value columns in the group when each is a string column with a dictionary
// (dict, dependent or same-as block): their rows can be counted by code (GroupData::Codes) and
// only the codes kept rendered as text (GroupData::Texts). False when the field is ambiguous or
// a column is of another kind.
inline bool StringDictionaryColumns(GroupData& data, const std::string& field,
                                    std::vector<size_t>* columns) {
  const FieldColumns& f = data.columns().Field(field);
  if (f.ambiguous) return false;
  columns->clear();
  for (size_t c : f.values) {
    const store::BlockMeta* m = data.block_meta(c);
    if (m == nullptr) continue;
    if (data.part().column(c).key.type != store::ColumnType::kString) return false;
    if (!data.HasValueDictionary(c)) return false;
    columns->push_back(c);
  }
  return true;
}

}  // namespace perimeter::query
