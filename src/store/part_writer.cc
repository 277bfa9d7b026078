#include "store/part_writer.h"

#include <xxhash.h>

#include <algorithm>

#include "store/byte_coding.h"
#include "store/frame.h"
#include "store/part_format.h"

namespace perimeter::store {

namespace {

// Frames are handed to the file in chunks of this size: few write calls, bounded memory.
constexpr size_t kWriteChunkBytes = 4 << 20;
constexpr int64_t kNanosPerMinute = 60'000'000'000;
static_assert(kSketchPrecision == HyperLogLog::kPrecision, "sketch frames hold the registers");

bool SameColumnKeys(const std::vector<ColumnData>& a, const std::vector<ColumnData>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i].key == b[i].key)) return false;
  }
  return true;
}

int64_t MinuteOf(int64_t ns) {
  return ns >= 0 ? ns / kNanosPerMinute : -((-ns + kNanosPerMinute - 1) / kNanosPerMinute);
}

}  // namespace

PartWriter::PartWriter(PartWriterOptions options, WritableFile* file)
    : options_(std::move(options)),
      file_(file),
      encoder_(options_.token_filters, options_.version >= 2) {
  meta_.part_id = options_.part_id;
  meta_.day = options_.day;
  meta_.max_lsn = options_.max_lsn;
  meta_.replaces = options_.replaces;
  buffer_.append(kPartMagic);
  PutFixed32(&buffer_, options_.version);
  PutFixed32(&buffer_, static_cast<uint32_t>(Checksum(buffer_)));
}

uint32_t PartWriter::PartColumn(const ColumnKey& key) {
  auto [it, inserted] =
      column_index_.emplace(key.Id(), static_cast<uint32_t>(meta_.columns.size()));
  if (inserted) {
    ColumnMeta& c = meta_.columns.emplace_back();
    c.key = key;
    c.name = key.DottedName();
  }
  return it->second;
}

Status PartWriter::FlushBuffer(bool force) {
  if (file_ == nullptr) return Status::OK();
  if (!force && buffer_.size() < kWriteChunkBytes) return Status::OK();
  RETURN_IF_ERROR(file_->Append(buffer_));
  written_ += buffer_.size();
  buffer_.clear();
  return Status::OK();
}

Status PartWriter::AddRowGroup(std::span<const RowSet* const> sets, std::span<const RowRef> rows) {
  if (finished_) return Status::InvalidArgument("PartWriter: row group after Finish");
  if (rows.empty()) return Status::OK();
  if (rows.size() > kRowGroupRows) {
    return Status::InvalidArgument("PartWriter: row group of " + std::to_string(rows.size()) +
                                   " rows exceeds " + std::to_string(kRowGroupRows));
  }
  size_t n = rows.size();
  // set column -> part column. A flush hands every memtable chunk to each group, and chunks
  // mostly have the same columns in the same order: a set with the previous set's keys reuses
  // its map instead of hashing every key again.
  std::vector<std::vector<uint32_t>> maps(sets.size());
  for (size_t s = 0; s < sets.size(); ++s) {
    const std::vector<ColumnData>& columns = sets[s]->columns();
    if (s > 0 && SameColumnKeys(columns, sets[s - 1]->columns())) {
      maps[s] = maps[s - 1];
      continue;
    }
    for (const ColumnData& c : columns) maps[s].push_back(PartColumn(c.key));
  }
  // part column -> (set -> set column)
  size_t ncols = meta_.columns.size();
  constexpr uint32_t kNone = 0xffffffffu;
  std::vector<uint32_t> source(ncols * sets.size(), kNone);
  for (size_t s = 0; s < sets.size(); ++s) {
    for (uint32_t sc = 0; sc < maps[s].size(); ++sc) source[maps[s][sc] * sets.size() + s] = sc;
  }

  // Gathered columns are reused from group to group: their buffers keep their capacity, which
  // spares the allocator and the page faults of fresh memory.
  size_t used = 0;
  for (uint32_t pc = 0; pc < ncols; ++pc) {
    bool any = false;
    for (size_t s = 0; s < sets.size(); ++s) any |= source[pc * sets.size() + s] != kNone;
    if (!any) continue;
    if (used == gathered_.size()) gathered_.emplace_back();
    GatheredColumn& g = gathered_[used++];
    g.part_column = pc;
    g.key = &meta_.columns[pc].key;
    g.template_column =
        g.key->type == ColumnType::kString &&
        std::find(options_.template_columns.begin(), options_.template_columns.end(),
                  meta_.columns[pc].name) != options_.template_columns.end();
    ColumnType type = g.key->type;
    g.present.assign(n, 0);
    if (HasIntSlots(type)) g.ints.assign(n, 0);
    if (type == ColumnType::kFloat) g.floats.assign(n, 0);
    if (HasByteSlots(type)) g.strings.assign(n, std::string_view());
    uint32_t present = 0;
    for (size_t i = 0; i < n; ++i) {
      const RowRef& ref = rows[i];
      uint32_t sc = source[pc * sets.size() + ref.set];
      if (sc == kNone) continue;
      const ColumnData& col = sets[ref.set]->columns()[sc];
      if (!col.present[ref.row]) continue;
      g.present[i] = 1;
      ++present;
      if (HasIntSlots(type)) {
        g.ints[i] = col.ints[ref.row];
      } else if (type == ColumnType::kFloat) {
        g.floats[i] = col.floats[ref.row];
      } else if (HasByteSlots(type)) {
        g.strings[i] = col.StringAt(ref.row);
      }
    }
    g.present_count = present;
  }
  gathered_.resize(used);

  RowGroupMeta group;
  group.rows = static_cast<uint32_t>(n);
  group.first_row = meta_.rows;
  group.min_ts = group.max_ts = sets[rows[0].set]->timestamps()[rows[0].row];
  std::vector<uint64_t> rows_per_set(sets.size(), 0);
  for (const RowRef& ref : rows) {
    int64_t ts = sets[ref.set]->timestamps()[ref.row];
    group.min_ts = std::min(group.min_ts, ts);
    group.max_ts = std::max(group.max_ts, ts);
    ++rows_per_set[ref.set];
  }
  group.first_minute = MinuteOf(group.min_ts);
  group.minute_counts.assign(static_cast<size_t>(MinuteOf(group.max_ts) - group.first_minute + 1),
                             0);
  for (const RowRef& ref : rows) {
    ++group.minute_counts[static_cast<size_t>(MinuteOf(sets[ref.set]->timestamps()[ref.row]) -
                                              group.first_minute)];
  }
  for (size_t s = 0; s < sets.size(); ++s) {
    if (sets[s]->rows() > 0) {
      meta_.raw_bytes += sets[s]->raw_bytes() * rows_per_set[s] / sets[s]->rows();
    }
  }

  encoder_.Encode(gathered_, n, written_, &buffer_, &blocks_);
  AddToSketches();
  size_t gi = meta_.groups.size();
  for (ColumnMeta& c : meta_.columns) c.blocks.resize(gi + 1);
  for (EncodedBlock& b : blocks_) meta_.columns[b.part_column].blocks[gi] = b.meta;
  if (meta_.groups.empty()) {
    meta_.min_ts = group.min_ts;
    meta_.max_ts = group.max_ts;
  } else {
    meta_.min_ts = std::min(meta_.min_ts, group.min_ts);
    meta_.max_ts = std::max(meta_.max_ts, group.max_ts);
  }
  meta_.rows += n;
  meta_.groups.push_back(std::move(group));
  return FlushBuffer(false);
}

void PartWriter::AddToSketches() {
  if (options_.version < 2) return;
  sketches_.resize(meta_.columns.size());
  for (const GatheredColumn& g : gathered_) {
    if (g.key->type != ColumnType::kString || g.present_count == 0) continue;
    ColumnSketch& cs = sketches_[g.part_column];
    if (!cs.usable) continue;
    if (!g.analyzed) {
      // Too many distinct values in this group to have them at hand (hashing every row of a
      // message column would cost ingest more than the sketch saves queries).
      cs.usable = false;
      cs.sketch = HyperLogLog();
      continue;
    }
    for (uint32_t row : g.first_row) {
      key_scratch_.assign(1, 's');
      key_scratch_.append(g.strings[row]);
      cs.sketch.Add(XXH3_64bits(key_scratch_.data(), key_scratch_.size()));
    }
  }
}

void PartWriter::WriteSketches() {
  std::string raw;
  // Columns with the same values (geoip.ip = src_ip) share one frame.
  std::vector<std::pair<const std::vector<uint8_t>*, FrameRef>> written;
  for (size_t c = 0; c < sketches_.size(); ++c) {
    ColumnSketch& cs = sketches_[c];
    if (!cs.usable || cs.sketch.exact()) continue;
    const std::vector<uint8_t>& registers = cs.sketch.Registers();
    FrameRef ref;
    for (const auto& [other, other_ref] : written) {
      if (*other == registers) ref = other_ref;
    }
    if (ref.empty()) {
      raw.assign(1, static_cast<char>(kSketchPrecision));
      raw.append(reinterpret_cast<const char*>(registers.data()), registers.size());
      ref.offset = written_ + buffer_.size();
      AppendFrame(raw, &buffer_);
      ref.size = written_ + buffer_.size() - ref.offset;
      written.emplace_back(&registers, ref);
    }
    meta_.columns[c].distinct_sketch = ref;
  }
}

Status PartWriter::Finish() {
  if (finished_) return Status::OK();
  finished_ = true;
  for (ColumnMeta& c : meta_.columns) c.blocks.resize(meta_.groups.size());
  WriteSketches();
  uint64_t footer_offset = written_ + buffer_.size();
  AppendFrame(EncodePartMeta(meta_, options_.version), &buffer_);
  uint64_t footer_size = written_ + buffer_.size() - footer_offset;
  size_t trailer = buffer_.size();
  PutFixed64(&buffer_, footer_offset);
  PutFixed64(&buffer_, footer_size);
  buffer_.append(kPartTrailerMagic);
  PutFixed64(&buffer_, Checksum(std::string_view(buffer_).substr(trailer)));
  return FlushBuffer(true);
}

Status WriteRows(PartWriter* writer, std::span<const RowSet* const> sets) {
  std::vector<RowRef> refs;
  size_t total = 0;
  for (const RowSet* s : sets) total += s->rows();
  refs.reserve(total);
  bool sorted = true;
  int64_t last = INT64_MIN;
  for (uint32_t s = 0; s < sets.size(); ++s) {
    const auto& ts = sets[s]->timestamps();
    for (uint32_t r = 0; r < sets[s]->rows(); ++r) {
      refs.push_back({s, r});
      sorted &= ts[r] >= last;
      last = ts[r];
    }
  }
  if (!sorted) {
    std::stable_sort(refs.begin(), refs.end(), [&](const RowRef& a, const RowRef& b) {
      return sets[a.set]->timestamps()[a.row] < sets[b.set]->timestamps()[b.row];
    });
  }
  for (size_t i = 0; i < refs.size(); i += kRowGroupRows) {
    size_t n = std::min(kRowGroupRows, refs.size() - i);
    RETURN_IF_ERROR(writer->AddRowGroup(sets, std::span<const RowRef>(refs).subspan(i, n)));
  }
  return Status::OK();
}

}  // namespace perimeter::store
