// The store's seam to the file system. Everything the store writes goes through FileSystem so
// tests can make writes fail (disk full) at a chosen byte; reads use ReadOnlyFile directly.
// FileSystem implementations are thread-safe; a WritableFile or ReadOnlyFile is used by one
// thread at a time (ReadOnlyFile::Read is pread-based and safe from many threads).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter::store {

// An error for errno `err`; ENOSPC and EDQUOT become Unavailable ("disk full"), which callers
// treat as back-pressure rather than failure.
Status FileError(std::string_view what, std::string_view path, int err);
bool IsDiskFull(const Status& s);

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of `data`; on failure some prefix may have been written (see size()).
  virtual Status Append(std::string_view data) = 0;
  // Appends the pieces in order (one writev where the platform has it).
  virtual Status AppendPieces(std::span<const std::string_view> pieces) {
    for (std::string_view p : pieces) RETURN_IF_ERROR(Append(p));
    return Status::OK();
  }
  // fdatasync: the bytes appended so far survive a crash.
  virtual Status Sync() = 0;
  // Cuts the file back to `size` bytes (undoing a failed append).
  virtual Status Truncate(uint64_t size) = 0;
  virtual Status Close() = 0;
  // Bytes in the file as far as this handle knows (what was appended successfully or not).
  virtual uint64_t size() const = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The real POSIX file system; lives forever.
  static FileSystem* Default();

  // Creates (or truncates) `path` for writing.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // fsync of a directory: makes creations, renames and deletions in it durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Removes a directory and everything in it (a dropped partition).
  virtual Status RemoveTree(const std::string& path) = 0;
  virtual Status CreateDir(const std::string& path) = 0;  // OK when it exists
  // Cuts an existing file to `size` bytes and syncs it (a WAL segment's torn tail).
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
};

// Writes `contents` to `path` atomically: `path.tmp`, fsync, rename, fsync of the directory.
Status WriteFileAtomically(FileSystem* fs, const std::string& path, std::string_view contents);

// A file opened for reading; pread-based, so one handle serves many threads. Keeps the file
// readable after it is unlinked (a snapshot outliving a merge).
class ReadOnlyFile {
 public:
  static Result<std::unique_ptr<ReadOnlyFile>> Open(const std::string& path);
  ~ReadOnlyFile();
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads exactly `n` bytes at `offset` into `out` (resized); short reads are Corruption.
  Status Read(uint64_t offset, size_t n, std::string* out) const;

 private:
  ReadOnlyFile(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  int fd_;
  uint64_t size_;
  std::string path_;
};

// Whole-file read (WAL segments, the checkpoint table).
Result<std::string> ReadWholeFile(const std::string& path);
// Names in `dir` (not "." or ".."); NotFound when the directory does not exist.
Result<std::vector<std::string>> ListDir(const std::string& dir);
// Free bytes for unprivileged writers on the file system holding `path`.
Result<uint64_t> AvailableBytes(const std::string& path);

}  // namespace perimeter::store
