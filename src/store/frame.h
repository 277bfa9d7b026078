// Frames: the checksummed, optionally zstd-compressed unit every part block is stored in
// (part_format.h). Stateless functions; thread-safe (each call has its own zstd context).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace perimeter::store {

// Appends a frame holding `raw`; compressed when that saves bytes.
void AppendFrame(std::string_view raw, std::string* out);
// Checks the frame's checksum and returns its decoded body. `what` names the frame in errors
// ("part 12 column message group 0 data").
Status DecodeFrame(std::string_view stored, std::string_view what, std::string* raw);

}  // namespace perimeter::store
