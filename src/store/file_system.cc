#include "store/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace perimeter::store {

Status FileError(std::string_view what, std::string_view path, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return Status::Unavailable(std::string("disk full: ") + std::string(what) + ": " +
                               std::string(path) +
                               ": free space on that file system (retention settings "
                               "retention_age/retention_bytes) and ingest resumes by itself");
  }
  return Status::FromErrno(what, path, err);
}

bool IsDiskFull(const Status& s) {
  return s.code() == StatusCode::kUnavailable && s.message().rfind("disk full", 0) == 0;
}

namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return FileError("write", path_, errno);
      }
      size_ += static_cast<uint64_t>(n);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }
  Status AppendPieces(std::span<const std::string_view> pieces) override {
    // IOV_MAX is at least 1024 on Linux; larger sets go in several calls.
    constexpr size_t kMaxIov = 1024;
    std::vector<struct iovec> iov;
    size_t i = 0;
    while (i < pieces.size()) {
      iov.clear();
      size_t bytes = 0;
      for (; i < pieces.size() && iov.size() < kMaxIov; ++i) {
        if (pieces[i].empty()) continue;
        iov.push_back({const_cast<char*>(pieces[i].data()), pieces[i].size()});
        bytes += pieces[i].size();
      }
      size_t done = 0;
      size_t first = 0;
      while (done < bytes) {
        ssize_t n = ::writev(fd_, iov.data() + first, static_cast<int>(iov.size() - first));
        if (n < 0) {
          if (errno == EINTR) continue;
          return FileError("write", path_, errno);
        }
        size_ += static_cast<uint64_t>(n);
        done += static_cast<size_t>(n);
        // Skip what was written; a short write continues inside an iovec.
        size_t left = static_cast<size_t>(n);
        while (first < iov.size() && left >= iov[first].iov_len) left -= iov[first++].iov_len;
        if (first < iov.size() && left > 0) {
          iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
          iov[first].iov_len -= left;
        }
      }
    }
    return Status::OK();
  }
  Status Sync() override {
    if (::fdatasync(fd_) != 0) return FileError("fdatasync", path_, errno);
    return Status::OK();
  }
  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0)
      return FileError("ftruncate", path_, errno);
    if (::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0) {
      return FileError("lseek", path_, errno);
    }
    size_ = size;
    return Status::OK();
  }
  Status Close() override {
    if (fd_ < 0) return Status::OK();
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return FileError("close", path_, errno);
    return Status::OK();
  }
  uint64_t size() const override { return size_; }

 private:
  int fd_;
  std::string path_;
  uint64_t size_ = 0;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return FileError("create", path, errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path));
  }
  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return FileError("rename", from + " -> " + to, errno);
    return Status::OK();
  }
  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return FileError("open directory", dir, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return FileError("fsync directory", dir, err);
    return Status::OK();
  }
  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return FileError("unlink", path, errno);
    return Status::OK();
  }
  Status RemoveTree(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return FileError("remove", path, ec.value());
    return Status::OK();
  }
  Status CreateDir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return FileError("mkdir", path, errno);
    return Status::OK();
  }
  Status TruncateFile(const std::string& path, uint64_t size) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return FileError("open", path, errno);
    int rc = ::ftruncate(fd, static_cast<off_t>(size));
    if (rc == 0) rc = ::fdatasync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return FileError("truncate", path, err);
    return Status::OK();
  }
};

}  // namespace

FileSystem* FileSystem::Default() {
  static PosixFileSystem* fs = new PosixFileSystem();  // never destroyed: used at exit too
  return fs;
}

Status WriteFileAtomically(FileSystem* fs, const std::string& path, std::string_view contents) {
  std::string tmp = path + ".tmp";
  auto file = fs->NewWritableFile(tmp);
  if (!file.ok()) return file.status();
  Status s = (*file)->Append(contents);
  if (s.ok()) s = (*file)->Sync();
  if (s.ok()) s = (*file)->Close();
  if (s.ok()) s = fs->Rename(tmp, path);
  if (!s.ok()) {
    (void)fs->RemoveFile(tmp);  // best effort; open removes leftovers too
    return s;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return fs->SyncDir(dir.empty() ? "." : dir);
}

Result<std::unique_ptr<ReadOnlyFile>> ReadOnlyFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return FileError("stat", path, err);
  }
  return std::unique_ptr<ReadOnlyFile>(
      new ReadOnlyFile(fd, static_cast<uint64_t>(st.st_size), path));
}

ReadOnlyFile::~ReadOnlyFile() { ::close(fd_); }

Status ReadOnlyFile::Read(uint64_t offset, size_t n, std::string* out) const {
  if (offset > size_ || n > size_ - offset) {
    return Status::Corruption(path_ + ": read of " + std::to_string(n) + " bytes at " +
                              std::to_string(offset) + " is past the end (" +
                              std::to_string(size_) + " bytes)");
  }
  out->resize(n);
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, out->data() + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return FileError("read", path_, errno);
    }
    if (r == 0) return Status::Corruption(path_ + ": file shrank while reading");
    done += static_cast<size_t>(r);
  }
  return Status::OK();
}

Result<std::string> ReadWholeFile(const std::string& path) {
  ASSIGN_OR_RETURN(auto file, ReadOnlyFile::Open(path));
  std::string out;
  RETURN_IF_ERROR(file->Read(0, file->size(), &out));
  return out;
}

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return Status::NotFound(dir + ": no such directory");
    return FileError("opendir", dir, errno);
  }
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  ::closedir(d);
  return names;
}

Result<uint64_t> AvailableBytes(const std::string& path) {
  struct statvfs st;
  if (::statvfs(path.c_str(), &st) != 0) return FileError("statvfs", path, errno);
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

}  // namespace perimeter::store
