#include "query/column_cells.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "store/text_forms.h"
#include "store/value_codec.h"

namespace perimeter::query {

using store::ColumnBlock;
using store::ColumnType;

bool CellsAreCodes(const ColumnBlock& b) {
  if (b.codes.empty()) return false;
  switch (b.type) {
    case ColumnType::kInt:
    case ColumnType::kTimestamp:
    case ColumnType::kBool:
      return !b.int_dictionary.empty();
    case ColumnType::kFloat:
      return !b.float_dictionary.empty();
    case ColumnType::kString:
    case ColumnType::kValue:
      return b.dictionary_distinct;
    case ColumnType::kNull:
      return false;
  }
  return false;
}

size_t CellCount(const ColumnBlock& b) {
  if (!CellsAreCodes(b)) return b.rows;
  if (b.type == ColumnType::kString || b.type == ColumnType::kValue) return b.dictionary.size();
  if (b.type == ColumnType::kFloat) return b.float_dictionary.size();
  return b.int_dictionary.size();
}

Value CellValue(const ColumnBlock& b, bool by_code, uint32_t cell) {
  if (!by_code) return b.ValueAt(cell);
  switch (b.type) {
    case ColumnType::kBool:
      return Value(b.int_dictionary[cell] != 0);
    case ColumnType::kInt:
      return Value(b.int_dictionary[cell]);
    case ColumnType::kTimestamp:
      return Value(Timestamp(b.int_dictionary[cell]));
    case ColumnType::kFloat:
      return Value(b.float_dictionary[cell]);
    case ColumnType::kString:
      return Value(b.dictionary[cell]);
    case ColumnType::kValue: {
      auto v = store::DecodeValueBlob(b.dictionary[cell]);
      return v.ok() ? std::move(v).value() : Value();
    }
    case ColumnType::kNull:
      return Value();
  }
  return Value();
}

void ForEachValueKey(const Value& v, std::string* scratch,
                     const std::function<void(std::string_view)>& fn) {
  if (!v.is_array()) {
    scratch->clear();
    if (AppendScalarKey(v, scratch)) fn(*scratch);
    return;
  }
  // A document counts once per distinct element.
  std::vector<std::string> keys;
  ForEachScalar(v, [&](const Value& e) {
    std::string k;
    if (AppendScalarKey(e, &k)) keys.push_back(std::move(k));
  });
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const std::string& k : keys) fn(k);
}

void ForEachCellKey(const ColumnBlock& b, bool by_code, uint32_t cell, std::string* scratch,
                    const std::function<void(std::string_view)>& fn) {
  scratch->clear();
  switch (b.type) {
    case ColumnType::kNull:
      return;
    case ColumnType::kBool:
      AppendBoolKey((by_code ? b.int_dictionary[cell] : b.ints[cell]) != 0, scratch);
      break;
    case ColumnType::kInt:
      AppendIntKey(by_code ? b.int_dictionary[cell] : b.ints[cell], scratch);
      break;
    case ColumnType::kTimestamp:
      AppendTimestampKey(by_code ? b.int_dictionary[cell] : b.ints[cell], scratch);
      break;
    case ColumnType::kFloat:
      AppendFloatKey(by_code ? b.float_dictionary[cell] : b.floats[cell], scratch);
      break;
    case ColumnType::kString:
      scratch->push_back('s');
      if (by_code) {
        scratch->append(b.dictionary[cell]);
      } else if (b.HasDictionary()) {
        scratch->append(b.dictionary[b.codes[cell]]);
      } else {
        store::AppendDecimal(b.ints[cell], scratch);
      }
      break;
    case ColumnType::kValue:
      ForEachValueKey(CellValue(b, by_code, cell), scratch, fn);
      return;
  }
  fn(*scratch);
}

void ForEachValueNumber(const Value& v, const std::function<void(double)>& fn) {
  ForEachScalar(v, [&](const Value& e) {
    if (auto n = NumberOf(e)) fn(*n);
  });
}

void ForEachCellNumber(const ColumnBlock& b, bool by_code, uint32_t cell,
                       const std::function<void(double)>& fn) {
  switch (b.type) {
    case ColumnType::kNull:
    case ColumnType::kBool:
      return;
    case ColumnType::kInt:
      fn(static_cast<double>(by_code ? b.int_dictionary[cell] : b.ints[cell]));
      return;
    case ColumnType::kTimestamp:
      fn(static_cast<double>(Timestamp(by_code ? b.int_dictionary[cell] : b.ints[cell]).millis()));
      return;
    case ColumnType::kFloat: {
      double d = by_code ? b.float_dictionary[cell] : b.floats[cell];
      if (std::isfinite(d)) fn(d);
      return;
    }
    case ColumnType::kString:
      if (!by_code && !b.HasDictionary()) {
        fn(static_cast<double>(b.ints[cell]));  // a canonical decimal
        return;
      }
      if (auto n = NumberOfText(by_code ? b.dictionary[cell] : b.dictionary[b.codes[cell]])) fn(*n);
      return;
    case ColumnType::kValue:
      ForEachValueNumber(CellValue(b, by_code, cell), fn);
      return;
  }
}

void ForEachValueTimestamp(const Value& v, const std::function<void(int64_t)>& fn) {
  if (v.is_timestamp()) {
    fn(v.as_timestamp().nanos());
    return;
  }
  if (!v.is_array()) return;
  std::vector<int64_t> seen;
  for (const Value& e : v.as_array()) {
    if (e.is_timestamp()) seen.push_back(e.as_timestamp().nanos());
  }
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  for (int64_t t : seen) fn(t);
}

void ForEachCellTimestamp(const ColumnBlock& b, bool by_code, uint32_t cell,
                          const std::function<void(int64_t)>& fn) {
  if (b.type == ColumnType::kTimestamp) {
    fn(by_code ? b.int_dictionary[cell] : b.ints[cell]);
  } else if (b.type == ColumnType::kValue) {
    ForEachValueTimestamp(CellValue(b, by_code, cell), fn);
  }
}

}  // namespace perimeter::query
