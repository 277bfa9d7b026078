// Merges parts into one: a k-way merge by @timestamp that streams row group by row group, so
// memory holds one decoded row group per input plus the output group. One call, one thread.
#pragma once

#include <memory>
#include <span>

#include "core/status.h"
#include "store/part.h"
#include "store/part_writer.h"

namespace perimeter::store {

// Appends every row of `inputs`, in time order (ties: input order), to `writer` (not finished).
Status MergeParts(std::span<const std::shared_ptr<const Part>> inputs, PartWriter* writer);

}  // namespace perimeter::store
