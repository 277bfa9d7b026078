#include "store/row_group_encoder.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <numeric>

// Analysis hashes every row of most columns, mostly short strings: inlined, XXH3 costs less
// than the call to the shared library's.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/short_bytes.h"
#include "store/byte_coding.h"
#include "store/distinct_index.h"
#include "store/frame.h"
#include "store/int_encoding.h"
#include "store/message_template.h"
#include "store/text_forms.h"
#include "store/token_filter.h"

namespace perimeter::store {

namespace {

// Integer columns with more distinct values than this are stored as integer streams
// (bit-packed or delta), which are as small as a dictionary there and decode faster.
constexpr uint32_t kIntDictMax = 256;
// A column is a dictionary candidate while at most this fraction of its values are distinct.
constexpr uint32_t kDictDistinctDivisor = 2;
// Message blocks with more templates than present rows / this (or kMinTemplates) store the
// messages plain: the lines do not share structure.
constexpr uint32_t kTemplateRowsPerTemplate = 4;
constexpr uint32_t kMinTemplates = 16;

constexpr uint32_t kUnset = 0xfffffffeu;

// Whether row `a` of `x` and row `b` of `y` (columns of one type) hold the same value.
bool CrossEqual(const GatheredColumn& x, size_t a, const GatheredColumn& y, size_t b) {
  switch (x.key->type) {
    case ColumnType::kBool:
    case ColumnType::kInt:
    case ColumnType::kTimestamp:
      return x.ints[a] == y.ints[b];
    case ColumnType::kFloat:
      return std::bit_cast<uint64_t>(x.floats[a]) == std::bit_cast<uint64_t>(y.floats[b]);
    case ColumnType::kString:
    case ColumnType::kValue:
      return SameShortBytes(x.strings[a], y.strings[b]);
    case ColumnType::kNull:
      return true;
  }
  return false;
}

void PutPresence(const GatheredColumn& c, size_t rows, std::string* out) {
  if (c.present_count == rows) {
    out->push_back(static_cast<char>(kAllPresent));
    return;
  }
  out->push_back(static_cast<char>(kPresenceBitmap));
  size_t base = out->size();
  out->resize(base + (rows + 7) / 8, '\0');
  for (size_t r = 0; r < rows; ++r) {
    if (c.present[r]) (*out)[base + r / 8] |= static_cast<char>(1u << (r % 8));
  }
}

void PutDoubleBits(std::string* out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  PutFixed64(out, bits);
}

// The values of `c` in dictionary (rank) order.
std::vector<uint32_t> RankOrder(const GatheredColumn& c) {
  std::vector<uint32_t> order(c.rank.size());
  for (uint32_t code = 0; code < c.rank.size(); ++code) order[c.rank[code]] = code;
  return order;
}

}  // namespace

FrameRef RowGroupEncoder::PutFrame(std::string_view raw) {
  FrameRef ref;
  size_t start = out_->size();
  ref.offset = base_offset_ + start;
  AppendFrame(raw, out_);
  ref.size = out_->size() - start;
  return ref;
}

namespace {

// A column's cells of one kind, so that the analysis loop compares and hashes them without
// switching on the column type per row. The hash of a string is its XXH3, which message
// templates compare token hashes with (code_hash).
struct IntCells {
  const int64_t* v;
  bool Equal(size_t a, size_t b) const { return v[a] == v[b]; }
  uint64_t Hash(size_t r) const { return MixInt(static_cast<uint64_t>(v[r])); }
};
struct FloatCells {
  const double* v;
  uint64_t Bits(size_t r) const { return std::bit_cast<uint64_t>(v[r]); }
  bool Equal(size_t a, size_t b) const { return Bits(a) == Bits(b); }
  uint64_t Hash(size_t r) const { return MixInt(Bits(r)); }
};
struct ByteCells {
  const std::string_view* v;
  bool Equal(size_t a, size_t b) const { return SameShortBytes(v[a], v[b]); }
  uint64_t Hash(size_t r) const { return XXH3_64bits(v[r].data(), v[r].size()); }
};
struct NullCells {
  bool Equal(size_t, size_t) const { return true; }
  uint64_t Hash(size_t) const { return 0; }
};

void ClearCodes(GatheredColumn& c) {
  c.codes.clear();
  c.first_row.clear();
  c.code_hash.clear();
  c.counts.clear();
}

// Gives the present rows of `c` first-seen codes; false (and no codes) when the column has too
// many distinct values for a dictionary.
template <typename Cells>
bool AssignCodes(GatheredColumn& c, size_t rows, const Cells& cells) {
  uint32_t limit = std::max<uint32_t>(1, c.present_count / kDictDistinctDivisor);
  ClearCodes(c);
  c.codes.assign(rows, kNoCode);
  DistinctIndex index(std::min<size_t>(c.present_count, 4096));
  // A sample tells high-cardinality columns (messages, ports) early, before hashing them all.
  constexpr size_t kSampleRows = 1024;
  size_t seen = 0;
  size_t prev = rows;  // the previous present row
  for (size_t r = 0; r < rows; ++r) {
    if (!c.present[r]) continue;
    // Repeats of the previous row (constant fields, runs) skip the hash table.
    if (prev < rows && cells.Equal(prev, r)) {
      uint32_t code = c.codes[prev];
      ++c.counts[code];
      c.codes[r] = code;
      prev = r;
      ++seen;
      continue;
    }
    prev = r;
    if (++seen == kSampleRows && c.first_row.size() * 4 > kSampleRows * 3) {
      ClearCodes(c);
      return false;
    }
    uint64_t h = cells.Hash(r);
    bool inserted;
    uint32_t code = index.FindOrInsert(
        h, [&](uint32_t k) { return cells.Equal(c.first_row[k], r); }, &inserted);
    if (inserted) {
      if (code >= limit) {
        ClearCodes(c);
        return false;
      }
      c.first_row.push_back(static_cast<uint32_t>(r));
      c.code_hash.push_back(h);
      c.counts.push_back(0);
    }
    ++c.counts[code];
    c.codes[r] = code;
  }
  return true;
}

}  // namespace

void RowGroupEncoder::Analyze(GatheredColumn& c, size_t rows) {
  c.analyzed = false;
  if (c.present_count == 0) return;
  switch (c.key->type) {
    case ColumnType::kBool:
    case ColumnType::kInt:
      c.analyzed = AssignCodes(c, rows, IntCells{c.ints.data()});
      break;
    case ColumnType::kFloat:
      c.analyzed = AssignCodes(c, rows, FloatCells{c.floats.data()});
      break;
    case ColumnType::kString:
    case ColumnType::kValue:
      c.analyzed = AssignCodes(c, rows, ByteCells{c.strings.data()});
      break;
    case ColumnType::kNull:
      c.analyzed = AssignCodes(c, rows, NullCells{});
      break;
    case ColumnType::kTimestamp:
      break;
  }
}

void RowGroupEncoder::ChooseDictionaries(std::vector<GatheredColumn>& columns, size_t /*rows*/) {
  for (GatheredColumn& c : columns) {
    c.dict = false;
    c.determined_by = -1;
    c.same_as_key = false;
    if (!c.analyzed) continue;
    c.dict = c.key->type != ColumnType::kInt || c.first_row.size() <= kIntDictMax;
    // Every analyzed column gets a rank: dependents may be found for non-dict ones too.
    uint32_t n = static_cast<uint32_t>(c.first_row.size());
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return c.counts[a] > c.counts[b]; });
    c.rank.assign(n, 0);
    for (uint32_t r = 0; r < n; ++r) c.rank[order[r]] = r;
  }
}

void RowGroupEncoder::FindKeys(std::vector<GatheredColumn>& columns, size_t rows) {
  std::vector<size_t> order;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].analyzed && columns[i].first_row.size() >= 2) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return columns[a].first_row.size() > columns[b].first_row.size();
  });
  std::vector<uint32_t> map;
  for (size_t p = 1; p < order.size(); ++p) {
    GatheredColumn& x = columns[order[p]];
    for (size_t q = p; q-- > 0;) {
      const GatheredColumn& k = columns[order[q]];
      if (!k.dict) continue;
      size_t dk = k.first_row.size();
      if (dk + 1 > x.present_count / 2) break;  // keys only grow from here: no gain
      map.assign(dk + 1, kUnset);
      bool ok = true;
      for (size_t r = 0; r < rows; ++r) {
        uint32_t kc = k.codes[r] == kNoCode ? static_cast<uint32_t>(dk) : k.codes[r];
        uint32_t xc = x.codes[r];
        if (map[kc] == kUnset) {
          map[kc] = xc;
        } else if (map[kc] != xc) {
          ok = false;
          break;
        }
      }
      if (ok) {
        x.determined_by = static_cast<int>(order[q]);
        x.dict = true;
        // The same values under another name (geoip.ip = src_ip): store nothing at all.
        if (k.key->type == x.key->type && k.first_row.size() == x.first_row.size() &&
            (map[dk] == kUnset || map[dk] == kNoCode)) {
          bool same = true;
          for (size_t kc = 0; kc < dk && same; ++kc) {
            uint32_t xc = map[kc];
            same =
                xc != kNoCode && xc != kUnset && CrossEqual(x, x.first_row[xc], k, k.first_row[kc]);
          }
          x.same_as_key = same;
        }
        break;
      }
    }
  }
}

void RowGroupEncoder::EncodeDict(const std::vector<GatheredColumn>& columns,
                                 const GatheredColumn& c, size_t rows, EncodedBlock* block) {
  BlockMeta& m = block->meta;
  std::vector<uint32_t> order = RankOrder(c);
  uint32_t n = static_cast<uint32_t>(order.size());

  ValueForm form = ValueForm::kBytes;
  switch (c.key->type) {
    case ColumnType::kBool:
    case ColumnType::kInt:
    case ColumnType::kTimestamp:
      form = ValueForm::kInt;
      break;
    case ColumnType::kFloat:
      form = ValueForm::kFloat;
      break;
    case ColumnType::kNull:
      form = ValueForm::kNull;
      break;
    case ColumnType::kValue:
      form = ValueForm::kBytes;
      break;
    case ColumnType::kString: {
      bool all_ip = true, all_decimal = true;
      ips_.resize(n);
      for (uint32_t r = 0; r < n; ++r) {
        std::string_view s = c.strings[c.first_row[order[r]]];
        int64_t v;
        if (all_ip && !ParseCanonicalIp(s, &ips_[r])) all_ip = false;
        if (all_decimal && !ParseCanonicalDecimal(s, &v)) all_decimal = false;
        if (!all_ip && !all_decimal) break;
      }
      form = all_ip ? ValueForm::kIp : all_decimal ? ValueForm::kDecimal : ValueForm::kBytes;
      break;
    }
  }
  m.form = form;
  m.dictionary_size = n;

  if (c.same_as_key) {
    const GatheredColumn& k = columns[static_cast<size_t>(c.determined_by)];
    m.encoding = BlockEncoding::kSameAs;
    m.key_column = static_cast<int32_t>(k.part_column);
    data_.clear();
    PutPresence(c, rows, &data_);
    m.data = PutFrame(data_);
    return;
  }

  dict_.clear();
  dict_.push_back(static_cast<char>(form));
  PutVarint(&dict_, n);
  if (form == ValueForm::kIp) {
    // One bit per entry says IPv6, so IPv4 entries take their 4 bytes and nothing more.
    size_t base = dict_.size();
    dict_.resize(base + (n + 7) / 8, '\0');
    for (uint32_t r = 0; r < n; ++r) {
      if (!ips_[r].v4()) dict_[base + r / 8] |= static_cast<char>(1u << (r % 8));
    }
  }
  bool first = true;
  for (uint32_t r = 0; r < n; ++r) {
    uint32_t code = order[r];
    size_t row = c.first_row[code];
    switch (form) {
      case ValueForm::kInt: {
        int64_t v = c.ints[row];
        PutZigZag(&dict_, v);
        m.min_int = first ? v : std::min(m.min_int, v);
        m.max_int = first ? v : std::max(m.max_int, v);
        m.has_int_range = true;
        break;
      }
      case ValueForm::kFloat: {
        double v = c.floats[row];
        PutDoubleBits(&dict_, v);
        if (v == v) {
          m.min_float = m.has_float_range ? std::min(m.min_float, v) : v;
          m.max_float = m.has_float_range ? std::max(m.max_float, v) : v;
          m.has_float_range = true;
        }
        break;
      }
      case ValueForm::kDecimal: {
        int64_t v;
        ParseCanonicalDecimal(c.strings[row], &v);
        PutZigZag(&dict_, v);
        m.min_int = first ? v : std::min(m.min_int, v);
        m.max_int = first ? v : std::max(m.max_int, v);
        m.has_int_range = true;
        break;
      }
      case ValueForm::kIp: {
        const IpBytes& ip = ips_[r];
        if (ip.v4()) {
          dict_.append(reinterpret_cast<const char*>(ip.bytes + 12), 4);
        } else {
          dict_.append(reinterpret_cast<const char*>(ip.bytes), 16);
        }
        m.min_ip = first ? ip : std::min(m.min_ip, ip);
        m.max_ip = first ? ip : std::max(m.max_ip, ip);
        m.has_ip_range = true;
        break;
      }
      case ValueForm::kBytes:
        PutBytes(&dict_, c.strings[row]);
        break;
      case ValueForm::kNull:
        break;
    }
    first = false;
  }
  for (uint32_t code : order) PutVarint(&dict_, c.counts[code]);

  data_.clear();
  PutPresence(c, rows, &data_);
  if (c.determined_by >= 0) {
    const GatheredColumn& k = columns[static_cast<size_t>(c.determined_by)];
    size_t dk = k.first_row.size();
    std::vector<uint32_t> map(dk + 1, kUnset);
    for (size_t r = 0; r < rows; ++r) {
      uint32_t kc = k.codes[r] == kNoCode ? static_cast<uint32_t>(dk) : k.codes[r];
      map[kc] = c.codes[r];
    }
    std::vector<uint32_t> korder = RankOrder(k);
    PutVarint(&data_, dk + 1);
    for (size_t r = 0; r <= dk; ++r) {
      uint32_t xc = r < dk ? map[korder[r]] : map[dk];
      PutVarint(&data_, xc == kUnset || xc == kNoCode ? 0 : c.rank[xc] + 1);
    }
    m.encoding = BlockEncoding::kDependent;
    m.key_column = static_cast<int32_t>(k.part_column);
  } else {
    m.encoding = BlockEncoding::kDict;
    if (n > 1 && n <= kByteCodeMaxEntries) {
      for (size_t r = 0; r < rows; ++r) {
        if (c.present[r]) data_.push_back(static_cast<char>(c.rank[c.codes[r]]));
      }
    } else if (n > 1 && fixed_codes_) {
      // Fixed width decodes without a dependency from one code to the next (a varint's length
      // is as unpredictable as the data); zstd's entropy coder takes the width back.
      static_assert(kRowGroupRows <= 65536, "codes of a row group fit 16 bits");
      for (size_t r = 0; r < rows; ++r) {
        if (!c.present[r]) continue;
        uint32_t code = c.rank[c.codes[r]];
        data_.push_back(static_cast<char>(code & 0xff));
        data_.push_back(static_cast<char>(code >> 8));
      }
    } else if (n > 1) {
      size_t base = data_.size();
      data_.resize(base + c.present_count * kMaxVarintBytes);
      char* p = data_.data() + base;
      for (size_t r = 0; r < rows; ++r) {
        if (c.present[r]) p = EncodeVarint(p, c.rank[c.codes[r]]);
      }
      data_.resize(static_cast<size_t>(p - data_.data()));
    }
  }
  m.data = PutFrame(data_);
  m.dictionary = PutFrame(dict_);
}

void RowGroupEncoder::EncodePlain(const GatheredColumn& c, size_t rows, EncodedBlock* block) {
  BlockMeta& m = block->meta;
  m.encoding = BlockEncoding::kPlain;
  m.form = ValueForm::kBytes;
  data_.clear();
  PutPresence(c, rows, &data_);
  TokenFilterBuilder filter;
  bool want_filter = token_filters_ && c.key->type == ColumnType::kString;
  for (size_t r = 0; r < rows; ++r) {
    if (c.present[r]) PutVarint(&data_, c.strings[r].size());
  }
  for (size_t r = 0; r < rows; ++r) {
    if (!c.present[r]) continue;
    data_ += c.strings[r];
    if (want_filter) filter.AddText(c.strings[r]);
  }
  m.data = PutFrame(data_);
  if (want_filter) m.token_filter = PutFrame(filter.Finish());
}

namespace {

// The referenceable columns of a message block — strings and ints other than message columns —
// offered to the template encoder row by row. Texts of dictionary columns are hashed once per
// code; the full list is built only for lines that fit no recent template.
class CandidateFields final : public RowFields {
 public:
  CandidateFields(const std::vector<GatheredColumn>& columns, const GatheredColumn& message,
                  size_t part_columns) {
    by_column_.assign(part_columns, -1);
    for (const GatheredColumn& o : columns) {
      if (&o == &message || o.template_column) continue;
      if (o.key->type != ColumnType::kString && o.key->type != ColumnType::kInt) continue;
      Candidate& cand = candidates_.emplace_back();
      cand.col = &o;
      if (o.analyzed && o.key->type == ColumnType::kInt) {
        for (uint32_t row : o.first_row) {
          std::string t;
          AppendDecimal(o.ints[row], &t);
          cand.code_hash.push_back(XXH3_64bits(t.data(), t.size()));
          cand.code_text.push_back(std::move(t));
        }
      }
    }
    Index();
  }

  void SetRow(size_t row) {
    row_ = row;
    built_ = false;
  }
  // Stops offering columns no line referenced: most fields of an enriched event (geoip names,
  // coordinates) never appear in the line.
  void Prune(const TemplateEncoder& enc) {
    std::erase_if(candidates_,
                  [&](const Candidate& c) { return enc.references(c.col->part_column) == 0; });
    Index();
  }

  bool Text(uint32_t column, std::string_view* text) override {
    if (column >= by_column_.size() || by_column_[column] < 0) return false;
    return TextOf(candidates_[static_cast<size_t>(by_column_[column])], text);
  }

  std::span<const FieldText> All() override {
    if (built_) return fields_;
    fields_.clear();
    for (Candidate& cand : candidates_) {
      const GatheredColumn& o = *cand.col;
      FieldText f;
      if (!TextOf(cand, &f.text)) continue;
      if (f.text.size() < kMinReferenceBytes || f.text.size() > kMaxReferenceBytes) continue;
      f.column = o.part_column;
      if (o.analyzed) {
        f.hash = o.key->type == ColumnType::kString ? o.code_hash[o.codes[row_]]
                                                    : cand.code_hash[o.codes[row_]];
      } else {
        f.hash = XXH3_64bits(f.text.data(), f.text.size());
      }
      fields_.push_back(f);
    }
    built_ = true;
    return fields_;
  }

 private:
  struct Candidate {
    const GatheredColumn* col;
    std::vector<std::string> code_text;  // analyzed ints
    std::vector<uint64_t> code_hash;
    char buf[24];
  };
  bool TextOf(Candidate& cand, std::string_view* text) {
    const GatheredColumn& o = *cand.col;
    if (!o.present[row_]) return false;
    if (o.key->type == ColumnType::kString) {
      *text = o.strings[row_];
    } else if (o.analyzed) {
      *text = cand.code_text[o.codes[row_]];
    } else {
      auto res = std::to_chars(cand.buf, cand.buf + sizeof cand.buf, o.ints[row_]);
      *text = std::string_view(cand.buf, static_cast<size_t>(res.ptr - cand.buf));
    }
    return true;
  }
  void Index() {
    std::fill(by_column_.begin(), by_column_.end(), -1);
    for (size_t i = 0; i < candidates_.size(); ++i) {
      by_column_[candidates_[i].col->part_column] = static_cast<int>(i);
    }
  }

  std::vector<Candidate> candidates_;
  std::vector<int> by_column_;
  std::vector<FieldText> fields_;
  size_t row_ = 0;
  bool built_ = false;
};

}  // namespace

void RowGroupEncoder::EncodeTemplate(const std::vector<GatheredColumn>& columns,
                                     const GatheredColumn& c, size_t rows, EncodedBlock* block,
                                     bool* fell_back) {
  uint32_t part_columns = 0;
  for (const GatheredColumn& o : columns) part_columns = std::max(part_columns, o.part_column + 1);
  CandidateFields fields(columns, c, part_columns);
  TokenFilterBuilder filter;
  TemplateEncoder enc(token_filters_ ? &filter : nullptr);
  constexpr size_t kCandidateTrialRows = 1024;
  size_t added = 0;
  for (size_t r = 0; r < rows; ++r) {
    if (!c.present[r]) continue;
    if (added++ == kCandidateTrialRows) fields.Prune(enc);
    fields.SetRow(r);
    enc.Add(c.strings[r], fields);
  }
  if (enc.template_count() > std::max(kMinTemplates, c.present_count / kTemplateRowsPerTemplate)) {
    *fell_back = true;
    return;
  }
  BlockMeta& m = block->meta;
  m.encoding = BlockEncoding::kTemplate;
  m.form = ValueForm::kBytes;
  m.dictionary_size = static_cast<uint32_t>(enc.template_count());
  data_.clear();
  PutPresence(c, rows, &data_);
  enc.Finish(&dict_, &data_);
  m.data = PutFrame(data_);
  m.dictionary = PutFrame(dict_);
  if (token_filters_) m.token_filter = PutFrame(filter.Finish());
}

void RowGroupEncoder::EncodeColumn(std::vector<GatheredColumn>& columns, size_t index, size_t rows,
                                   EncodedBlock* block) {
  GatheredColumn& c = columns[index];
  block->part_column = c.part_column;
  BlockMeta& m = block->meta;
  m.present = c.present_count;
  if (c.dict) return EncodeDict(columns, c, rows, block);

  ColumnType type = c.key->type;
  if (HasIntSlots(type) || type == ColumnType::kString) {
    std::vector<int64_t> values;
    values.reserve(c.present_count);
    bool ints_ok = true;
    for (size_t r = 0; r < rows && ints_ok; ++r) {
      if (!c.present[r]) continue;
      if (type == ColumnType::kString) {
        int64_t v;
        ints_ok = ParseCanonicalDecimal(c.strings[r], &v);
        values.push_back(v);
      } else {
        values.push_back(c.ints[r]);
      }
    }
    if (ints_ok) {
      m.encoding = BlockEncoding::kInt;
      m.form = type == ColumnType::kString ? ValueForm::kDecimal : ValueForm::kInt;
      if (!values.empty()) {
        auto [mn, mx] = std::minmax_element(values.begin(), values.end());
        m.has_int_range = true;
        m.min_int = *mn;
        m.max_int = *mx;
      }
      data_.clear();
      PutPresence(c, rows, &data_);
      EncodeInts(values, &data_);
      m.data = PutFrame(data_);
      return;
    }
  }
  if (type == ColumnType::kFloat) {
    m.encoding = BlockEncoding::kFloat;
    m.form = ValueForm::kFloat;
    data_.clear();
    PutPresence(c, rows, &data_);
    for (size_t r = 0; r < rows; ++r) {
      if (!c.present[r]) continue;
      double v = c.floats[r];
      PutDoubleBits(&data_, v);
      if (v == v) {
        m.min_float = m.has_float_range ? std::min(m.min_float, v) : v;
        m.max_float = m.has_float_range ? std::max(m.max_float, v) : v;
        m.has_float_range = true;
      }
    }
    m.data = PutFrame(data_);
    return;
  }
  if (c.template_column && type == ColumnType::kString) {
    bool fell_back = false;
    EncodeTemplate(columns, c, rows, block, &fell_back);
    if (!fell_back) return;
  }
  EncodePlain(c, rows, block);
}

void RowGroupEncoder::Encode(std::vector<GatheredColumn>& columns, size_t rows,
                             uint64_t base_offset, std::string* out,
                             std::vector<EncodedBlock>* blocks) {
  base_offset_ = base_offset;
  out_ = out;
  for (GatheredColumn& c : columns) Analyze(c, rows);
  ChooseDictionaries(columns, rows);
  FindKeys(columns, rows);
  blocks->clear();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].present_count == 0) continue;
    EncodedBlock& b = blocks->emplace_back();
    EncodeColumn(columns, i, rows, &b);
  }
}

}  // namespace perimeter::store
