#include "inputs/file/checkpoint_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "inputs/file/checkpoint_format.h"

namespace perimeter {

namespace {

void PutU16(std::string* out, uint16_t v) {
  for (int i = 0; i < 2; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

// Reads little-endian integers from a byte range; every read is bounds-checked.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  size_t remaining() const { return bytes_.size() - pos_; }
  bool Get(uint64_t* v, size_t width) {
    if (remaining() < width) return false;
    *v = 0;
    for (size_t i = 0; i < width; ++i) {
      *v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    }
    pos_ += width;
    return true;
  }
  bool GetBytes(size_t n, std::string_view* out) {
    if (remaining() < n) return false;
    *out = bytes_.substr(pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("cannot write checkpoint", path, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status FsyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("cannot open checkpoint directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno("cannot sync checkpoint directory", dir, err);
  return Status::OK();
}

}  // namespace

std::string EncodeCheckpoints(const std::vector<CheckpointEntry>& entries) {
  std::string out;
  out.reserve(kCheckpointHeaderBytes + entries.size() * (kCheckpointEntryFixedBytes + 64) +
              kCheckpointTrailerBytes);
  out.append(kCheckpointMagic);
  PutU32(&out, kCheckpointVersion);
  PutU32(&out, static_cast<uint32_t>(entries.size()));
  for (const CheckpointEntry& e : entries) {
    std::string_view path = e.path;
    if (path.size() > kCheckpointMaxPathBytes) path = path.substr(0, kCheckpointMaxPathBytes);
    PutU64(&out, e.id.device);
    PutU64(&out, e.id.inode);
    PutU64(&out, e.offset);
    PutU64(&out, e.fingerprint.hash);
    PutU32(&out, e.fingerprint.length);
    PutU64(&out, static_cast<uint64_t>(e.last_seen_s));
    PutU16(&out, static_cast<uint16_t>(path.size()));
    out.append(path);
  }
  PutU64(&out, XXH3_64bits(out.data(), out.size()));
  return out;
}

Result<std::vector<CheckpointEntry>> DecodeCheckpoints(std::string_view bytes) {
  if (bytes.size() < kCheckpointHeaderBytes + kCheckpointTrailerBytes) {
    return Status::Corruption(
        fmt::format("checkpoint is {} bytes, shorter than its header", bytes.size()));
  }
  if (bytes.substr(0, kCheckpointMagic.size()) != kCheckpointMagic) {
    return Status::Corruption("checkpoint does not start with the magic \"PRMSINCE\"");
  }
  ByteReader header(bytes.substr(kCheckpointMagic.size()));
  uint64_t version = 0;
  uint64_t count = 0;
  header.Get(&version, 4);
  header.Get(&count, 4);
  // The version is checked before the checksum so that a newer file is reported as such.
  if (version != kCheckpointVersion) {
    return Status::InvalidArgument(fmt::format(
        "checkpoint has format version {}; this build reads version {} only (written by a newer "
        "Perimeter? upgrade, or delete the file to start over)",
        version, kCheckpointVersion));
  }
  std::string_view body = bytes.substr(0, bytes.size() - kCheckpointTrailerBytes);
  uint64_t stored_sum = 0;
  ByteReader(bytes.substr(body.size())).Get(&stored_sum, 8);
  if (XXH3_64bits(body.data(), body.size()) != stored_sum) {
    return Status::Corruption("checkpoint checksum does not match its contents");
  }
  ByteReader in(body.substr(kCheckpointHeaderBytes));
  if (count > in.remaining() / kCheckpointEntryFixedBytes) {
    return Status::Corruption(
        fmt::format("checkpoint claims {} entries but has room for fewer", count));
  }
  std::vector<CheckpointEntry> entries;
  entries.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    CheckpointEntry e;
    uint64_t fp_length = 0, last_seen = 0, path_length = 0;
    std::string_view path;
    bool ok = in.Get(&e.id.device, 8) && in.Get(&e.id.inode, 8) && in.Get(&e.offset, 8) &&
              in.Get(&e.fingerprint.hash, 8) && in.Get(&fp_length, 4) && in.Get(&last_seen, 8) &&
              in.Get(&path_length, 2);
    if (!ok) return Status::Corruption(fmt::format("checkpoint entry {} is truncated", i));
    if (fp_length > kFingerprintBytes) {
      return Status::Corruption(
          fmt::format("checkpoint entry {} has a {}-byte fingerprint", i, fp_length));
    }
    if (path_length > kCheckpointMaxPathBytes || !in.GetBytes(path_length, &path)) {
      return Status::Corruption(fmt::format("checkpoint entry {} has a bad path length", i));
    }
    e.fingerprint.length = static_cast<uint32_t>(fp_length);
    e.last_seen_s = static_cast<int64_t>(last_seen);
    e.path.assign(path);
    entries.push_back(std::move(e));
  }
  if (in.remaining() != 0) {
    return Status::Corruption(
        fmt::format("checkpoint has {} stray bytes after its entries", in.remaining()));
  }
  return entries;
}

Result<std::vector<CheckpointEntry>> CheckpointStore::Load() const {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(fmt::format("no checkpoint at {}", path_));
    return Status::FromErrno("cannot open checkpoint", path_, errno);
  }
  std::string bytes;
  char buf[16384];
  Status status;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      status = Status::FromErrno("cannot read checkpoint", path_, errno);
      break;
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<size_t>(n));
    if (bytes.size() > kCheckpointMaxFileBytes) {
      status = Status::Corruption(
          fmt::format("checkpoint {} is larger than {} bytes", path_, kCheckpointMaxFileBytes));
      break;
    }
  }
  ::close(fd);
  RETURN_IF_ERROR(status);
  auto entries = DecodeCheckpoints(bytes);
  if (!entries.ok()) {
    const Status& s = entries.status();
    std::string msg = fmt::format("{}: {}", path_, s.message());
    return s.code() == StatusCode::kCorruption ? Status::Corruption(std::move(msg))
                                               : Status::InvalidArgument(std::move(msg));
  }
  return entries;
}

Status CheckpointStore::Save(const std::vector<CheckpointEntry>& entries) const {
  std::filesystem::path target(path_);
  std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status::IOError(
        fmt::format("cannot create checkpoint directory {}: {}", dir, ec.message()));
  }
  std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Status::FromErrno("cannot create checkpoint", tmp, errno);
  Status status = WriteAll(fd, EncodeCheckpoints(entries), tmp);
  if (status.ok() && ::fsync(fd) != 0) {
    status = Status::FromErrno("cannot sync checkpoint", tmp, errno);
  }
  ::close(fd);
  if (status.ok() && ::rename(tmp.c_str(), path_.c_str()) != 0) {
    status = Status::FromErrno("cannot replace checkpoint", path_, errno);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  return FsyncDirectory(dir);
}

}  // namespace perimeter
