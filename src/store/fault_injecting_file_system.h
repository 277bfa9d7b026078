// A FileSystem for tests that behaves like a disk with a limited amount of free space: once the
// budget is spent, writes fail with ENOSPC after writing what still fits, as a real disk does.
// Thread-safe (the budget is atomic).
#pragma once

#include <atomic>
#include <cerrno>
#include <limits>

#include "store/file_system.h"

namespace perimeter::store {

class FaultInjectingFileSystem final : public FileSystem {
 public:
  explicit FaultInjectingFileSystem(FileSystem* base = FileSystem::Default()) : base_(base) {}

  // Bytes that may still be written before writes fail; "unlimited" by default.
  void set_space_left(uint64_t bytes) { space_left_ = bytes; }
  void set_unlimited() { space_left_ = std::numeric_limits<uint64_t>::max(); }
  uint64_t failed_writes() const { return failed_writes_; }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    ASSIGN_OR_RETURN(auto file, base_->NewWritableFile(path));
    return std::unique_ptr<WritableFile>(new LimitedFile(this, std::move(file), path));
  }
  Status Rename(const std::string& from, const std::string& to) override {
    return base_->Rename(from, to);
  }
  Status SyncDir(const std::string& dir) override { return base_->SyncDir(dir); }
  Status RemoveFile(const std::string& path) override { return base_->RemoveFile(path); }
  Status RemoveTree(const std::string& path) override { return base_->RemoveTree(path); }
  Status CreateDir(const std::string& path) override { return base_->CreateDir(path); }
  Status TruncateFile(const std::string& path, uint64_t size) override {
    return base_->TruncateFile(path, size);
  }

 private:
  class LimitedFile final : public WritableFile {
   public:
    LimitedFile(FaultInjectingFileSystem* fs, std::unique_ptr<WritableFile> base, std::string path)
        : fs_(fs), base_(std::move(base)), path_(std::move(path)) {}
    Status Append(std::string_view data) override {
      uint64_t left = fs_->space_left_.load();
      for (;;) {
        uint64_t take = std::min<uint64_t>(left, data.size());
        if (fs_->space_left_.compare_exchange_weak(left, left - take)) {
          if (take < data.size()) {
            ++fs_->failed_writes_;
            if (take > 0) RETURN_IF_ERROR(base_->Append(data.substr(0, take)));
            return FileError("write", path_, ENOSPC);
          }
          return base_->Append(data);
        }
      }
    }
    Status Sync() override { return base_->Sync(); }
    Status Truncate(uint64_t size) override { return base_->Truncate(size); }
    Status Close() override { return base_->Close(); }
    uint64_t size() const override { return base_->size(); }

   private:
    FaultInjectingFileSystem* fs_;
    std::unique_ptr<WritableFile> base_;
    std::string path_;
  };

  FileSystem* base_;
  std::atomic<uint64_t> space_left_{std::numeric_limits<uint64_t>::max()};
  std::atomic<uint64_t> failed_writes_{0};
};

}  // namespace perimeter::store
