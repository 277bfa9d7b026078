#include "store/part_meta.h"

#include <cstdio>
#include <cstring>

#include "core/timestamp.h"
#include "store/byte_coding.h"

namespace perimeter::store {

namespace {

// Bounds for counts read from a footer: far above anything written, low enough that damage
// cannot make us allocate without bound.
constexpr uint64_t kMaxColumns = 1u << 16;
constexpr uint64_t kMaxGroups = 1u << 20;
constexpr uint64_t kMaxPathParts = 256;
constexpr uint64_t kMaxMinutes = 1u << 24;

void PutFrameRef(std::string* out, const FrameRef& f) {
  PutVarint(out, f.offset);
  PutVarint(out, f.size);
}
FrameRef GetFrameRef(ByteReader* in) {
  FrameRef f;
  f.offset = in->Varint();
  f.size = in->Varint();
  return f;
}
void PutDouble(std::string* out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  PutFixed64(out, bits);
}

}  // namespace

std::string EncodePartMeta(const PartMeta& m, uint32_t version) {
  std::string out;
  PutVarint(&out, m.part_id);
  PutZigZag(&out, m.day);
  PutVarint(&out, m.rows);
  PutZigZag(&out, m.min_ts);
  PutZigZag(&out, m.max_ts);
  PutVarint(&out, m.max_lsn);
  PutVarint(&out, m.raw_bytes);
  PutVarint(&out, m.replaces.size());
  for (uint64_t id : m.replaces) PutVarint(&out, id);
  PutVarint(&out, m.groups.size());
  for (const RowGroupMeta& g : m.groups) {
    PutVarint(&out, g.rows);
    PutZigZag(&out, g.min_ts);
    PutZigZag(&out, g.max_ts);
    PutZigZag(&out, g.first_minute);
    PutVarint(&out, g.minute_counts.size());
    for (uint32_t c : g.minute_counts) PutVarint(&out, c);
  }
  PutVarint(&out, m.columns.size());
  for (const ColumnMeta& c : m.columns) {
    PutVarint(&out, c.key.path.size());
    for (const std::string& p : c.key.path) PutBytes(&out, p);
    out.push_back(static_cast<char>(c.key.type));
    for (const auto& b : c.blocks) {
      if (!b) {
        out.push_back(0);
        continue;
      }
      out.push_back(1);
      PutVarint(&out, b->present);
      out.push_back(static_cast<char>(b->encoding));
      out.push_back(static_cast<char>(b->form));
      PutFrameRef(&out, b->data);
      PutFrameRef(&out, b->dictionary);
      PutFrameRef(&out, b->token_filter);
      PutVarint(&out, b->dictionary_size);
      PutVarint(&out, static_cast<uint64_t>(b->key_column) + 1);
      uint8_t stats =
          (b->has_int_range ? 1 : 0) | (b->has_float_range ? 2 : 0) | (b->has_ip_range ? 4 : 0);
      out.push_back(static_cast<char>(stats));
      if (b->has_int_range) {
        PutZigZag(&out, b->min_int);
        PutZigZag(&out, b->max_int);
      }
      if (b->has_float_range) {
        PutDouble(&out, b->min_float);
        PutDouble(&out, b->max_float);
      }
      if (b->has_ip_range) {
        out.append(reinterpret_cast<const char*>(b->min_ip.bytes), 16);
        out.append(reinterpret_cast<const char*>(b->max_ip.bytes), 16);
      }
    }
  }
  // Version 2: the distinct sketches, one frame reference per column (0 0 = none).
  if (version >= 2) {
    for (const ColumnMeta& c : m.columns) PutFrameRef(&out, c.distinct_sketch);
  }
  return out;
}

Status DecodePartMeta(std::string_view bytes, uint32_t version, PartMeta* m) {
  ByteReader in(bytes);
  m->part_id = in.Varint();
  m->day = in.ZigZagVarint();
  m->rows = in.Varint();
  m->min_ts = in.ZigZagVarint();
  m->max_ts = in.ZigZagVarint();
  m->max_lsn = in.Varint();
  m->raw_bytes = in.Varint();
  uint64_t nrep = in.BoundedVarint(in.remaining());
  m->replaces.clear();
  for (uint64_t i = 0; i < nrep && in.ok(); ++i) m->replaces.push_back(in.Varint());
  uint64_t ngroups = in.BoundedVarint(kMaxGroups);
  m->groups.assign(ngroups, RowGroupMeta{});
  uint64_t first_row = 0;
  for (RowGroupMeta& g : m->groups) {
    g.rows = static_cast<uint32_t>(in.BoundedVarint(kRowGroupRows));
    g.first_row = first_row;
    first_row += g.rows;
    g.min_ts = in.ZigZagVarint();
    g.max_ts = in.ZigZagVarint();
    g.first_minute = in.ZigZagVarint();
    uint64_t nm = in.BoundedVarint(std::min<uint64_t>(kMaxMinutes, in.remaining()));
    g.minute_counts.resize(nm);
    for (uint32_t& c : g.minute_counts) c = static_cast<uint32_t>(in.Varint());
    if (!in.ok()) break;
  }
  if (in.ok() && first_row != m->rows) {
    return Status::Corruption("part footer: row groups hold " + std::to_string(first_row) +
                              " rows, the part says " + std::to_string(m->rows));
  }
  uint64_t ncols = in.BoundedVarint(kMaxColumns);
  m->columns.clear();
  m->columns.reserve(ncols);
  for (uint64_t i = 0; i < ncols && in.ok(); ++i) {
    ColumnMeta& c = m->columns.emplace_back();
    uint64_t nparts = in.BoundedVarint(kMaxPathParts);
    for (uint64_t k = 0; k < nparts && in.ok(); ++k) c.key.path.emplace_back(in.Bytes());
    uint8_t type = in.Byte();
    if (type > kMaxColumnType || c.key.path.empty()) {
      return Status::Corruption("part footer: bad column " + std::to_string(i));
    }
    c.key.type = static_cast<ColumnType>(type);
    c.name = c.key.DottedName();
    c.blocks.resize(ngroups);
    for (auto& b : c.blocks) {
      uint8_t flag = in.Byte();
      if (flag == 0) continue;
      BlockMeta& bm = b.emplace();
      bm.present = static_cast<uint32_t>(in.BoundedVarint(kRowGroupRows));
      uint8_t enc = in.Byte();
      uint8_t form = in.Byte();
      if (enc > kMaxBlockEncoding || form > kMaxValueForm) {
        return Status::Corruption("part footer: unknown block encoding in column " + c.name);
      }
      bm.encoding = static_cast<BlockEncoding>(enc);
      bm.form = static_cast<ValueForm>(form);
      bm.data = GetFrameRef(&in);
      bm.dictionary = GetFrameRef(&in);
      bm.token_filter = GetFrameRef(&in);
      bm.dictionary_size = static_cast<uint32_t>(in.BoundedVarint(UINT32_MAX));
      bm.key_column = static_cast<int32_t>(in.BoundedVarint(ncols)) - 1;
      uint8_t stats = in.Byte();
      if (stats & 1) {
        bm.has_int_range = true;
        bm.min_int = in.ZigZagVarint();
        bm.max_int = in.ZigZagVarint();
      }
      if (stats & 2) {
        bm.has_float_range = true;
        bm.min_float = in.Double();
        bm.max_float = in.Double();
      }
      if (stats & 4) {
        bm.has_ip_range = true;
        std::string_view a = in.Raw(16), b16 = in.Raw(16);
        if (in.ok()) {
          std::memcpy(bm.min_ip.bytes, a.data(), 16);
          std::memcpy(bm.max_ip.bytes, b16.data(), 16);
        }
      }
    }
  }
  if (version >= 2) {
    for (ColumnMeta& c : m->columns) c.distinct_sketch = GetFrameRef(&in);
  }
  if (!in.ok()) return Status::Corruption("part footer is truncated");
  if (!in.empty()) return Status::Corruption("part footer has trailing bytes");
  return Status::OK();
}

std::string DayName(int64_t day) {
  int64_t y;
  unsigned mo, d;
  CivilFromDays(day, &y, &mo, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), mo, d);
  return buf;
}

std::optional<int64_t> ParseDayName(std::string_view name) {
  if (name.size() != 10 || name[4] != '-' || name[7] != '-') return std::nullopt;
  int64_t y = 0;
  unsigned mo = 0, d = 0;
  for (size_t i : {0, 1, 2, 3}) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    y = y * 10 + (name[i] - '0');
  }
  for (size_t i : {5, 6}) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    mo = mo * 10 + static_cast<unsigned>(name[i] - '0');
  }
  for (size_t i : {8, 9}) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    d = d * 10 + static_cast<unsigned>(name[i] - '0');
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  int64_t day = DaysFromCivil(y, mo, d);
  if (DayName(day) != name) return std::nullopt;
  return day;
}

}  // namespace perimeter::store
