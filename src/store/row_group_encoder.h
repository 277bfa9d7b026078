// RowGroupEncoder: turns one row group's columns into block frames — picks each column's
// encoding (dictionary, dependent, integer stream, float, plain, message template), finds
// columns that are functions of others, and builds dictionaries, summaries and token filters.
// Used by PartWriter; one instance per writer, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/part_meta.h"
#include "store/row_set.h"

namespace perimeter::store {

// One column's values in one row group, in row order (views into the source RowSets).
struct GatheredColumn {
  uint32_t part_column = 0;
  const ColumnKey* key = nullptr;
  bool template_column = false;  // encode as message templates when it pays
  std::vector<uint8_t> present;  // per row
  uint32_t present_count = 0;
  std::vector<int64_t> ints;              // HasIntSlots: per row
  std::vector<double> floats;             // kFloat: per row
  std::vector<std::string_view> strings;  // HasByteSlots: per row

  // Filled by the encoder's analysis: first-seen codes when the column repeats enough.
  bool analyzed = false;
  std::vector<uint32_t> codes;      // per row; kNoCode when absent
  std::vector<uint32_t> first_row;  // per code: a row holding it
  std::vector<uint64_t> code_hash;  // per code
  std::vector<uint64_t> counts;     // per code
  std::vector<uint32_t> rank;       // per code: its place in the count-ordered dictionary
  bool dict = false;                // encoded as a dictionary (kDict or kDependent)
  int determined_by = -1;           // index (in the gathered vector) of the determining column
  bool same_as_key = false;         // ... and every row holds exactly the key's value
};

constexpr uint32_t kNoCode = 0xffffffffu;

struct EncodedBlock {
  uint32_t part_column;
  BlockMeta meta;
};

class RowGroupEncoder {
 public:
  // `fixed_codes`: codes into dictionaries of more than kByteCodeMaxEntries entries as 16-bit
  // integers (part format 2) instead of varints (format 1).
  RowGroupEncoder(bool token_filters, bool fixed_codes)
      : token_filters_(token_filters), fixed_codes_(fixed_codes) {}

  // Encodes `columns` (rows each), appending frames to `out`; frame offsets in the metadata are
  // `base_offset` + position in `out`.
  void Encode(std::vector<GatheredColumn>& columns, size_t rows, uint64_t base_offset,
              std::string* out, std::vector<EncodedBlock>* blocks);

 private:
  void Analyze(GatheredColumn& c, size_t rows);
  void ChooseDictionaries(std::vector<GatheredColumn>& columns, size_t rows);
  void FindKeys(std::vector<GatheredColumn>& columns, size_t rows);
  void EncodeColumn(std::vector<GatheredColumn>& columns, size_t index, size_t rows,
                    EncodedBlock* block);
  void EncodeDict(const std::vector<GatheredColumn>& columns, const GatheredColumn& c, size_t rows,
                  EncodedBlock* block);
  void EncodeTemplate(const std::vector<GatheredColumn>& columns, const GatheredColumn& c,
                      size_t rows, EncodedBlock* block, bool* fell_back);
  void EncodePlain(const GatheredColumn& c, size_t rows, EncodedBlock* block);
  FrameRef PutFrame(std::string_view raw);

  bool token_filters_;
  bool fixed_codes_;
  uint64_t base_offset_ = 0;
  std::string* out_ = nullptr;
  std::string data_, dict_;   // scratch
  std::vector<IpBytes> ips_;  // scratch: parsed IP dictionary entries
};

}  // namespace perimeter::store
