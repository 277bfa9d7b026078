// Which parts of a day to merge next: size tiers (a factor of 4 apart) so every row is
// rewritten O(log n) times, and whole days folded once they no longer receive writes.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace perimeter::store {

struct MergePolicyOptions {
  size_t min_parts = 4;                // a tier merges when it has this many parts
  size_t max_parts = 8;                // parts per merge (memory: one row group per input)
  uint64_t max_part_rows = 4'000'000;  // merges do not produce parts beyond this
  size_t max_parts_per_day = 16;       // beyond this, merge the smallest regardless of tiers
};

struct PartRows {
  uint64_t id;
  uint64_t rows;
};

// Indexes (into `parts`) to merge now, or empty. `day_closed`: the day no longer gets writes,
// so all its small parts are folded together.
std::vector<size_t> ChooseMerge(std::span<const PartRows> parts, bool day_closed,
                                const MergePolicyOptions& options);

}  // namespace perimeter::store
