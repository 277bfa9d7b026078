// The write-ahead log's segments: WalWriter appends records to one segment file and makes them
// durable; ReadWalSegment reads one back, telling a torn tail from damage. A WalWriter is used
// by one thread at a time (the store's commit leader).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/file_system.h"

namespace perimeter::store {

// Appends one record (wal_format.h) to `out`.
void AppendWalRecord(std::string* out, uint8_t type, uint64_t lsn, std::string_view payload);
// The record's header alone (length, type, LSN, checksum): written before the payload, so the
// payload need not be copied.
std::string WalRecordHeader(uint8_t type, uint64_t lsn, std::string_view payload);
// "<dir>/<first lsn, 20 digits>.wal"; and the LSN back from a file name (0 when not a segment).
std::string WalSegmentPath(const std::string& dir, uint64_t first_lsn);
uint64_t WalSegmentFirstLsn(std::string_view file_name);

class WalWriter {
 public:
  // Creates the segment (header written and synced, directory synced).
  static Result<std::unique_ptr<WalWriter>> Create(FileSystem* fs, const std::string& dir,
                                                   uint64_t first_lsn);
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  // Appends already-encoded records. On failure the segment is cut back to its last whole
  // record, so a failed write (disk full) leaves nothing half-written; the error is returned.
  Status Write(std::string_view records);
  // As Write, for records in pieces (headers and payloads), in one system call.
  Status WritePieces(std::span<const std::string_view> pieces);
  Status Sync() { return file_->Sync(); }
  // Cuts the segment back to `size` bytes (records written but not synced).
  Status CutTo(uint64_t size) {
    RETURN_IF_ERROR(file_->Truncate(size));
    good_size_ = size;
    return Status::OK();
  }
  Status Close() { return file_->Close(); }

  uint64_t first_lsn() const { return first_lsn_; }
  uint64_t size() const { return good_size_; }
  const std::string& path() const { return path_; }

 private:
  WalWriter(std::unique_ptr<WritableFile> file, std::string path, uint64_t first_lsn)
      : file_(std::move(file)), path_(std::move(path)), first_lsn_(first_lsn) {}
  std::unique_ptr<WritableFile> file_;
  std::string path_;
  uint64_t first_lsn_;
  uint64_t good_size_ = 0;
};

struct WalRecord {
  uint8_t type;
  uint64_t lsn;
  std::string_view payload;  // into WalSegment::bytes
};

struct WalSegment {
  std::string bytes;
  uint64_t first_lsn = 0;
  std::vector<WalRecord> records;
  // Bytes up to the end of the last good record; the rest is a torn tail or damage.
  uint64_t good_bytes = 0;
  // Why reading stopped before the end ("" when it did not).
  std::string stop_reason;
};

// Reads a segment. An unreadable header is Corruption (with `version` problems as
// InvalidArgument); a bad record stops reading and is described in stop_reason.
Result<WalSegment> ReadWalSegment(const std::string& path);

}  // namespace perimeter::store
