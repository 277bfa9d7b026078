#include "store/retention_policy.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "store/part_meta.h"

namespace perimeter::store {

namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerDay = 86'400 * kNanosPerSecond;

// Splits "20GB" into 20 and "GB"; false when there is no leading number.
bool SplitNumber(std::string_view text, double* number, std::string* unit) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) return false;
  std::string num(text.substr(0, i));
  char* end = nullptr;
  *number = std::strtod(num.c_str(), &end);
  if (end != num.c_str() + num.size()) return false;
  std::string_view rest = text.substr(i);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  unit->clear();
  for (char c : rest)
    unit->push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return true;
}

}  // namespace

Result<int64_t> ParseRetentionAge(std::string_view text) {
  if (text.empty()) return int64_t{0};
  double n;
  std::string unit;
  if (!SplitNumber(text, &n, &unit)) {
    return Status::InvalidArgument("retention_age \"" + std::string(text) +
                                   "\": expected a number and a unit, like \"90d\" or \"12h\"");
  }
  double seconds;
  if (unit == "s") {
    seconds = n;
  } else if (unit == "m") {
    seconds = n * 60;
  } else if (unit == "h") {
    seconds = n * 3600;
  } else if (unit == "d") {
    seconds = n * 86400;
  } else if (unit == "w") {
    seconds = n * 7 * 86400;
  } else {
    return Status::InvalidArgument("retention_age \"" + std::string(text) +
                                   "\": unknown unit; use s, m, h, d or w (\"90d\")");
  }
  if (seconds <= 0 || seconds > 1e11) {
    return Status::InvalidArgument("retention_age \"" + std::string(text) + "\" is out of range");
  }
  return static_cast<int64_t>(seconds * kNanosPerSecond);
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  if (text.empty()) return uint64_t{0};
  double n;
  std::string unit;
  if (!SplitNumber(text, &n, &unit)) {
    return Status::InvalidArgument("retention_bytes \"" + std::string(text) +
                                   "\": expected a number and a unit, like \"20GB\"");
  }
  double mult;
  if (unit.empty() || unit == "b") {
    mult = 1;
  } else if (unit == "kb" || unit == "k") {
    mult = 1e3;
  } else if (unit == "mb" || unit == "m") {
    mult = 1e6;
  } else if (unit == "gb" || unit == "g") {
    mult = 1e9;
  } else if (unit == "tb" || unit == "t") {
    mult = 1e12;
  } else if (unit == "kib") {
    mult = 1024.0;
  } else if (unit == "mib") {
    mult = 1024.0 * 1024;
  } else if (unit == "gib") {
    mult = 1024.0 * 1024 * 1024;
  } else if (unit == "tib") {
    mult = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return Status::InvalidArgument("retention_bytes \"" + std::string(text) +
                                   "\": unknown unit; use B, KB, MB, GB, TB (or KiB, MiB, GiB)");
  }
  double bytes = n * mult;
  if (bytes < 1 || bytes > 1e18) {
    return Status::InvalidArgument("retention_bytes \"" + std::string(text) + "\" is out of range");
  }
  return static_cast<uint64_t>(bytes);
}

std::vector<DayDrop> ChooseDaysToDrop(const std::map<int64_t, uint64_t>& bytes_per_day,
                                      int64_t now_ns, int64_t max_age_ns, uint64_t max_bytes) {
  std::vector<DayDrop> drops;
  uint64_t total = 0;
  for (const auto& [day, bytes] : bytes_per_day) total += bytes;
  auto it = bytes_per_day.begin();
  if (max_age_ns > 0) {
    for (; it != bytes_per_day.end(); ++it) {
      int64_t day_end = (it->first + 1) * kNanosPerDay;
      if (day_end > now_ns - max_age_ns) break;
      drops.push_back(
          {it->first, "all of " + DayName(it->first) + " is older than the retention age"});
      total -= it->second;
    }
  }
  if (max_bytes > 0) {
    for (; it != bytes_per_day.end() && std::next(it) != bytes_per_day.end() && total > max_bytes;
         ++it) {
      drops.push_back({it->first, "the store holds " + std::to_string(total) +
                                      " bytes, over retention_bytes (" + std::to_string(max_bytes) +
                                      "); " + DayName(it->first) + " is the oldest day"});
      total -= it->second;
    }
  }
  return drops;
}

}  // namespace perimeter::store
