#include "store/merge_policy.h"

#include <algorithm>
#include <numeric>

namespace perimeter::store {

namespace {

// Parts below this many rows share the lowest tier.
constexpr uint64_t kTierBaseRows = 4096;

int Tier(uint64_t rows) {
  int t = 0;
  for (uint64_t r = kTierBaseRows; r < rows; r *= 4) ++t;
  return t;
}

// The smallest parts of `candidates` (sorted by rows) whose total stays within max_part_rows.
std::vector<size_t> TakeSmallest(std::span<const PartRows> parts,
                                 const std::vector<size_t>& candidates,
                                 const MergePolicyOptions& o) {
  std::vector<size_t> out;
  uint64_t total = 0;
  for (size_t i : candidates) {
    if (out.size() == o.max_parts || total + parts[i].rows > o.max_part_rows) break;
    out.push_back(i);
    total += parts[i].rows;
  }
  if (out.size() < 2) out.clear();
  return out;
}

}  // namespace

std::vector<size_t> ChooseMerge(std::span<const PartRows> parts, bool day_closed,
                                const MergePolicyOptions& o) {
  if (parts.size() < 2) return {};
  std::vector<size_t> by_rows(parts.size());
  std::iota(by_rows.begin(), by_rows.end(), 0);
  std::stable_sort(by_rows.begin(), by_rows.end(),
                   [&](size_t a, size_t b) { return parts[a].rows < parts[b].rows; });
  if (day_closed || parts.size() > o.max_parts_per_day) return TakeSmallest(parts, by_rows, o);
  // The lowest tier holding min_parts parts.
  size_t i = 0;
  while (i < by_rows.size()) {
    int tier = Tier(parts[by_rows[i]].rows);
    size_t j = i;
    while (j < by_rows.size() && Tier(parts[by_rows[j]].rows) == tier) ++j;
    if (j - i >= o.min_parts) {
      return TakeSmallest(parts,
                          std::vector<size_t>(by_rows.begin() + static_cast<ptrdiff_t>(i),
                                              by_rows.begin() + static_cast<ptrdiff_t>(j)),
                          o);
    }
    i = j;
  }
  return {};
}

}  // namespace perimeter::store
