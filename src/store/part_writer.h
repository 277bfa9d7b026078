// PartWriter: writes one part (part_format.h) row group by row group, streaming frames to a
// file, or into memory for the snapshot view of not-yet-flushed rows. The caller passes rows
// sorted by time, at most kRowGroupRows per group. One writer per part; one thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "store/file_system.h"
#include "store/hyper_log_log.h"
#include "store/part_meta.h"
#include "store/row_group_encoder.h"
#include "store/row_set.h"

namespace perimeter::store {

struct PartWriterOptions {
  uint64_t part_id = 0;
  int64_t day = 0;
  uint64_t max_lsn = 0;
  std::vector<uint64_t> replaces;
  // String columns (dotted names) stored as message templates.
  std::vector<std::string> template_columns = {"message"};
  bool token_filters = true;
  // The format version to write: kPartVersion; 1 (no distinct sketches) for compatibility tests.
  uint32_t version = kPartVersion;
};

class PartWriter {
 public:
  // Streams to `file` (not owned) when given; otherwise keeps the bytes (TakeBytes()).
  PartWriter(PartWriterOptions options, WritableFile* file);
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;

  // Appends a row group made of `rows` (≤ kRowGroupRows, time-ordered) of `sets`.
  Status AddRowGroup(std::span<const RowSet* const> sets, std::span<const RowRef> rows);
  // Writes footer and trailer. The file is not synced or closed.
  Status Finish();

  const PartMeta& meta() const { return meta_; }
  uint64_t bytes_written() const { return written_ + buffer_.size(); }
  std::string TakeBytes() { return std::move(buffer_); }

 private:
  Status FlushBuffer(bool force);
  uint32_t PartColumn(const ColumnKey& key);
  // Adds the distinct values of this group's string columns to their part sketches.
  void AddToSketches();
  // Writes the sketch frames of the columns that have one (before the footer).
  void WriteSketches();

  // A string column's distinct values over the part, while every group stores it as a
  // dictionary (`usable` false once one does not: its values are not at hand).
  struct ColumnSketch {
    bool usable = true;
    HyperLogLog sketch;
  };

  PartWriterOptions options_;
  WritableFile* file_;
  PartMeta meta_;
  std::string buffer_;
  uint64_t written_ = 0;                                    // bytes already handed to the file
  std::unordered_map<std::string, uint32_t> column_index_;  // ColumnKey::Id() -> part column
  RowGroupEncoder encoder_;
  std::vector<GatheredColumn> gathered_;
  std::vector<EncodedBlock> blocks_;
  std::vector<ColumnSketch> sketches_;  // by part column
  std::string key_scratch_;
  bool finished_ = false;
};

// Adds every row of `sets` (in any order) to `writer`, sorted by time (stable), in row groups
// of kRowGroupRows. Flushes and tests use it.
Status WriteRows(PartWriter* writer, std::span<const RowSet* const> sets);

}  // namespace perimeter::store
