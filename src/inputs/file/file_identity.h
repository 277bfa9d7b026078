// FileIdentity and Fingerprint: how the file input recognises a file across renames and restarts.
// A file is its (device, inode); the fingerprint of its first bytes tells a reused inode or a
// file rewritten in place apart from the file we read before. Plain value types.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/status.h"

namespace perimeter {

struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;

  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

struct FileIdentityHash {
  size_t operator()(const FileIdentity& id) const {
    return std::hash<uint64_t>()(id.inode * 0x9E3779B97F4A7C15ULL ^ id.device);
  }
};

// Syslog lines open with a timestamp and a host name, so two log files almost never share their
// first 256 bytes, while hashing them costs one small pread per check.
constexpr uint32_t kFingerprintBytes = 256;

// A hash of a file's first `length` bytes (length < kFingerprintBytes while the file is shorter).
struct Fingerprint {
  uint32_t length = 0;
  uint64_t hash = 0;

  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

Fingerprint ComputeFingerprint(std::string_view first_bytes);

// Whether the file whose first bytes are `first_bytes` (up to kFingerprintBytes of them) still
// starts with the bytes `fp` was taken from.
bool FingerprintMatches(const Fingerprint& fp, std::string_view first_bytes);

// Reads up to kFingerprintBytes from the start of `fd` into `buf` (kFingerprintBytes long) and
// returns how many it got.
Result<size_t> ReadFileStart(int fd, std::string_view path, char* buf);

}  // namespace perimeter
