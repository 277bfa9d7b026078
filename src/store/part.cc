#include "store/part.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "store/byte_coding.h"
#include "store/frame.h"
#include "store/int_encoding.h"
#include "store/message_template.h"
#include "store/part_format.h"
#include "store/token_filter.h"
#include "store/value_codec.h"

namespace perimeter::store {

Value ColumnBlock::ValueAt(size_t row) const {
  if (!present[row]) return Value();
  switch (type) {
    case ColumnType::kNull:
      return Value();
    case ColumnType::kBool:
      return Value(ints[row] != 0);
    case ColumnType::kInt:
      return Value(ints[row]);
    case ColumnType::kTimestamp:
      return Value(Timestamp(ints[row]));
    case ColumnType::kFloat:
      return Value(floats[row]);
    case ColumnType::kString: {
      std::string s;
      AppendText(row, &s);
      return Value(std::move(s));
    }
    case ColumnType::kValue: {
      auto v = DecodeValueBlob(StringAt(row));
      return v.ok() ? std::move(v).value() : Value();
    }
  }
  return Value();
}

bool ColumnBlock::AppendText(size_t row, std::string* out) const {
  if (!present[row]) return false;
  if (type == ColumnType::kString) {
    if (HasDictionary()) {
      out->append(StringAt(row));
    } else {
      AppendDecimal(ints[row], out);
    }
    return true;
  }
  if (type == ColumnType::kInt) {
    AppendDecimal(ints[row], out);
    return true;
  }
  return false;
}

// Decodes the blocks of one row group, each at most once, following dependencies (a dependent
// column's key, a template's referenced columns). GroupReader's implementation.
class GroupDecoder {
 public:
  GroupDecoder(const Part& part, size_t group)
      : part_(part),
        group_(group),
        blocks_(part.column_count()),
        code_blocks_(part.column_count()),
        busy_(part.column_count(), 0) {}

  // The decoded block of column `c`.
  Result<const ColumnBlock*> Get(size_t c) { return GetImpl(c, false); }
  // A block with presence and dictionary codes only (what a dependent column needs of its
  // key): no dictionary is read, which makes keys with large dictionaries cheap.
  Result<const ColumnBlock*> GetCodes(size_t c) { return GetImpl(c, true); }
  std::unique_ptr<ColumnBlock> Take(size_t c) { return std::move(blocks_[c]); }
  Result<GroupReader::Dependent> ReadDependent(size_t c);
  Result<const DictionaryTexts*> Texts(size_t c);
  // A dependent block's code per key code (the last entry: rows without a key) and its key;
  // kept, as columns of one place share them (country and location both of the city).
  struct DependentMap {
    std::vector<uint32_t> map;
    size_t key = 0;
  };
  Result<const DependentMap*> ReadDependentMap(size_t c);

 private:
  Result<const ColumnBlock*> GetImpl(size_t c, bool codes_only) {
    if (c >= blocks_.size()) return Status::Corruption("column reference out of range");
    if (blocks_[c]) return blocks_[c].get();
    if (codes_only && code_blocks_[c]) return code_blocks_[c].get();
    if (!codes_only && code_blocks_[c]) {
      // The codes were decoded for a dependent column: add the dictionary to them.
      const BlockMeta* m = part_.block(c, group_);
      if (m != nullptr &&
          (m->encoding == BlockEncoding::kDict || m->encoding == BlockEncoding::kDependent)) {
        std::unique_ptr<ColumnBlock> block = std::move(code_blocks_[c]);
        RETURN_IF_ERROR(DecodeDictionary(c, *m, block.get()));
        ExpandCodesOf(block.get());
        blocks_[c] = std::move(block);
        return blocks_[c].get();
      }
    }
    if (busy_[c]) return Status::Corruption("columns of a part depend on each other in a cycle");
    busy_[c] = 1;
    auto block = std::make_unique<ColumnBlock>();
    Status s = Decode(c, block.get(), codes_only);
    busy_[c] = 0;
    if (!s.ok()) return s;
    auto& slot = codes_only ? code_blocks_[c] : blocks_[c];
    slot = std::move(block);
    return slot.get();
  }
  std::string What(size_t c, std::string_view frame) const {
    return part_.path() + ": column " + part_.column(c).name + " group " + std::to_string(group_) +
           " " + std::string(frame);
  }
  Status Decode(size_t c, ColumnBlock* out, bool codes_only);
  Status DecodeDictionary(size_t c, const BlockMeta& m, ColumnBlock* out);
  // Reads a dependent block's map from `in` (after the presence section): one code per key
  // code, the last for rows without a key, kAbsentCode where the row has no value. `expected`:
  // the entry count the key's dictionary asks for (0: any but none).
  Status ReadDependentCodes(size_t c, const BlockMeta& m, uint64_t expected, ByteReader* in,
                            std::vector<uint32_t>* map);
  static void ExpandCodesOf(ColumnBlock* b);

  const Part& part_;
  size_t group_;
  std::vector<std::unique_ptr<ColumnBlock>> blocks_;
  std::vector<std::unique_ptr<ColumnBlock>> code_blocks_;
  std::vector<uint8_t> busy_;
  std::vector<std::unique_ptr<DictionaryTexts>> texts_;        // by column, made when asked
  std::vector<std::unique_ptr<DependentMap>> dependent_maps_;  // by column, made when asked
};

namespace {

Status ParseDictionary(std::string_view raw, ColumnType type, ValueForm expected,
                       uint32_t n_expected, ColumnBlock* out) {
  ByteReader in(raw);
  uint8_t form = in.Byte();
  uint64_t n = in.BoundedVarint(std::min<uint64_t>(in.remaining(), UINT32_MAX));
  if (!in.ok() || form != static_cast<uint8_t>(expected) || n != n_expected) {
    return Status::Corruption("dictionary header does not match the block metadata");
  }
  switch (expected) {
    case ValueForm::kInt:
      out->int_dictionary.resize(n);
      for (int64_t& v : out->int_dictionary) v = in.ZigZagVarint();
      break;
    case ValueForm::kFloat:
      out->float_dictionary.resize(n);
      for (double& v : out->float_dictionary) v = in.Double();
      break;
    case ValueForm::kBytes:
      out->dictionary.resize(n);
      for (std::string& s : out->dictionary) s = in.Bytes();
      break;
    case ValueForm::kDecimal:
      out->dictionary.resize(n);
      out->int_dictionary.resize(n);
      for (size_t i = 0; i < n; ++i) {
        out->int_dictionary[i] = in.ZigZagVarint();
        AppendDecimal(out->int_dictionary[i], &out->dictionary[i]);
      }
      break;
    case ValueForm::kIp: {
      out->dictionary.resize(n);
      out->ip_dictionary.resize(n);
      std::string_view v6 = in.Raw((n + 7) / 8);
      for (size_t i = 0; i < n && in.ok(); ++i) {
        IpBytes& ip = out->ip_dictionary[i];
        if ((static_cast<uint8_t>(v6[i / 8]) >> (i % 8)) & 1) {
          std::string_view b = in.Raw(16);
          if (!in.ok()) break;
          std::memcpy(ip.bytes, b.data(), 16);
        } else {
          std::string_view b = in.Raw(4);
          if (!in.ok()) break;
          ip.bytes[10] = ip.bytes[11] = 0xff;
          std::memcpy(ip.bytes + 12, b.data(), 4);
        }
        AppendIpText(ip, &out->dictionary[i]);
      }
      break;
    }
    case ValueForm::kNull:
      break;
  }
  out->counts.resize(n);
  for (uint64_t& c : out->counts) c = in.Varint();
  if (!in.ok() || !in.empty()) return Status::Corruption("dictionary frame is malformed");
  (void)type;
  return Status::OK();
}

// Decodes `n` varints from [p, end), calling put(i, value) for each; returns the position after
// them (nullptr when they run past the end) and their largest value in `*max`. Without a branch
// per value while four bytes remain: dictionary codes are below kRowGroupRows (at most 3 bytes)
// and whether the next takes 1, 2 or 3 bytes is unpredictable (frequent values have small
// codes). This loop is most of a filtered query's cost on a large dictionary (source
// addresses).
template <typename Put>
const char* DecodeCodes(const char* p, const char* const end, size_t n, uint64_t* max, Put&& put) {
  uint64_t largest = 0;
  size_t i = 0;
  for (; i < n && end - p >= 4; ++i) {
    uint32_t w = LoadFixed32(p);
    uint32_t c1 = (w >> 7) & 1, c2 = c1 & (w >> 15), c3 = c2 & (w >> 23);
    if (c3) break;  // a fourth byte: the general decoder below takes it
    uint32_t v =
        (w & 0x7f) | ((w >> 1) & (0x7fu << 7) & (0u - c1)) | ((w >> 2) & (0x7fu << 14) & (0u - c2));
    p += 1 + c1 + c2;
    largest = std::max<uint64_t>(largest, v);
    put(i, v);
  }
  for (; i < n; ++i) {
    uint64_t v;
    p = DecodeVarint(p, end, &v);
    if (p == nullptr) return nullptr;
    largest = std::max(largest, v);
    put(i, v);
  }
  *max = largest;
  return p;
}

// Fills the per-row vectors of a dictionary-coded block from its per-row codes.
void ExpandCodes(ColumnBlock* b) {
  size_t rows = b->rows;
  if (!b->int_dictionary.empty() || (HasIntSlots(b->type) && b->form == ValueForm::kInt)) {
    b->ints.assign(rows, 0);
    for (size_t r = 0; r < rows; ++r) {
      if (b->codes[r] != ColumnBlock::kAbsentCode) b->ints[r] = b->int_dictionary[b->codes[r]];
    }
  }
  if (b->type == ColumnType::kFloat) {
    b->floats.assign(rows, 0);
    for (size_t r = 0; r < rows; ++r) {
      if (b->codes[r] != ColumnBlock::kAbsentCode) b->floats[r] = b->float_dictionary[b->codes[r]];
    }
  }
}

}  // namespace

void GroupDecoder::ExpandCodesOf(ColumnBlock* b) { ExpandCodes(b); }

Status GroupDecoder::DecodeDictionary(size_t c, const BlockMeta& m, ColumnBlock* out) {
  if (m.dictionary.empty()) return Status::Corruption(What(c, "dictionary frame is missing"));
  std::string raw;
  RETURN_IF_ERROR(part_.ReadFrame(m.dictionary, What(c, "dictionary"), &raw));
  Status s = ParseDictionary(raw, part_.column(c).key.type, m.form, m.dictionary_size, out);
  if (!s.ok()) return Status::Corruption(What(c, s.message()));
  return Status::OK();
}

Status GroupDecoder::Decode(size_t c, ColumnBlock* out, bool codes_only) {
  const ColumnMeta& col = part_.column(c);
  const RowGroupMeta& group = part_.group(group_);
  out->type = col.key.type;
  out->rows = group.rows;
  const BlockMeta* m = part_.block(c, group_);
  size_t rows = group.rows;
  if (m == nullptr) {
    out->present.assign(rows, 0);
    if (HasIntSlots(out->type)) out->ints.assign(rows, 0);
    if (out->type == ColumnType::kFloat) out->floats.assign(rows, 0);
    if (HasByteSlots(out->type)) out->codes.assign(rows, ColumnBlock::kAbsentCode);
    return Status::OK();
  }
  out->encoding = m->encoding;
  out->form = m->form;
  std::string raw;
  RETURN_IF_ERROR(part_.ReadFrame(m->data, What(c, "data"), &raw));
  ByteReader in(raw);

  // Presence.
  uint8_t presence = in.Byte();
  out->present.assign(rows, 1);
  if (presence == kPresenceBitmap) {
    std::string_view bitmap = in.Raw((rows + 7) / 8);
    if (!in.ok()) return Status::Corruption(What(c, "presence bitmap is truncated"));
    for (size_t r = 0; r < rows; ++r) {
      out->present[r] = (static_cast<uint8_t>(bitmap[r / 8]) >> (r % 8)) & 1;
    }
  } else if (presence != kAllPresent) {
    return Status::Corruption(What(c, "unknown presence kind"));
  }
  // The rows holding a value, in order: every row, or the bitmap's set bits. Sized from the
  // footer and filled by index — this loop runs for every row of every block a query reads.
  // Blocks with every row present (most) skip the list where the rows are the indexes
  // (dictionary codes); the other encodings have it filled by fill_present_rows().
  if (m->present > rows) return Status::Corruption(What(c, "presence disagrees with the footer"));
  const bool all_present = presence == kAllPresent;
  std::vector<uint32_t> present_rows;
  auto fill_present_rows = [&] {
    if (all_present && present_rows.size() != rows) {
      present_rows.resize(rows);
      std::iota(present_rows.begin(), present_rows.end(), 0u);
    }
  };
  if (all_present) {
    if (m->present != rows)
      return Status::Corruption(What(c, "presence disagrees with the footer"));
  } else {
    present_rows.resize(m->present);
    size_t k = 0;
    const uint8_t* flags = out->present.data();
    for (uint32_t r = 0; r < rows; ++r) {
      if (flags[r] == 0) continue;
      if (k == present_rows.size()) break;
      present_rows[k++] = r;
    }
    size_t total = static_cast<size_t>(std::count(out->present.begin(), out->present.end(), 1));
    if (k != present_rows.size() || total != k) {
      return Status::Corruption(What(c, "presence disagrees with the footer"));
    }
  }
  const size_t np = all_present ? rows : present_rows.size();

  switch (m->encoding) {
    case BlockEncoding::kDict: {
      if (!codes_only) RETURN_IF_ERROR(DecodeDictionary(c, *m, out));
      uint32_t n = m->dictionary_size;
      if (n == 0 && np > 0) return Status::Corruption(What(c, "empty dictionary"));
      // Codes land at the i-th present row: row i itself when every row is present.
      if (all_present) {
        out->codes.resize(rows);
      } else {
        out->codes.assign(rows, ColumnBlock::kAbsentCode);
      }
      uint32_t* const codes = out->codes.data();
      const uint32_t* const at = all_present ? nullptr : present_rows.data();
      if (n == 1) {
        for (size_t i = 0; i < np; ++i) codes[at ? at[i] : i] = 0;
      } else if (n <= kByteCodeMaxEntries) {
        std::string_view bytes = in.Raw(np);
        if (!in.ok()) return Status::Corruption(What(c, "codes are truncated"));
        uint32_t max_code = 0;
        for (size_t i = 0; i < np; ++i) {
          uint32_t code = static_cast<uint8_t>(bytes[i]);
          max_code = std::max(max_code, code);
          codes[at ? at[i] : i] = code;
        }
        if (np > 0 && max_code >= n) {
          return Status::Corruption(What(c, "dictionary code out of range"));
        }
      } else if (part_.format_version() >= 2) {
        // 16-bit codes (part format 2).
        std::string_view bytes = in.Raw(np * 2);
        if (!in.ok()) return Status::Corruption(What(c, "codes are truncated"));
        const unsigned char* b = reinterpret_cast<const unsigned char*>(bytes.data());
        uint32_t max_code = 0;
        for (size_t i = 0; i < np; ++i) {
          uint32_t code = b[2 * i] | (uint32_t{b[2 * i + 1]} << 8);
          max_code = std::max(max_code, code);
          codes[at ? at[i] : i] = code;
        }
        if (np > 0 && max_code >= n) {
          return Status::Corruption(What(c, "dictionary code out of range"));
        }
      } else {
        uint64_t max_code = 0;
        const char* p = DecodeCodes(
            in.position(), in.position() + in.remaining(), np, &max_code,
            [&](size_t i, uint64_t code) { codes[at ? at[i] : i] = static_cast<uint32_t>(code); });
        if (p == nullptr) return Status::Corruption(What(c, "codes are truncated"));
        if (np > 0 && max_code >= n) {
          return Status::Corruption(What(c, "dictionary code out of range"));
        }
        in.Raw(static_cast<size_t>(p - in.position()));
      }
      if (!codes_only) ExpandCodes(out);
      break;
    }
    case BlockEncoding::kSameAs: {
      if (m->key_column < 0) return Status::Corruption(What(c, "same-as block without key"));
      ASSIGN_OR_RETURN(const ColumnBlock* key, codes_only
                                                   ? GetCodes(static_cast<size_t>(m->key_column))
                                                   : Get(static_cast<size_t>(m->key_column)));
      if (key->type != out->type || key->present != out->present) {
        return Status::Corruption(What(c, "same-as block disagrees with its key column"));
      }
      std::vector<uint8_t> present = std::move(out->present);
      *out = *key;
      out->present = std::move(present);
      break;
    }
    case BlockEncoding::kDependent: {
      if (!codes_only) RETURN_IF_ERROR(DecodeDictionary(c, *m, out));
      if (m->key_column < 0) return Status::Corruption(What(c, "dependent block without key"));
      ASSIGN_OR_RETURN(const ColumnBlock* key, GetCodes(static_cast<size_t>(m->key_column)));
      std::vector<uint32_t> map;
      RETURN_IF_ERROR(ReadDependentCodes(c, *m, 0, &in, &map));
      const size_t nmap = map.size();
      out->codes.resize(rows);
      uint32_t* const codes = out->codes.data();
      const uint8_t* const present = out->present.data();
      const uint32_t* const key_codes = key->codes.empty() ? nullptr : key->codes.data();
      // Checks are gathered over the loop (damage is rare; the loop runs for every row).
      bool beyond = false, disagrees = false;
      for (size_t r = 0; r < rows; ++r) {
        uint32_t kc = key_codes ? key_codes[r] : ColumnBlock::kAbsentCode;
        size_t slot = kc == ColumnBlock::kAbsentCode ? nmap - 1 : kc;
        beyond |= slot >= nmap;
        uint32_t v = map[slot < nmap ? slot : 0];
        codes[r] = v;
        disagrees |= (v != ColumnBlock::kAbsentCode) != (present[r] != 0);
      }
      if (beyond) return Status::Corruption(What(c, "key code beyond the dependent map"));
      if (disagrees) return Status::Corruption(What(c, "dependent presence disagrees"));
      if (!codes_only) ExpandCodes(out);
      break;
    }
    case BlockEncoding::kInt: {
      fill_present_rows();
      std::vector<int64_t> values(np);
      RETURN_IF_ERROR(DecodeInts(&in, np, values.data()));
      out->ints.assign(rows, 0);
      for (size_t i = 0; i < np; ++i) out->ints[present_rows[i]] = values[i];
      break;
    }
    case BlockEncoding::kFloat: {
      fill_present_rows();
      out->floats.assign(rows, 0);
      std::string_view bytes = in.Raw(np * 8);
      if (!in.ok()) return Status::Corruption(What(c, "float block truncated"));
      for (size_t i = 0; i < np; ++i)
        std::memcpy(&out->floats[present_rows[i]], bytes.data() + 8 * i, 8);
      break;
    }
    case BlockEncoding::kPlain: {
      fill_present_rows();
      std::vector<uint64_t> lengths(np);
      uint64_t total = 0;
      for (uint64_t& l : lengths) {
        l = in.BoundedVarint(in.remaining());
        total += l;
      }
      if (!in.ok() || total > in.remaining()) {
        return Status::Corruption(What(c, "plain block lengths run past the block"));
      }
      out->dictionary_distinct = false;
      out->codes.assign(rows, ColumnBlock::kAbsentCode);
      out->dictionary.resize(np);
      for (size_t i = 0; i < np; ++i) {
        out->dictionary[i] = in.Raw(lengths[i]);
        out->codes[present_rows[i]] = static_cast<uint32_t>(i);
      }
      break;
    }
    case BlockEncoding::kTemplate: {
      fill_present_rows();
      std::string dict_raw;
      if (m->dictionary.empty()) return Status::Corruption(What(c, "template dictionary missing"));
      RETURN_IF_ERROR(part_.ReadFrame(m->dictionary, What(c, "templates"), &dict_raw));
      TemplateDecoder decoder;
      Status s = decoder.Init(dict_raw);
      if (!s.ok()) return Status::Corruption(What(c, s.message()));
      if (codes_only) return Status::Corruption(What(c, "a message column cannot be a key"));
      std::vector<const ColumnBlock*> refs(part_.column_count(), nullptr);
      for (uint32_t rc : decoder.ReferencedColumns()) {
        if (rc == c) return Status::Corruption(What(c, "template references its own column"));
        ASSIGN_OR_RETURN(refs[rc], Get(rc));
      }
      auto text = [&](uint32_t col, size_t row, std::string* s) {
        return col < refs.size() && refs[col] != nullptr && refs[col]->AppendText(row, s);
      };
      s = decoder.Decode(&in, present_rows, text, &out->dictionary);
      if (!s.ok()) return Status::Corruption(What(c, s.message()));
      out->dictionary_distinct = false;
      out->codes.assign(rows, ColumnBlock::kAbsentCode);
      for (size_t i = 0; i < np; ++i) out->codes[present_rows[i]] = static_cast<uint32_t>(i);
      break;
    }
  }
  if (!in.ok()) return Status::Corruption(What(c, "data frame is truncated"));
  if (!in.empty()) return Status::Corruption(What(c, "data frame has trailing bytes"));
  if (out->type == ColumnType::kValue && out->codes.empty()) {
    out->codes.assign(rows, ColumnBlock::kAbsentCode);
  }
  if (out->type == ColumnType::kString && out->codes.empty() && out->ints.empty()) {
    out->codes.assign(rows, ColumnBlock::kAbsentCode);  // a block with no value
  }
  return Status::OK();
}

Status GroupDecoder::ReadDependentCodes(size_t c, const BlockMeta& m, uint64_t expected,
                                        ByteReader* in, std::vector<uint32_t>* map) {
  uint64_t nmap = in->BoundedVarint(in->remaining());
  if (expected != 0 && (!in->ok() || nmap != expected)) {
    return Status::Corruption(What(c, "dependent map does not match its key"));
  }
  if (!in->ok() || nmap == 0) return Status::Corruption(What(c, "dependent map truncated"));
  map->resize(nmap);
  uint64_t max_entry = 0;
  const char* p = DecodeCodes(in->position(), in->position() + in->remaining(), nmap, &max_entry,
                              [&](size_t i, uint64_t x) {
                                (*map)[i] = static_cast<uint32_t>(x) - 1;  // 0: kAbsentCode
                              });
  if (p == nullptr) return Status::Corruption(What(c, "dependent map truncated"));
  if (max_entry > m.dictionary_size) return Status::Corruption(What(c, "dependent code"));
  in->Raw(static_cast<size_t>(p - in->position()));
  return Status::OK();
}

Result<const GroupDecoder::DependentMap*> GroupDecoder::ReadDependentMap(size_t c) {
  if (dependent_maps_.empty()) dependent_maps_.resize(part_.column_count());
  if (dependent_maps_[c]) return dependent_maps_[c].get();
  const BlockMeta* m = part_.block(c, group_);
  if (m == nullptr || m->encoding != BlockEncoding::kDependent || m->key_column < 0 ||
      static_cast<size_t>(m->key_column) >= part_.column_count()) {
    return Status::InvalidArgument(What(c, "is not a dependent block"));
  }
  auto made = std::make_unique<DependentMap>();
  made->key = static_cast<size_t>(m->key_column);
  size_t* key = &made->key;
  std::string raw;
  RETURN_IF_ERROR(part_.ReadFrame(m->data, What(c, "data"), &raw));
  ByteReader in(raw);
  if (in.Byte() == kPresenceBitmap) in.Raw((part_.group(group_).rows + 7) / 8);
  // One entry per key code plus one: key codes (checked against the key's dictionary when
  // decoded) then index it without a check per row.
  const BlockMeta* km = part_.block(*key, group_);
  uint64_t expected = (km != nullptr ? km->dictionary_size : 0) + 1;
  RETURN_IF_ERROR(ReadDependentCodes(c, *m, expected, &in, &made->map));
  if (in.remaining() != 0) return Status::Corruption(What(c, "data frame has trailing bytes"));
  dependent_maps_[c] = std::move(made);
  return dependent_maps_[c].get();
}

Result<GroupReader::Dependent> GroupDecoder::ReadDependent(size_t c) {
  GroupReader::Dependent out;
  ASSIGN_OR_RETURN(const DependentMap* first, ReadDependentMap(c));
  out.by_key_code = first->map;
  size_t key = first->key;
  // A key that is itself a function of another column (country of city of address), or its
  // copy: the maps compose, down to a column with codes of its own.
  for (int hops = 0;; ++hops) {
    const BlockMeta* km = part_.block(key, group_);
    if (km == nullptr || hops > 64) break;
    if (km->encoding == BlockEncoding::kSameAs) {
      if (km->key_column < 0 || static_cast<size_t>(km->key_column) >= part_.column_count()) {
        return Status::Corruption(What(key, "same-as block without key"));
      }
      const BlockMeta* next = part_.block(static_cast<size_t>(km->key_column), group_);
      if (next == nullptr || next->dictionary_size != km->dictionary_size) break;
      key = static_cast<size_t>(km->key_column);
      continue;
    }
    if (km->encoding != BlockEncoding::kDependent) break;
    ASSIGN_OR_RETURN(const DependentMap* key_dependent, ReadDependentMap(key));
    const std::vector<uint32_t>& key_map = key_dependent->map;
    // by_key_code has key dictionary size + 1 entries; key_map's entries are key codes
    // (below that size) or kAbsentCode, which takes the last entry.
    const uint32_t last = static_cast<uint32_t>(out.by_key_code.size() - 1);
    std::vector<uint32_t> composed(key_map.size());
    for (size_t k = 0; k < key_map.size(); ++k) {
      composed[k] = out.by_key_code[std::min(key_map[k], last)];
    }
    out.by_key_code = std::move(composed);
    key = key_dependent->key;
  }
  ASSIGN_OR_RETURN(out.key, GetCodes(key));
  return out;
}

Result<const DictionaryTexts*> GroupDecoder::Texts(size_t c) {
  if (texts_.empty()) texts_.resize(part_.column_count());
  if (texts_[c]) return texts_[c].get();
  size_t asked = c;
  const BlockMeta* m = part_.block(c, group_);
  for (int hops = 0; m != nullptr && m->encoding == BlockEncoding::kSameAs; ++hops) {
    if (hops > 64 || m->key_column < 0 ||
        static_cast<size_t>(m->key_column) >= part_.column_count()) {
      return Status::Corruption(What(asked, "bad same-as chain"));
    }
    c = static_cast<size_t>(m->key_column);
    m = part_.block(c, group_);
  }
  ColumnType type = part_.column(c).key.type;
  if (m == nullptr || m->dictionary.empty() ||
      (type != ColumnType::kString && type != ColumnType::kValue) ||
      (m->encoding != BlockEncoding::kDict && m->encoding != BlockEncoding::kDependent)) {
    return Status::InvalidArgument(What(asked, "has no string dictionary"));
  }
  auto t = std::make_unique<DictionaryTexts>();
  RETURN_IF_ERROR(part_.ReadFrame(m->dictionary, What(c, "dictionary"), &t->raw_));
  ByteReader in(t->raw_);
  uint8_t form = in.Byte();
  uint64_t n = in.BoundedVarint(std::min<uint64_t>(in.remaining(), UINT32_MAX));
  if (!in.ok() || form != static_cast<uint8_t>(m->form) || n != m->dictionary_size) {
    return Status::Corruption(What(c, "dictionary header does not match the block metadata"));
  }
  t->form_ = m->form;
  auto offset = [&] { return static_cast<uint32_t>(in.position() - t->raw_.data()); };
  switch (m->form) {
    case ValueForm::kBytes:
      t->entries_.resize(n);
      for (auto& e : t->entries_) {
        uint64_t len = in.BoundedVarint(in.remaining());
        e.offset = offset();
        e.size = static_cast<uint32_t>(len);
        in.Raw(len);
      }
      break;
    case ValueForm::kDecimal:
      t->decimals_.resize(n);
      for (int64_t& v : t->decimals_) v = in.ZigZagVarint();
      break;
    case ValueForm::kIp: {
      std::string_view v6 = in.Raw((n + 7) / 8);
      if (!in.ok()) break;
      t->entries_.resize(n);
      for (uint64_t i = 0; i < n && in.ok(); ++i) {
        auto& e = t->entries_[i];
        e.size = (static_cast<uint8_t>(v6[i / 8]) >> (i % 8)) & 1 ? 16 : 4;
        e.offset = offset();
        in.Raw(e.size);
      }
      break;
    }
    default:
      return Status::Corruption(What(c, "string dictionary of a non-text form"));
  }
  t->counts_.resize(n);
  for (uint64_t& count : t->counts_) count = in.Varint();
  if (!in.ok() || !in.empty()) return Status::Corruption(What(c, "dictionary frame is malformed"));
  texts_[asked] = std::move(t);
  return texts_[asked].get();
}

void DictionaryTexts::AppendText(uint32_t i, std::string* out) const {
  switch (form_) {
    case ValueForm::kDecimal:
      AppendDecimal(decimals_[i], out);
      return;
    case ValueForm::kIp: {
      IpBytes ip;
      const Entry& e = entries_[i];
      if (e.size == 16) {
        std::memcpy(ip.bytes, raw_.data() + e.offset, 16);
      } else {
        ip.bytes[10] = ip.bytes[11] = 0xff;
        std::memcpy(ip.bytes + 12, raw_.data() + e.offset, 4);
      }
      AppendIpText(ip, out);
      return;
    }
    default:
      out->append(raw_, entries_[i].offset, entries_[i].size);
      return;
  }
}

GroupReader::GroupReader(const Part& part, size_t group)
    : part_(part), decoder_(std::make_unique<GroupDecoder>(part, group)) {}

GroupReader::~GroupReader() = default;

Result<const ColumnBlock*> GroupReader::Block(size_t c) {
  if (c >= part_.column_count()) return Status::InvalidArgument("GroupReader: no such column");
  auto b = decoder_->Get(c);
  if (!b.ok()) return part_.Report(b.status());
  return b;
}

Result<GroupReader::Dependent> GroupReader::ReadDependent(size_t c) {
  if (c >= part_.column_count()) return Status::InvalidArgument("GroupReader: no such column");
  auto d = decoder_->ReadDependent(c);
  if (!d.ok()) return part_.Report(d.status());
  return d;
}

Result<const ColumnBlock*> GroupReader::Codes(size_t c) {
  if (c >= part_.column_count()) return Status::InvalidArgument("GroupReader: no such column");
  auto b = decoder_->GetCodes(c);
  if (!b.ok()) return part_.Report(b.status());
  return b;
}

Result<const DictionaryTexts*> GroupReader::Texts(size_t c) {
  if (c >= part_.column_count()) return Status::InvalidArgument("GroupReader: no such column");
  auto t = decoder_->Texts(c);
  if (!t.ok()) return part_.Report(t.status());
  return t;
}

Result<std::shared_ptr<const Part>> Part::OpenFile(const std::string& path,
                                                   CorruptionListener listener) {
  std::shared_ptr<Part> p(new Part());
  ASSIGN_OR_RETURN(p->file_, ReadOnlyFile::Open(path));
  p->path_ = path;
  p->size_ = p->file_->size();
  RETURN_IF_ERROR(p->Load());
  p->listener_ = std::move(listener);  // damage found while opening is returned, not reported
  return std::shared_ptr<const Part>(std::move(p));
}

Result<std::shared_ptr<const Part>> Part::FromBytes(std::string bytes, std::string name) {
  std::shared_ptr<Part> p(new Part());
  p->bytes_ = std::move(bytes);
  p->path_ = std::move(name);
  p->size_ = p->bytes_.size();
  RETURN_IF_ERROR(p->Load());
  return std::shared_ptr<const Part>(std::move(p));
}

Status Part::Load() {
  if (size_ < kPartHeaderBytes + kPartTrailerBytes) {
    return Status::Corruption(path_ + ": too short to be a part (" + std::to_string(size_) +
                              " bytes)");
  }
  std::string header, trailer;
  if (file_) {
    RETURN_IF_ERROR(file_->Read(0, kPartHeaderBytes, &header));
    RETURN_IF_ERROR(file_->Read(size_ - kPartTrailerBytes, kPartTrailerBytes, &trailer));
  } else {
    header = bytes_.substr(0, kPartHeaderBytes);
    trailer = bytes_.substr(size_ - kPartTrailerBytes);
  }
  if (std::string_view(header).substr(0, 8) != kPartMagic) {
    return Status::Corruption(path_ + ": not a part file (bad magic)");
  }
  if (static_cast<uint32_t>(Checksum(std::string_view(header).substr(0, 12))) !=
      LoadFixed32(header.data() + 12)) {
    return Status::Corruption(path_ + ": header checksum mismatch");
  }
  uint32_t version = LoadFixed32(header.data() + 8);
  if (version < kOldestPartVersion || version > kPartVersion) {
    return Status::InvalidArgument(path_ + ": part format version " + std::to_string(version) +
                                   " is not one this build reads (" +
                                   std::to_string(kOldestPartVersion) + " to " +
                                   std::to_string(kPartVersion) +
                                   "): run the perimeter version that wrote it, or move the "
                                   "store aside");
  }
  if (std::string_view(trailer).substr(16, 8) != kPartTrailerMagic ||
      Checksum(std::string_view(trailer).substr(0, 24)) != LoadFixed64(trailer.data() + 24)) {
    return Status::Corruption(path_ + ": trailer damaged (an incomplete or overwritten file)");
  }
  footer_offset_ = LoadFixed64(trailer.data());
  uint64_t footer_size = LoadFixed64(trailer.data() + 8);
  if (footer_offset_ < kPartHeaderBytes || footer_size > size_ ||
      footer_offset_ + footer_size != size_ - kPartTrailerBytes) {
    return Status::Corruption(path_ + ": trailer points outside the file");
  }
  std::string footer;
  RETURN_IF_ERROR(ReadFrame({footer_offset_, footer_size}, path_ + ": footer", &footer));
  version_ = version;
  Status s = DecodePartMeta(footer, version, &meta_);
  if (!s.ok()) return Status::Corruption(path_ + ": " + s.message());
  return Status::OK();
}

Status Part::ReadFrame(const FrameRef& ref, std::string_view what, std::string* raw) const {
  uint64_t limit = footer_offset_ == 0 ? size_ : size_ - kPartTrailerBytes;
  if (ref.offset < kPartHeaderBytes || ref.size > limit || ref.offset > limit - ref.size) {
    return Report(Status::Corruption(std::string(what) + ": frame outside the file"));
  }
  if (file_) {
    thread_local std::string stored;
    Status s = file_->Read(ref.offset, ref.size, &stored);
    if (!s.ok()) return Report(std::move(s));
    return Report(DecodeFrame(stored, what, raw));
  }
  return Report(DecodeFrame(std::string_view(bytes_).substr(ref.offset, ref.size), what, raw));
}

Status Part::Report(Status s) const {
  if (s.code() == StatusCode::kCorruption && listener_) listener_(*this, s);
  return s;
}

std::vector<size_t> Part::FindColumns(std::string_view name) const {
  std::vector<size_t> out;
  for (size_t c = 0; c < meta_.columns.size(); ++c) {
    if (meta_.columns[c].name == name) out.push_back(c);
  }
  return out;
}

int Part::FindColumn(std::string_view name, ColumnType type) const {
  for (size_t c = 0; c < meta_.columns.size(); ++c) {
    if (meta_.columns[c].key.type == type && meta_.columns[c].name == name) {
      return static_cast<int>(c);
    }
  }
  return -1;
}

Result<ColumnBlock> Part::ReadBlock(size_t c, size_t g) const {
  if (c >= column_count() || g >= group_count()) {
    return Status::InvalidArgument("ReadBlock: column or group out of range");
  }
  GroupDecoder dec(*this, g);
  auto b = dec.Get(c);
  if (!b.ok()) return Report(b.status());
  return std::move(*dec.Take(c));
}

Status Part::ReadBlocks(std::span<const size_t> columns, size_t g,
                        std::vector<ColumnBlock>* out) const {
  if (g >= group_count()) return Status::InvalidArgument("ReadBlocks: group out of range");
  GroupDecoder dec(*this, g);
  out->clear();
  for (size_t c : columns) {
    if (c >= column_count()) return Status::InvalidArgument("ReadBlocks: column out of range");
    auto b = dec.Get(c);
    if (!b.ok()) return Report(b.status());
  }
  // A column asked for twice is copied the second time.
  std::vector<std::unique_ptr<ColumnBlock>> taken(column_count());
  for (size_t c : columns) {
    if (!taken[c]) {
      taken[c] = dec.Take(c);
      out->push_back(*taken[c]);
    } else {
      out->push_back(*taken[c]);
    }
  }
  return Status::OK();
}

Result<BlockDictionary> Part::ReadDictionary(size_t c, size_t g) const {
  if (c >= column_count() || g >= group_count()) {
    return Status::InvalidArgument("ReadDictionary: column or group out of range");
  }
  const BlockMeta* m = block(c, g);
  BlockDictionary d;
  for (int hops = 0; m != nullptr && m->encoding == BlockEncoding::kSameAs; ++hops) {
    if (hops > 64 || m->key_column < 0 || static_cast<size_t>(m->key_column) >= column_count()) {
      return Report(Status::Corruption(path_ + ": column " + column(c).name + " group " +
                                       std::to_string(g) + ": bad same-as chain"));
    }
    c = static_cast<size_t>(m->key_column);
    m = block(c, g);
  }
  if (m == nullptr || m->dictionary.empty()) return d;
  std::string raw;
  std::string what = path_ + ": column " + column(c).name + " group " + std::to_string(g);
  RETURN_IF_ERROR(ReadFrame(m->dictionary, what + " dictionary", &raw));
  d.form = m->form;
  if (m->encoding == BlockEncoding::kTemplate) {
    TemplateDecoder t;
    Status s = t.Init(raw);
    if (!s.ok()) return Report(Status::Corruption(what + ": " + s.message()));
    for (const std::string& text : t.templates()) d.values.emplace_back(text);
    d.counts = t.counts();
    return d;
  }
  ColumnBlock b;
  b.type = column(c).key.type;
  Status s = ParseDictionary(raw, b.type, m->form, m->dictionary_size, &b);
  if (!s.ok()) return Report(Status::Corruption(what + ": " + s.message()));
  size_t n = m->dictionary_size;
  d.values.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    switch (b.type) {
      case ColumnType::kBool:
        d.values.emplace_back(b.int_dictionary[i] != 0);
        break;
      case ColumnType::kInt:
        d.values.emplace_back(b.int_dictionary[i]);
        break;
      case ColumnType::kTimestamp:
        d.values.emplace_back(Timestamp(b.int_dictionary[i]));
        break;
      case ColumnType::kFloat:
        d.values.emplace_back(b.float_dictionary[i]);
        break;
      case ColumnType::kString:
        d.values.emplace_back(b.dictionary[i]);
        break;
      case ColumnType::kValue: {
        auto v = DecodeValueBlob(b.dictionary[i]);
        if (!v.ok()) return Report(Status::Corruption(what + ": " + v.status().message()));
        d.values.push_back(std::move(v).value());
        break;
      }
      case ColumnType::kNull:
        d.values.emplace_back();
        break;
    }
  }
  d.counts = std::move(b.counts);
  return d;
}

Result<bool> Part::VisitDictionaryText(
    size_t c, size_t g, size_t limit,
    const std::function<void(std::string_view text, uint64_t count)>& fn) const {
  if (c >= column_count() || g >= group_count()) {
    return Status::InvalidArgument("VisitDictionaryText: column or group out of range");
  }
  const BlockMeta* m = block(c, g);
  for (int hops = 0; m != nullptr && m->encoding == BlockEncoding::kSameAs; ++hops) {
    if (hops > 64 || m->key_column < 0 || static_cast<size_t>(m->key_column) >= column_count()) {
      return false;  // ReadDictionary reports the damage
    }
    c = static_cast<size_t>(m->key_column);
    m = block(c, g);
  }
  if (m == nullptr || m->dictionary.empty() || m->encoding == BlockEncoding::kTemplate ||
      column(c).key.type != ColumnType::kString) {
    return false;
  }
  std::string raw;
  std::string what = path_ + ": column " + column(c).name + " group " + std::to_string(g);
  RETURN_IF_ERROR(ReadFrame(m->dictionary, what + " dictionary", &raw));
  ByteReader in(raw);
  const uint8_t form = in.Byte();
  const uint64_t n = in.BoundedVarint(std::min<uint64_t>(in.remaining(), UINT32_MAX));
  if (!in.ok() || form != static_cast<uint8_t>(m->form) || n != m->dictionary_size) {
    return Report(Status::Corruption(what + ": dictionary header does not match the metadata"));
  }
  const size_t shown = std::min<uint64_t>(n, limit);
  // Pass 1 over the entries: where each shown one starts (the counts follow all entries).
  std::vector<std::string_view> texts;  // kBytes: the entries themselves
  std::vector<IpBytes> ips;
  std::vector<int64_t> decimals;
  switch (m->form) {
    case ValueForm::kBytes:
      texts.reserve(shown);
      for (uint64_t i = 0; i < n && in.ok(); ++i) {
        std::string_view b = in.Bytes();
        if (i < shown) texts.push_back(b);
      }
      break;
    case ValueForm::kDecimal:
      decimals.reserve(shown);
      for (uint64_t i = 0; i < n && in.ok(); ++i) {
        int64_t v = in.ZigZagVarint();
        if (i < shown) decimals.push_back(v);
      }
      break;
    case ValueForm::kIp: {
      std::string_view v6 = in.Raw((n + 7) / 8);
      if (!in.ok()) break;
      ips.resize(shown);
      uint64_t wide = 0;
      for (uint64_t i = 0; i < n; ++i) wide += (static_cast<uint8_t>(v6[i / 8]) >> (i % 8)) & 1;
      for (uint64_t i = 0; i < shown && in.ok(); ++i) {
        IpBytes& ip = ips[i];
        if ((static_cast<uint8_t>(v6[i / 8]) >> (i % 8)) & 1) {
          std::string_view b = in.Raw(16);
          if (in.ok()) std::memcpy(ip.bytes, b.data(), 16);
        } else {
          std::string_view b = in.Raw(4);
          if (!in.ok()) break;
          ip.bytes[10] = ip.bytes[11] = 0xff;
          std::memcpy(ip.bytes + 12, b.data(), 4);
        }
      }
      // Skip the entries not shown: 16 bytes for each IPv6 address, 4 for each IPv4 one.
      uint64_t wide_shown = 0;
      for (uint64_t i = 0; i < shown; ++i) {
        wide_shown += (static_cast<uint8_t>(v6[i / 8]) >> (i % 8)) & 1;
      }
      const uint64_t rest_wide = wide - wide_shown;
      in.Raw(rest_wide * 16 + (n - shown - rest_wide) * 4);
      break;
    }
    default:
      return false;
  }
  // Pass 2: the counts, and the visits.
  std::string text;
  for (uint64_t i = 0; i < n && in.ok(); ++i) {
    uint64_t count = in.Varint();
    if (i >= shown) continue;
    switch (m->form) {
      case ValueForm::kBytes:
        fn(texts[i], count);
        break;
      case ValueForm::kDecimal:
        text.clear();
        AppendDecimal(decimals[i], &text);
        fn(text, count);
        break;
      default:
        text.clear();
        AppendIpText(ips[i], &text);
        fn(text, count);
        break;
    }
  }
  if (!in.ok() || !in.empty()) {
    return Report(Status::Corruption(what + ": dictionary frame is malformed"));
  }
  return true;
}

Result<bool> Part::MergeDistinctSketch(size_t c, HyperLogLog* out) const {
  if (c >= column_count()) return Status::InvalidArgument("MergeDistinctSketch: no such column");
  const FrameRef& ref = column(c).distinct_sketch;
  if (ref.empty()) return false;
  std::string what = path_ + ": column " + column(c).name + " distinct sketch";
  std::string raw;
  RETURN_IF_ERROR(ReadFrame(ref, what, &raw));
  if (raw.size() != 1 + HyperLogLog::kRegisters || raw[0] != static_cast<char>(kSketchPrecision)) {
    return Report(Status::Corruption(what + ": wrong size or precision"));
  }
  const uint8_t* registers = reinterpret_cast<const uint8_t*>(raw.data() + 1);
  // A register past the largest rank would index past the estimator's histogram.
  if (*std::max_element(registers, registers + HyperLogLog::kRegisters) >
      HyperLogLog::kMaxRegister) {
    return Report(Status::Corruption(what + ": register out of range"));
  }
  out->MergeRegisters(registers);
  return true;
}

Result<bool> Part::MayContainToken(size_t c, size_t g, std::string_view token) const {
  if (c >= column_count() || g >= group_count()) {
    return Status::InvalidArgument("MayContainToken: column or group out of range");
  }
  const BlockMeta* m = block(c, g);
  if (m == nullptr) return false;
  if (m->token_filter.empty()) return true;
  std::string what = path_ + ": column " + column(c).name + " group " + std::to_string(g);
  std::string raw;
  RETURN_IF_ERROR(ReadFrame(m->token_filter, what + " token filter", &raw));
  if (TokenFilterMayContain(raw, token)) return true;
  if (m->encoding != BlockEncoding::kTemplate) return false;
  // A template block's filter holds its literal tokens only; the rest of each line is values
  // of referenced columns, found in their dictionaries.
  RETURN_IF_ERROR(ReadFrame(m->dictionary, what + " templates", &raw));
  TemplateDecoder t;
  Status s = t.Init(raw);
  if (!s.ok()) return Report(Status::Corruption(what + ": " + s.message()));
  for (uint32_t rc : t.ReferencedColumns()) {
    if (rc >= column_count() || block(rc, g) == nullptr) continue;
    if (column(rc).key.type != ColumnType::kString) continue;  // numbers hold no indexed token
    const BlockMeta* rm = block(rc, g);
    if (rm->encoding == BlockEncoding::kInt) continue;  // decimal strings: numbers only
    if (rm->encoding == BlockEncoding::kPlain || rm->encoding == BlockEncoding::kTemplate) {
      return true;  // no dictionary to look in
    }
    ASSIGN_OR_RETURN(BlockDictionary d, ReadDictionary(rc, g));
    for (const Value& v : d.values) {
      if (!v.is_string()) continue;
      bool found = false;
      ForEachIndexedToken(v.as_string(), [&](std::string_view tok) { found |= tok == token; });
      if (found) return true;
    }
  }
  return false;
}

Result<RowSet> Part::ReadRowGroup(size_t g) const {
  if (g >= group_count()) return Status::InvalidArgument("ReadRowGroup: group out of range");
  GroupDecoder dec(*this, g);
  RowSet set;
  size_t rows = group(g).rows;
  set.mutable_timestamps().assign(rows, 0);
  for (size_t c = 0; c < column_count(); ++c) {
    if (block(c, g) == nullptr) continue;
    auto got = dec.Get(c);
    if (!got.ok()) return Report(got.status());
    const ColumnBlock& b = **got;
    ColumnData& col = set.GetOrAddColumn(column(c).key);
    col.present = b.present;
    ColumnType type = column(c).key.type;
    if (HasIntSlots(type)) col.ints = b.ints;
    if (type == ColumnType::kFloat) col.floats = b.floats;
    if (HasByteSlots(type)) {
      col.ends.resize(rows);
      for (size_t r = 0; r < rows; ++r) {
        b.AppendText(r, &col.bytes);
        if (type == ColumnType::kValue && b.Has(r)) col.bytes += b.StringAt(r);
        col.ends[r] = static_cast<uint32_t>(col.bytes.size());
      }
    }
    if (type == ColumnType::kTimestamp && column(c).key.path.size() == 1 &&
        column(c).key.path[0] == "@timestamp") {
      set.mutable_timestamps() = b.ints;
    }
  }
  set.Seal();
  set.add_raw_bytes(meta_.rows == 0 ? 0 : meta_.raw_bytes * rows / meta_.rows);
  return set;
}

Status Part::ReadEvents(std::span<const uint64_t> rows, std::vector<Event>* out) const {
  out->clear();
  out->resize(rows.size());
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a] < rows[b]; });
  size_t current = SIZE_MAX;
  RowSet set;
  for (size_t i : order) {
    uint64_t row = rows[i];
    if (row >= meta_.rows) return Status::InvalidArgument("ReadEvents: row beyond the part");
    auto it = std::upper_bound(meta_.groups.begin(), meta_.groups.end(), row,
                               [](uint64_t r, const RowGroupMeta& g) { return r < g.first_row; });
    size_t g = static_cast<size_t>(it - meta_.groups.begin()) - 1;
    if (g != current) {
      ASSIGN_OR_RETURN(set, ReadRowGroup(g));
      current = g;
    }
    ASSIGN_OR_RETURN((*out)[i], set.EventAt(row - meta_.groups[g].first_row));
  }
  return Status::OK();
}

Status Part::Verify() const {
  std::string raw;
  for (size_t c = 0; c < column_count(); ++c) {
    if (column(c).distinct_sketch.empty()) continue;
    HyperLogLog scratch;
    RETURN_IF_ERROR(MergeDistinctSketch(c, &scratch).status());
  }
  for (size_t c = 0; c < column_count(); ++c) {
    for (size_t g = 0; g < group_count(); ++g) {
      const BlockMeta* m = block(c, g);
      if (m == nullptr) continue;
      std::string what = path_ + ": column " + column(c).name + " group " + std::to_string(g);
      for (const FrameRef* f : {&m->data, &m->dictionary, &m->token_filter}) {
        if (!f->empty()) RETURN_IF_ERROR(ReadFrame(*f, what, &raw));
      }
    }
  }
  return Status::OK();
}

}  // namespace perimeter::store
