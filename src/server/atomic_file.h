// Small whole-file reads and crash-safe replacement of the server's own files (users, roles,
// API keys, the generated certificate): a reader sees the old file or the new one, never half.
// Stateless; concurrent writers of one path must be serialised by the caller.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter {

// Writes `path.tmp.<pid>` with `mode`, fsyncs it, renames it over `path`, fsyncs the directory.
// An existing file's permission bits are kept instead of `mode`, so a file an administrator
// tightened stays that way.
Status WriteFileAtomically(const std::string& path, std::string_view contents, mode_t mode);

// The whole file; NotFound when it does not exist. Files above `max_bytes` are refused as
// Corruption (the server's own files are small; anything huge is not one of them).
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes);

// Identity and version of a file, to notice that it was replaced or edited.
struct FileStamp {
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool exists = false;
  bool operator==(const FileStamp&) const = default;
};
FileStamp StampFile(const std::string& path);

// Creates `dir` (one level) with `mode` when missing.
Status EnsureDirectory(const std::string& dir, mode_t mode);

}  // namespace perimeter
