// The checkpoints file: the latest checkpoint blob per key (an input's file offsets) as of the
// last flush, so checkpoints outlive the WAL segments that carried them. Constants only;
// checkpoints_file.h encodes and decodes.
//
//   magic "PRMTCKPT" 8 · version u32 · entry count u32 · LSN u64 (the WAL position the entries
//   are current as of) · entries: key length u32, key, blob length u32, blob ·
//   XXH3 of every byte before it u64
//
// Replaced whole (temporary file, fsync, rename, fsync of the directory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace perimeter::store {

constexpr std::string_view kCheckpointsMagic = "PRMTCKPT";
constexpr uint32_t kCheckpointsVersion = 1;
constexpr std::string_view kCheckpointsFileName = "checkpoints";
// Far beyond any input's needs; a larger file is damage.
constexpr size_t kMaxCheckpointsFileBytes = 64u << 20;

}  // namespace perimeter::store
