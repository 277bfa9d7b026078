// Retention: parsing "90d" / "20GB" settings and choosing which day partitions to drop.
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace perimeter::store {

// "90d", "2w", "12h", "30m", "45s" → nanoseconds; "" → 0 (keep forever). Errors say the form.
Result<int64_t> ParseRetentionAge(std::string_view text);
// "20GB", "500MB", "1.5TB", "64KiB", "1048576" → bytes (KB/MB/GB/TB are powers of 1000, KiB...
// powers of 1024); "" → 0 (no limit).
Result<uint64_t> ParseByteSize(std::string_view text);

struct DayDrop {
  int64_t day;
  std::string reason;  // for the log line
};

// Days to drop: those wholly older than `max_age_ns` before `now_ns` (when max_age_ns > 0), then
// the oldest remaining days while the total exceeds `max_bytes` (when > 0), never the newest.
std::vector<DayDrop> ChooseDaysToDrop(const std::map<int64_t, uint64_t>& bytes_per_day,
                                      int64_t now_ns, int64_t max_age_ns, uint64_t max_bytes);

}  // namespace perimeter::store
