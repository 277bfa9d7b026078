#include "query/date_rounding.h"

#include <charconv>

#include "core/timestamp.h"

namespace perimeter::query {

namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// How far from a gap in local time the first valid instant is searched: transitions are at
// most a few hours long, and never two within two days.
constexpr int64_t kGapSearchSeconds = 2 * kSecondsPerDay;

}  // namespace

Result<DateInterval> DateInterval::Parse(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"second", "1s"}, {"minute", "1m"}, {"hour", "1h"},    {"day", "1d"},
      {"week", "1w"},   {"month", "1M"},  {"quarter", "1q"}, {"year", "1y"}};
  std::string_view spec = text;
  for (const auto& [name, alias] : kNames) {
    if (text == name) spec = alias;
  }
  int64_t n = 0;
  auto [p, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), n);
  std::string_view unit(p, static_cast<size_t>(spec.data() + spec.size() - p));
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("interval \"" + std::string(text) + "\": " + std::string(why) +
                                   " (use a count and a unit: 500ms, 30s, 5m, 1h, 1d, 1w, 1M, "
                                   "1q, 1y)");
  };
  if (ec != std::errc() || p == spec.data()) return bad("no count");
  // A count this large overflows nanoseconds or means nothing as a bucket.
  constexpr int64_t kMaxCount = 1'000'000;
  if (n <= 0 || n > kMaxCount) return bad("the count must be 1 to 1000000");
  DateInterval d;
  d.text = std::string(text);
  if (unit == "ms") {
    d.fixed_ns = n * 1'000'000;
  } else if (unit == "s") {
    d.fixed_ns = n * kNanosPerSecond;
  } else if (unit == "m") {
    d.fixed_ns = n * 60 * kNanosPerSecond;
  } else if (unit == "h") {
    d.fixed_ns = n * 3600 * kNanosPerSecond;
  } else if (unit == "d") {
    d.unit = Unit::kDay;
    d.count = n;
  } else if (unit == "w") {
    if (n != 1) return bad("weeks are calendar weeks: use 1w, or a number of days");
    d.unit = Unit::kWeek;
  } else if (unit == "M" || unit == "q" || unit == "y") {
    d.unit = Unit::kMonth;
    d.count = n * (unit == "M" ? 1 : unit == "q" ? 3 : 12);
  } else {
    return bad("unknown unit");
  }
  return d;
}

DateInterval DateInterval::Auto(int64_t span_ns, int64_t buckets) {
  static constexpr std::string_view kLadder[] = {"1ms", "10ms", "100ms", "1s",  "5s", "10s", "30s",
                                                 "1m",  "5m",   "10m",   "30m", "1h", "3h",  "12h",
                                                 "1d",  "1w",   "1M",    "1q",  "1y", "10y"};
  if (buckets < 1) buckets = 1;
  for (std::string_view s : kLadder) {
    DateInterval d = *Parse(s);
    if (span_ns / d.NominalNanos() <= buckets) return d;
  }
  return *Parse("100y");
}

int64_t DateInterval::NominalNanos() const {
  switch (unit) {
    case Unit::kFixed:
      return fixed_ns;
    case Unit::kDay:
      return count * kSecondsPerDay * kNanosPerSecond;
    case Unit::kWeek:
      return 7 * kSecondsPerDay * kNanosPerSecond;
    case Unit::kMonth:
      return count * 30 * kSecondsPerDay * kNanosPerSecond;
  }
  return kNanosPerSecond;
}

DateRounding::DateRounding(DateInterval interval, std::shared_ptr<const TimeZone> zone)
    : interval_(std::move(interval)), zone_(std::move(zone)) {}

int32_t DateRounding::OffsetAt(int64_t ts_ns) const {
  return zone_->OffsetAt(FloorDiv(ts_ns, kNanosPerSecond));
}

int64_t DateRounding::LocalToUtcSeconds(int64_t local) const {
  if (auto utc = zone_->LocalToUtc(local)) return *utc;
  // A spring gap: the first instant whose local time is at or after `local`.
  int64_t lo = local - kGapSearchSeconds, hi = local + kGapSearchSeconds;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (mid + zone_->OffsetAt(mid) >= local) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

int64_t DateRounding::LocalUnitStart(int64_t local) const {
  int64_t days = FloorDiv(local, kSecondsPerDay);
  switch (interval_.unit) {
    case DateInterval::Unit::kDay:
      return FloorDiv(days, interval_.count) * interval_.count * kSecondsPerDay;
    case DateInterval::Unit::kWeek:
      // 1970-01-01 was a Thursday; weeks start on Monday.
      return (days - (((days + 3) % 7) + 7) % 7) * kSecondsPerDay;
    case DateInterval::Unit::kMonth: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(days, &y, &m, &d);
      int64_t months = FloorDiv(y * 12 + (m - 1), interval_.count) * interval_.count;
      return DaysFromCivil(FloorDiv(months, 12),
                           static_cast<unsigned>(months - FloorDiv(months, 12) * 12) + 1, 1) *
             kSecondsPerDay;
    }
    case DateInterval::Unit::kFixed:
      break;
  }
  return local;
}

int64_t DateRounding::AddUnits(int64_t local_start, int64_t n) const {
  switch (interval_.unit) {
    case DateInterval::Unit::kDay:
      return local_start + n * interval_.count * kSecondsPerDay;
    case DateInterval::Unit::kWeek:
      return local_start + n * 7 * kSecondsPerDay;
    case DateInterval::Unit::kMonth: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(FloorDiv(local_start, kSecondsPerDay), &y, &m, &d);
      int64_t months = y * 12 + (m - 1) + n * interval_.count;
      return DaysFromCivil(FloorDiv(months, 12),
                           static_cast<unsigned>(months - FloorDiv(months, 12) * 12) + 1, 1) *
             kSecondsPerDay;
    }
    case DateInterval::Unit::kFixed:
      break;
  }
  return local_start;
}

int64_t DateRounding::KeyOf(int64_t ts) const {
  if (interval_.unit == DateInterval::Unit::kFixed) {
    int64_t off = static_cast<int64_t>(OffsetAt(ts)) * kNanosPerSecond;
    return FloorDiv(ts + off, interval_.fixed_ns) * interval_.fixed_ns - off;
  }
  int64_t local = FloorDiv(ts, kNanosPerSecond) + OffsetAt(ts);
  return LocalToUtcSeconds(LocalUnitStart(local)) * kNanosPerSecond;
}

int64_t DateRounding::NextKey(int64_t key) const {
  if (interval_.unit == DateInterval::Unit::kFixed) {
    for (int64_t step = 1;; ++step) {
      int64_t next = KeyOf(key + step * interval_.fixed_ns);
      if (next > key) return next;
    }
  }
  int64_t local = FloorDiv(key, kNanosPerSecond) + OffsetAt(key);
  return LocalToUtcSeconds(AddUnits(LocalUnitStart(local), 1)) * kNanosPerSecond;
}

void DateRounding::Cursor::Load(int64_t ts) {
  key_ = r_.KeyOf(ts);
  int64_t next = r_.NextKey(key_);
  // Within one bucket the key is the same everywhere when the offset does not change in it (a
  // fixed interval) or the bucket is a calendar unit; otherwise only `ts` is remembered.
  bool uniform =
      r_.interval_.unit != DateInterval::Unit::kFixed || r_.OffsetAt(key_) == r_.OffsetAt(next - 1);
  if (uniform && next > ts && r_.KeyOf(next - 1) == key_ && key_ <= ts) {
    lo_ = key_;
    hi_ = next;
  } else {
    lo_ = ts;
    hi_ = ts + 1;
  }
}

int64_t DateRounding::Cursor::KeyOf(int64_t ts) {
  if (ts < lo_ || ts >= hi_) Load(ts);
  return key_;
}

bool DateRounding::Cursor::KeyOfSpan(int64_t from, int64_t to, int64_t* key) {
  *key = KeyOf(from);
  return to - 1 < hi_ && from >= lo_;
}

}  // namespace perimeter::query
