// Encodes and decodes the checkpoints file (checkpoints_format.h). Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter::store {

struct CheckpointsSnapshot {
  uint64_t lsn = 0;
  std::map<std::string, std::string, std::less<>> blobs;
};

std::string EncodeCheckpoints(const CheckpointsSnapshot& snapshot);
// Corruption on damage, InvalidArgument on an unknown version; `path` names the file in errors.
Result<CheckpointsSnapshot> DecodeCheckpoints(std::string_view bytes, std::string_view path);

}  // namespace perimeter::store
