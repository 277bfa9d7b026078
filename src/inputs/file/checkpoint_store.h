// CheckpointStore: reads and atomically replaces one checkpoint (sincedb) file of the file input.
// Format in checkpoint_format.h. Not synchronized: the input's own thread uses it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "inputs/file/file_identity.h"

namespace perimeter {

struct CheckpointEntry {
  FileIdentity id;
  Fingerprint fingerprint;
  uint64_t offset = 0;      // next unread byte, at a line start
  int64_t last_seen_s = 0;  // unix seconds; entries unseen for long are dropped
  std::string path;         // last known path, for people reading a dump

  friend bool operator==(const CheckpointEntry&, const CheckpointEntry&) = default;
};

// The whole file's bytes for `entries`.
std::string EncodeCheckpoints(const std::vector<CheckpointEntry>& entries);
// Corruption when the bytes are damaged (bad magic, checksum, lengths); InvalidArgument when they
// were written by a newer version of the format.
Result<std::vector<CheckpointEntry>> DecodeCheckpoints(std::string_view bytes);

class CheckpointStore {
 public:
  explicit CheckpointStore(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // NotFound when there is no file yet; otherwise as DecodeCheckpoints.
  Result<std::vector<CheckpointEntry>> Load() const;
  // Replaces the file: writes `<path>.tmp`, fsyncs it, renames it over `<path>` and fsyncs the
  // directory. Creates missing directories.
  Status Save(const std::vector<CheckpointEntry>& entries) const;

 private:
  std::string path_;
};

}  // namespace perimeter
