#include "inputs/file/file_identity.h"

#include <unistd.h>

#include <cerrno>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace perimeter {

Fingerprint ComputeFingerprint(std::string_view first_bytes) {
  if (first_bytes.size() > kFingerprintBytes)
    first_bytes = first_bytes.substr(0, kFingerprintBytes);
  return Fingerprint{static_cast<uint32_t>(first_bytes.size()),
                     XXH3_64bits(first_bytes.data(), first_bytes.size())};
}

bool FingerprintMatches(const Fingerprint& fp, std::string_view first_bytes) {
  if (fp.length == 0) return true;  // taken of an empty file: every file starts that way
  if (first_bytes.size() < fp.length) return false;
  return ComputeFingerprint(first_bytes.substr(0, fp.length)) == fp;
}

Result<size_t> ReadFileStart(int fd, std::string_view path, char* buf) {
  size_t got = 0;
  while (got < kFingerprintBytes) {
    ssize_t n = ::pread(fd, buf + got, kFingerprintBytes - got, static_cast<off_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("cannot read", path, errno);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

}  // namespace perimeter
