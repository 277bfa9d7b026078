// DateRounding: the bucket of an instant for `date_histogram` — fixed intervals ("30s", "5m",
// "1h") and calendar ones ("1d", "1w", "1M", "1q", "1y") — in a time zone (an IANA name or a
// fixed offset, core/time_zone.h). Immutable after creation; thread-safe. A Cursor caches the
// current bucket for sorted scans (one per thread).
//
// Keys are the UTC instants where buckets start:
//   fixed intervals below a day: the event's local time rounded down, minus the event's own
//     offset (so the repeated autumn hour gets its own buckets, and a bucket is the interval
//     long in real time);
//   days, weeks (from Monday), months, quarters, years, and multiples of days: the local
//     calendar start of the unit, as an instant (a day with a DST change is 23 or 25 h long);
//     a start that falls into a spring gap is the first instant after it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time_zone.h"

namespace perimeter::query {

struct DateInterval {
  enum class Unit { kFixed, kDay, kWeek, kMonth };
  Unit unit = Unit::kFixed;
  int64_t fixed_ns = 0;  // kFixed
  int64_t count = 1;     // days (kDay), months (kMonth); weeks are 1
  std::string text;      // as given ("1h")

  // "500ms", "30s", "5m", "1h", "1d", "7d", "1w", "1M", "1q", "1y", and the names "minute",
  // "hour", "day", "week", "month", "quarter", "year".
  static Result<DateInterval> Parse(std::string_view text);
  // A nice interval giving at most about `buckets` buckets over `span_ns`.
  static DateInterval Auto(int64_t span_ns, int64_t buckets);
  // Nominal length (a month as 30 days): for bucket-count limits.
  int64_t NominalNanos() const;
};

class DateRounding {
 public:
  DateRounding(DateInterval interval, std::shared_ptr<const TimeZone> zone);

  // Start of the bucket holding `ts_ns`.
  int64_t KeyOf(int64_t ts_ns) const;
  // Start of the bucket after the one starting at `key_ns`.
  int64_t NextKey(int64_t key_ns) const;
  const DateInterval& interval() const { return interval_; }
  const TimeZone& zone() const { return *zone_; }

  // Remembers the last bucket: rows sorted by time mostly hit it.
  class Cursor {
   public:
    explicit Cursor(const DateRounding& r) : r_(r) {}
    int64_t KeyOf(int64_t ts_ns);
    // The key shared by every instant of [from_ns, to_ns), or false.
    bool KeyOfSpan(int64_t from_ns, int64_t to_ns, int64_t* key);

   private:
    void Load(int64_t ts_ns);
    const DateRounding& r_;
    int64_t lo_ = 1, hi_ = 0;  // [lo_, hi_) maps to key_
    int64_t key_ = 0;
  };

 private:
  int32_t OffsetAt(int64_t ts_ns) const;
  // The instant a local time (seconds) names; the first instant after a gap.
  int64_t LocalToUtcSeconds(int64_t local_seconds) const;
  int64_t LocalUnitStart(int64_t local_seconds) const;  // calendar units, local seconds
  int64_t AddUnits(int64_t local_start_seconds, int64_t n) const;

  DateInterval interval_;
  std::shared_ptr<const TimeZone> zone_;
};

}  // namespace perimeter::query
