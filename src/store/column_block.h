// ColumnBlock: one column of one row group, decoded into typed vectors for the query engine;
// BlockDictionary: a block's dictionary and counts, read without decoding any row.
// Plain values owned by the caller.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "store/part_format.h"
#include "store/row_set.h"
#include "store/text_forms.h"

namespace perimeter::store {

// What the vectors hold, by column type (every per-row vector has `rows` entries):
//   int, timestamp, bool  `ints` per row (0 when absent); dictionary blocks also fill `codes`,
//                         `int_dictionary` and `counts`.
//   float                 `floats` per row; dictionary blocks also `codes`,
//                         `float_dictionary`, `counts`.
//   string, value         `codes` per row (kAbsentCode when absent) into `dictionary`.
//                         Dictionary blocks: distinct entries, ordered by descending count, with
//                         `counts`. Plain and template blocks: one entry per present row in row
//                         order (`dictionary_distinct` false, no counts). IP strings also fill
//                         `ip_dictionary`. Decimal strings ("51955", form kDecimal) fill `ints`;
//                         an integer-stream block of them has no codes or dictionary at all
//                         (HasDictionary() false): use `ints`, or AppendText/ValueAt.
//   null                  `present` only.
struct ColumnBlock {
  static constexpr uint32_t kAbsentCode = 0xffffffffu;

  ColumnType type = ColumnType::kNull;
  BlockEncoding encoding = BlockEncoding::kDict;
  ValueForm form = ValueForm::kBytes;
  uint32_t rows = 0;
  std::vector<uint8_t> present;  // per row, 1 when the row has a value
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<uint32_t> codes;
  std::vector<std::string> dictionary;
  bool dictionary_distinct = true;
  std::vector<int64_t> int_dictionary;
  std::vector<double> float_dictionary;
  std::vector<IpBytes> ip_dictionary;
  std::vector<uint64_t> counts;

  bool Has(size_t row) const { return present[row] != 0; }
  bool HasDictionary() const { return !codes.empty(); }
  // The string of a string/value column at `row` ("" when absent); HasDictionary() only.
  std::string_view StringAt(size_t row) const {
    return codes[row] == kAbsentCode ? std::string_view()
                                     : std::string_view(dictionary[codes[row]]);
  }
  // The value as the event had it (null when absent).
  Value ValueAt(size_t row) const;
  // The text of a string or int column at `row` (what a message template refers to); false
  // when absent or of another type.
  bool AppendText(size_t row, std::string* out) const;
};

// The entries of a string block's dictionary as text, each rendered only when asked: a top-k
// or a distinct count over some of a group's rows needs a few of its tens of thousands of
// addresses. For a value column, the entries are value blobs (value_codec.h). Made by
// GroupReader::Texts; immutable.
class DictionaryTexts {
 public:
  size_t size() const { return counts_.size(); }
  // Appends entry `i`'s text (i < size()).
  void AppendText(uint32_t i, std::string* out) const;
  // Entry `i` in place (kBytes form only: strings, value blobs).
  std::string_view Bytes(uint32_t i) const {
    return std::string_view(raw_).substr(entries_[i].offset, entries_[i].size);
  }
  uint64_t count(uint32_t i) const { return counts_[i]; }  // rows holding entry `i`

 private:
  friend class GroupDecoder;
  struct Entry {
    uint32_t offset = 0;  // in raw_ (kBytes, kIp)
    uint32_t size = 0;    // bytes (kBytes), 4 or 16 (kIp)
  };
  ValueForm form_ = ValueForm::kBytes;
  std::string raw_;                // the dictionary frame
  std::vector<Entry> entries_;     // kBytes, kIp
  std::vector<int64_t> decimals_;  // kDecimal: the values
  std::vector<uint64_t> counts_;
};

struct BlockDictionary {
  ValueForm form = ValueForm::kBytes;
  // Dictionary entries as values (ints, floats, strings; value blobs decoded), or the template
  // texts of a template block (escapes left in).
  std::vector<Value> values;
  std::vector<uint64_t> counts;  // rows per entry (per template)
};

}  // namespace perimeter::store
