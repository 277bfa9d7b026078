// The file input's checkpoint ("sincedb") file: for each file it follows, the byte offset of the
// next line not yet taken by the outputs. Constants only; CheckpointStore encodes and decodes.
//
// Layout, every integer little-endian:
//
//   header   magic "PRMSINCE"              8 bytes
//            version                       u32   (kCheckpointVersion)
//            entry count                   u32
//   entry    device                        u64   st_dev of the file
//   (repeated inode                        u64   st_ino of the file
//    count   offset                        u64   next unread byte: always the start of a line
//    times)  fingerprint hash              u64   XXH3-64 of the file's first `length` bytes
//            fingerprint length            u32   at most kFingerprintBytes (file_identity.h)
//            last seen                     i64   unix seconds the file was last followed
//            path length                   u16   at most kCheckpointMaxPathBytes
//            path                          bytes the file's last known path (for people)
//   trailer  checksum                      u64   XXH3-64 of every byte before the trailer
//
// The file is replaced whole (temporary file, fsync, rename, fsync of the directory), so a
// reader sees the old or the new version, never a mix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace perimeter {

constexpr std::string_view kCheckpointMagic = "PRMSINCE";
constexpr uint32_t kCheckpointVersion = 1;

constexpr size_t kCheckpointHeaderBytes = 8 + 4 + 4;
constexpr size_t kCheckpointEntryFixedBytes = 8 + 8 + 8 + 8 + 4 + 8 + 2;
constexpr size_t kCheckpointTrailerBytes = 8;

// PATH_MAX on Linux; longer paths cannot be opened anyway.
constexpr size_t kCheckpointMaxPathBytes = 4096;
// A million followed files is far beyond max_open_files; a bigger file is damage, and refusing
// it keeps a corrupt size field from making us allocate without bound.
constexpr size_t kCheckpointMaxFileBytes = 64u << 20;

}  // namespace perimeter
