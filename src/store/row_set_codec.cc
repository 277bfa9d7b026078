#include "store/row_set_codec.h"

#include <cstring>

namespace perimeter::store {

namespace {

// Bounds for counts read back: damage must not size allocations.
constexpr uint64_t kMaxBatchColumns = 1u << 16;
constexpr uint64_t kMaxPathParts = 256;

// At least the bytes EncodeRowSet appends for `rs`.
size_t EncodedBound(const RowSet& rs) {
  size_t rows = rs.rows();
  size_t n = 2 * kMaxVarintBytes;
  for (const ColumnData& c : rs.columns()) {
    n += kMaxVarintBytes + 2 + (rows + 7) / 8;
    for (const std::string& p : c.key.path) n += kMaxVarintBytes + p.size();
    if (HasIntSlots(c.key.type)) n += rows * kMaxVarintBytes;
    if (c.key.type == ColumnType::kFloat) n += rows * 8;
    if (HasByteSlots(c.key.type)) n += rows * kMaxVarintBytes + c.bytes.size();
  }
  return n;
}

}  // namespace

void EncodeRowSet(const RowSet& rs, std::string* out) {
  // One allocation: growing by doubling would copy the messages once more (and fault in fresh
  // pages for each copy).
  out->reserve(out->size() + EncodedBound(rs));
  size_t rows = rs.rows();
  PutVarint(out, rows);
  PutVarint(out, rs.columns().size());
  for (const ColumnData& c : rs.columns()) {
    PutVarint(out, c.key.path.size());
    for (const std::string& p : c.key.path) PutBytes(out, p);
    out->push_back(static_cast<char>(c.key.type));
    size_t present = 0;
    for (size_t r = 0; r < rows; ++r) present += c.present[r];
    if (present == rows) {
      out->push_back(0);
    } else {
      out->push_back(1);
      size_t base = out->size();
      out->resize(base + (rows + 7) / 8, '\0');
      for (size_t r = 0; r < rows; ++r) {
        if (c.present[r]) (*out)[base + r / 8] |= static_cast<char>(1u << (r % 8));
      }
    }
    if (HasIntSlots(c.key.type)) {
      size_t base = out->size();
      out->resize(base + present * kMaxVarintBytes);
      char* p = out->data() + base;
      for (size_t r = 0; r < rows; ++r) {
        if (c.present[r]) p = EncodeVarint(p, ZigZag(c.ints[r]));
      }
      out->resize(static_cast<size_t>(p - out->data()));
    } else if (c.key.type == ColumnType::kFloat) {
      for (size_t r = 0; r < rows; ++r) {
        if (c.present[r]) out->append(reinterpret_cast<const char*>(&c.floats[r]), 8);
      }
    } else if (HasByteSlots(c.key.type)) {
      size_t base = out->size();
      out->resize(base + present * kMaxVarintBytes);
      char* p = out->data() + base;
      uint32_t prev = 0;
      for (size_t r = 0; r < rows; ++r) {
        if (c.present[r]) p = EncodeVarint(p, c.ends[r] - prev);
        prev = c.ends[r];
      }
      out->resize(static_cast<size_t>(p - out->data()));
      // Absent rows hold no bytes, so the column's bytes are exactly the present values.
      out->append(c.bytes);
    }
  }
}

Status DecodeRowSet(ByteReader* in, RowSet* out) {
  uint64_t rows = in->BoundedVarint(UINT32_MAX);
  uint64_t ncols = in->BoundedVarint(kMaxBatchColumns);
  std::vector<uint8_t> present;
  for (uint64_t i = 0; i < ncols && in->ok(); ++i) {
    ColumnKey key;
    uint64_t parts = in->BoundedVarint(kMaxPathParts);
    for (uint64_t k = 0; k < parts && in->ok(); ++k) key.path.emplace_back(in->Bytes());
    uint8_t type = in->Byte();
    if (!in->ok() || type > kMaxColumnType || key.path.empty()) {
      return Status::Corruption("batch: bad column header");
    }
    key.type = static_cast<ColumnType>(type);
    uint8_t presence = in->Byte();
    present.assign(rows, 1);
    if (presence == 1) {
      std::string_view bitmap = in->Raw((rows + 7) / 8);
      if (!in->ok()) return Status::Corruption("batch: presence bitmap truncated");
      for (size_t r = 0; r < rows; ++r)
        present[r] = (static_cast<uint8_t>(bitmap[r / 8]) >> (r % 8)) & 1;
    } else if (presence != 0) {
      return Status::Corruption("batch: unknown presence kind");
    }
    if (out->FindColumn(key) >= 0) return Status::Corruption("batch: a column appears twice");
    ColumnData& c = out->GetOrAddColumn(key);
    c.present = present;
    if (HasIntSlots(key.type)) {
      c.ints.assign(rows, 0);
      for (size_t r = 0; r < rows; ++r) {
        if (present[r]) c.ints[r] = in->ZigZagVarint();
      }
    } else if (key.type == ColumnType::kFloat) {
      c.floats.assign(rows, 0);
      for (size_t r = 0; r < rows; ++r) {
        if (present[r]) c.floats[r] = in->Double();
      }
    } else if (HasByteSlots(key.type)) {
      c.ends.assign(rows, 0);
      uint64_t total = 0;
      for (size_t r = 0; r < rows; ++r) {
        if (present[r]) total += in->BoundedVarint(in->remaining());
        c.ends[r] = static_cast<uint32_t>(total);
      }
      if (!in->ok() || total > in->remaining() || total > UINT32_MAX) {
        return Status::Corruption("batch: string lengths run past the record");
      }
      c.bytes = in->Raw(total);
    }
    if (!in->ok()) return Status::Corruption("batch: column " + key.DottedName() + " truncated");
  }
  if (!in->ok()) return Status::Corruption("batch is truncated");
  out->mutable_timestamps().assign(rows, 0);
  int ts = out->FindColumn(ColumnKey{{"@timestamp"}, ColumnType::kTimestamp});
  if (ts >= 0) out->mutable_timestamps() = out->columns()[static_cast<size_t>(ts)].ints;
  out->Seal();
  return Status::OK();
}

}  // namespace perimeter::store
